/**
 * `rqc bench run` / `rqc bench list` as a user runs them (the built dist/cli.js), against the
 * real PostgreSQL and Docker engine: --json output, exit codes, the validator's list of problems,
 * and Ctrl-C in the middle of a docker-mode run (no container left, samples kept, run aborted).
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {BENCH_LABEL} from '../../../source/bench/docker-executor.js';
import {createDockerClient} from '../../../source/docker/engine.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {cliPath, root, runCli} from '../../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requireDocker, requirePostgres, uniqueSuffix} from '../../helpers/services.js';
import {waitFor} from './fixtures.js';

describeWith([requirePostgres(), requireDocker()], 'rqc bench run (built CLI, PostgreSQL, Docker)', () => {
	let database: TestDatabase;
	let store: Store;
	let dir: string;
	let env: Record<string, string>;
	beforeAll(async () => {
		database = await createTestDatabase('rqc_bench');
		store = await openStore({databaseUrl: database.url, pgliteDir: ''});
		dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-bench-cli-'));
		env = {RQC_DATABASE_URL: database.url, RQC_DATA_DIR: path.join(dir, 'data'), RQC_BENCH_IMAGE: 'rqc-busybox:test', RQC_LOCK_DIR: dir};
	});
	afterAll(async () => {
		await store?.close();
		await database?.drop();
		rmSync(dir, {recursive: true, force: true});
	});

	/** Waits until the release's one run has at least n samples in its spool file (taken, not yet stored). */
	async function waitForSpooledSamples(release: string, n: number): Promise<void> {
		let runId: number | undefined;
		await waitFor(async () => {
			runId ??= (await store.listRuns({release}).catch(() => []))[0]?.id;
			if (runId === undefined) return false;
			const text = await readFile(path.join(env.RQC_DATA_DIR!, 'spool', `run-${runId}.jsonl`), 'utf8').catch(() => '');
			return text.split('\n').filter((line) => line.startsWith('{"t":"s"')).length >= n;
		}, 60_000, `${n} spooled samples of release ${release}`);
	}

	it('lists every problem of a broken suite with its path and exits 2', async () => {
		const file = path.join(dir, 'broken.yaml');
		writeFileSync(file, 'name: broken\ncases:\n  - {name: a, command: "true", iterations: 0}\n  - {name: a, command: 5}\n');
		const result = await runCli(['bench', 'run', file, '--release', 'v1'], env, {cwd: dir});
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('cases[0].iterations: must be a positive integer');
		expect(result.stderr).toContain('cases[1].name: duplicates cases[0].name "a"');
		expect(result.stderr).toContain('cases[1].command: must be an argv array of strings or a shell string');
		const json = await runCli(['bench', 'run', file, '--release', 'v1', '--json'], env, {cwd: dir});
		expect(json.exitCode).toBe(2);
		expect(JSON.parse(json.stdout)).toMatchObject({error: {kind: 'UserError', exitCode: 2}});
	});

	it('says what is missing: the suite, or --release', async () => {
		expect((await runCli(['bench', 'run', 'no-such-suite', '--release', 'v1'], env, {cwd: dir})).stderr).toMatch(/no suite named "no-such-suite"/);
		const noRelease = await runCli(['bench', 'run', 'smoke'], env, {cwd: dir});
		expect(noRelease.exitCode).toBe(2);
		expect(noRelease.stderr).toMatch(/--release is required/);
	});

	it('lists the shipped suites as JSON', async () => {
		const result = await runCli(['bench', 'list', '--json'], env, {cwd: dir});
		expect(result.exitCode).toBe(0);
		const {suites} = JSON.parse(result.stdout) as {suites: Array<{name: string; cases: string[]}>};
		expect(suites.find((s) => s.name === 'calibration')?.cases).toContain('cpu-sha256');
	});

	it('runs a suite bare metal with --json: only JSON on stdout, the run stored in PostgreSQL', async () => {
		const release = `v-cli-${uniqueSuffix()}`;
		const trace = path.join(dir, `imports-${uniqueSuffix()}.txt`);
		const result = await runCli(['bench', 'run', 'smoke', '--release', release, '--environment', 'production', '--git-sha', 'deadbeef', '--json'],
			{...env, RQC_TRACE_IMPORTS: trace}, {cwd: dir, nodeOptions: ['--import', path.join(root, 'test/helpers/trace-imports.mjs')]} as never);
		expect(result.exitCode, result.stderr).toBe(0);
		// --json never loads Ink or React.
		const loaded = readFileSync(trace, 'utf8');
		expect(loaded).toContain('/dist/bench/runner.js');
		expect(loaded).not.toMatch(/node_modules\/(ink|react)\//);
		const {run} = JSON.parse(result.stdout) as {run: {runId: number; status: string; mode: string; summaries: Array<{caseName: string; count: number}>}};
		expect(run).toMatchObject({status: 'completed', mode: 'bare_metal'});
		expect(run.summaries.map((s) => [s.caseName, s.count])).toEqual([['true', 5], ['sha256-1MiB', 5]]);
		expect(await store.countSamples(run.runId)).toBe(12);
		expect((await store.getRun(run.runId))?.environment.gitSha).toBe('deadbeef');
	});

	it('on Ctrl-C in a docker-mode run: run aborted, samples kept, container removed', async () => {
		const release = `v-int-${uniqueSuffix()}`;
		const file = path.join(dir, 'long.yaml');
		writeFileSync(file, 'name: long\ncases:\n  - {name: slow, command: [sleep, "0.05"], iterations: 2000, warmup: 0}\n');
		const child = execa('node', [cliPath, 'bench', 'run', file, '--release', release, '--mode', 'docker', '--nofile', '1024'], {
			reject: false, extendEnv: false, env: {PATH: process.env.PATH, HOME: process.env.HOME, ...env}, cwd: dir, stdin: 'ignore',
		});
		const docker = createDockerClient({dockerHost: process.env.DOCKER_HOST});
		const mine = async () => (await docker.listContainers({all: true, filters: {label: [BENCH_LABEL, `rqc.bench.pid=${child.pid}`]}})).map((c) => c.Id);
		await waitFor(async () => (await mine()).length === 1, 30_000, 'the run container');
		const [containerId] = await mine();
		// Let some iterations land before the interrupt.
		await waitForSpooledSamples(release, 5);
		child.kill('SIGINT');
		const result = await child;
		expect(result.exitCode, String(result.stderr)).toBe(1);
		expect(String(result.stdout)).toMatch(/aborted \(interrupted: received SIGINT; the samples taken are kept\)/);
		const [run] = await store.listRuns({release});
		expect(run).toMatchObject({status: 'aborted', mode: 'docker'});
		expect(run?.environment.containerId).toBe(containerId);
		const samples = await store.countSamples(run!.id);
		expect(samples).toBeGreaterThan(0);
		expect(samples).toBeLessThan(2000);
		expect(await mine()).toEqual([]);
		await expect(docker.getContainer(containerId!).inspect()).rejects.toMatchObject({statusCode: 404});
	});

	it('on SIGTERM in a bare-metal run: run aborted, samples kept (exit 1)', async () => {
		const release = `v-term-${uniqueSuffix()}`;
		const file = path.join(dir, 'term.yaml');
		writeFileSync(file, 'name: term\ncases:\n  - {name: slow, command: [sleep, "0.05"], iterations: 2000, warmup: 0}\n');
		const child = execa('node', [cliPath, 'bench', 'run', file, '--release', release, '--mode', 'bare-metal'], {
			reject: false, extendEnv: false, env: {PATH: process.env.PATH, HOME: process.env.HOME, ...env}, cwd: dir, stdin: 'ignore',
		});
		await waitForSpooledSamples(release, 5);
		child.kill('SIGTERM');
		const result = await child;
		expect(result.exitCode, String(result.stderr)).toBe(1);
		const [run] = await store.listRuns({release});
		expect(run).toMatchObject({status: 'aborted', statusReason: 'interrupted: received SIGTERM; the samples taken are kept'});
		expect(await store.countSamples(run!.id)).toBeGreaterThan(0);
	});

	it('after rqc is killed (SIGKILL) mid-run, the next run removes its container, takes over its lock and stores its spooled samples', async () => {
		const release = `v-kill-${uniqueSuffix()}`;
		const file = path.join(dir, 'kill.yaml');
		writeFileSync(file, 'name: kill\ncases:\n  - {name: slow, command: [sleep, "0.05"], iterations: 2000, warmup: 0}\n');
		const child = execa('node', [cliPath, 'bench', 'run', file, '--release', release, '--mode', 'docker', '--nofile', '1024'], {
			reject: false, extendEnv: false, env: {PATH: process.env.PATH, HOME: process.env.HOME, ...env}, cwd: dir, stdin: 'ignore',
		});
		const docker = createDockerClient({dockerHost: process.env.DOCKER_HOST});
		const left = async () => (await docker.listContainers({all: true, filters: {label: [BENCH_LABEL, `rqc.bench.pid=${child.pid}`]}})).map((c) => c.Id);
		await waitForSpooledSamples(release, 5);
		child.kill('SIGKILL');
		await child;
		expect(await left()).toHaveLength(1); // nothing ran to remove it
		const [killed] = await store.listRuns({release});
		expect(killed?.status).toBe('running');
		expect(await store.countSamples(killed!.id)).toBe(0); // samples are written at case end

		const next = await runCli(['bench', 'run', 'smoke', '--release', `${release}-next`, '--mode', 'bare-metal', '--no-wait'], env, {cwd: dir});
		expect(next.exitCode, next.stderr).toBe(0);
		expect(next.stderr).toMatch(/wrote \d+ spooled samples of 1 earlier run/);
		expect(await left()).toEqual([]);
		const recovered = await store.getRun(killed!.id);
		expect(recovered?.status).toBe('aborted');
		expect(recovered?.statusReason).toMatch(/samples recovered from the spool/);
		expect(await store.countSamples(killed!.id)).toBeGreaterThan(0);
	});
});
