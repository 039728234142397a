/**
 * Samples spooled while the database was unreachable are written by the next rqc command that
 * opens the store, exactly once (issue 5: "or at the next rqc start").
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {encodeSample, getSpoolDir} from '../../source/bench/spool.js';
import {openStore} from '../../source/store/open-store.js';
import {root, runCli} from '../helpers/cli.js';
import {createTempDir} from '../helpers/postgres.js';

const temp = createTempDir('rqc-spool-start-');
afterAll(() => temp.cleanup());

describe('leftover spool files', () => {
	it('are written by the next command that opens the store, once', async () => {
		const config = {databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'pglite')};
		let store = await openStore(config);
		const run = await store.createRun({release: 'v-spooled', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.close();

		// What a run leaves when it dies with the database down: a header from a dead process, samples.
		const time = new Date();
		const samples = [0, 1, 2].map((iteration) => ({runId: run.id, caseName: 'c', iteration, time, wallNs: 1000 + iteration}));
		mkdirSync(getSpoolDir(temp.dir), {recursive: true});
		const file = path.join(getSpoolDir(temp.dir), `run-${run.id}.jsonl`);
		const header = JSON.stringify({t: 'h', runId: run.id, pid: 2 ** 22 + 12_345, host: hostname(), startedAt: time.getTime()});
		writeFileSync(file, [header, ...samples.map((s) => encodeSample(s))].join('\n') + '\n');

		const first = await runCli(['releases', '--json'], {RQC_DATA_DIR: temp.dir});
		expect(first.exitCode).toBe(0);
		expect(first.stderr).toContain('wrote 3 spooled samples of 1 earlier run(s)');
		expect(existsSync(file)).toBe(false);

		// The spool directory stays, empty: the next command must not load the spool code (nor
		// the Docker client it brings) just to find nothing.
		const trace = path.join(temp.dir, 'imports.txt');
		const second = await runCli(['releases', '--json'], {RQC_DATA_DIR: temp.dir, RQC_TRACE_IMPORTS: trace},
			{nodeOptions: ['--import', path.join(root, 'test/helpers/trace-imports.mjs')]} as never);
		expect(second.stderr).not.toContain('spooled');
		expect(readFileSync(trace, 'utf8')).not.toMatch(/bench\/spool\.js|node_modules\/dockerode\//);

		store = await openStore(config);
		try {
			expect(await store.countSamples(run.id)).toBe(3);
		} finally {
			await store.close();
		}
	});
});
