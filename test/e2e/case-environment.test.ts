/**
 * A bare-metal case sees a clean environment (issue 11, point 3): the built CLI runs a case that
 * writes its environment to a file, with rqc's own environment full of credentials.
 * `npm test` builds dist/ first.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../helpers/postgres.js';
import {describeWith, requirePostgres} from '../helpers/services.js';

describeWith([requirePostgres()], 'the environment of a bare-metal case', () => {
	let database: TestDatabase;
	const temp = createTempDir('rqc-case-env-');
	beforeAll(async () => {
		database = await createTestDatabase('rqc_caseenv');
	});
	afterAll(async () => {
		await database?.drop();
		temp.cleanup();
	});

	// issue 11: bare-metal commands inherited RQC_DATABASE_URL, REDIS_URL and the rest of rqc's environment.
	it('holds the basics and the suite\'s env, never rqc\'s credentials', async () => {
		const out = path.join(temp.dir, 'env.txt');
		writeFileSync(path.join(temp.dir, 's.yaml'), `name: envdump\ncases:\n  - name: dump\n    command: 'env > "$OUT"'\n    iterations: 1\n    warmup: 0\n    env: {OUT: "${out}", SUITE_VALUE: kept}\n`);
		const result = await runCli(['bench', 'run', 's.yaml', '--release', 'v-env', '--mode', 'bare-metal'], {
			RQC_DATABASE_URL: database.url, RQC_DATA_DIR: path.join(temp.dir, 'data'), LANG: 'C.UTF-8', TZ: 'UTC',
			PGPASSWORD: 'Pg-Zz93-hidden', DATABASE_URL: 'postgres://u:Db-Zz93-hidden@h/d', DOCKER_HOST: 'unix:///var/run/docker.sock',
			AWS_SECRET_ACCESS_KEY: 'Aws-Zz93-hidden', RQC_PROJECT: 'rqc-env-test',
			// A lock of its own: another run on this host (another user's tests) never makes it wait.
			RQC_LOCK_DIR: temp.dir,
		}, {cwd: temp.dir});
		expect(result.exitCode, result.stderr).toBe(0);
		const names = readFileSync(out, 'utf8').split('\n').map((line) => line.split('=')[0]).filter(Boolean);
		expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'LANG', 'TZ', 'SUITE_VALUE', 'OUT', 'RQC_SCRATCH_DIR', 'RQC_SUITE_DIR']));
		for (const name of ['RQC_DATABASE_URL', 'DATABASE_URL', 'PGPASSWORD', 'DOCKER_HOST', 'AWS_SECRET_ACCESS_KEY', 'RQC_PROJECT', 'RQC_DATA_DIR', 'RQC_LOCK_DIR']) {
			expect(names).not.toContain(name);
		}

		const url = new URL(database.url);
		const text = readFileSync(out, 'utf8');
		if (url.password) expect(text).not.toContain(decodeURIComponent(url.password));
		expect(text).not.toMatch(/Zz93-hidden/);
	}, 120_000);
});
