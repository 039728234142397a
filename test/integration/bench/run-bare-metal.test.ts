/**
 * Real bare-metal runs against the embedded store (PGlite): samples, warmups, environment,
 * interleaving, abort, timeout and the host lock with two runs at once.
 */
import {existsSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {getLockFile} from '../../../source/bench/lock.js';
import type {BenchEvent} from '../../../source/bench/progress.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {getSpoolDir} from '../../../source/bench/spool.js';
import {FailureError} from '../../../source/errors.js';
import {uniqueSuffix} from '../../helpers/services.js';
import {isPidRunning, makeSuite, openPgliteFixture, waitFor, type PgliteFixture} from './fixtures.js';

let fixture: PgliteFixture;
beforeAll(async () => {
	fixture = await openPgliteFixture();
	// The host lock is host-wide: a directory of this file's own keeps other test runs out of it.
	process.env.RQC_LOCK_DIR = fixture.dataDir;
});
afterAll(async () => {
	delete process.env.RQC_LOCK_DIR;
	await fixture?.cleanup();
});

const deps = (signal = new AbortController().signal, onEvent?: (event: BenchEvent) => void) => ({
	store: fixture.store,
	config: {dataDir: fixture.dataDir, dockerHost: undefined},
	signal,
	...(onEvent ? {onEvent} : {}),
	onNotice: () => {},
});

describe('bare-metal runs (PGlite)', () => {
	it('stores every iteration with warmups flagged and the execution environment', async () => {
		const release = `v-bm-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'bm', defaults: {iterations: 4, warmup: 2}, cases: [{name: 'true', command: ['true']}, {name: 'sh', command: 'echo $GREETING > out.txt', env: {GREETING: 'hi'}}]});
		const result = await runBenchmark({suite, mode: 'bare_metal', release, gitSha: 'abc123'}, deps());
		expect(result).toMatchObject({status: 'completed', samplesTaken: 12, samplesStored: 12, spoolFile: undefined});
		const run = await fixture.store.getRun(result.runId);
		expect(run).toMatchObject({status: 'completed', mode: 'bare_metal', suite: 'bm', releaseName: release});
		expect(run?.environment).toMatchObject({runtime: 'bare_metal', gitSha: 'abc123', host: {nodeVersion: process.version}});
		expect(run?.environment.hostFingerprint).toMatch(/^[\da-f]{16}$/);
		expect(run?.environment.host?.loadAvgStart).toHaveLength(3);
		expect(run?.environment.host?.loadAvgEnd).toHaveLength(3);
		const samples = await fixture.store.getSamples({release, includeWarmup: true});
		expect(samples).toHaveLength(12);
		const trueSamples = samples.filter((s) => s.caseName === 'true').sort((a, b) => a.iteration - b.iteration);
		expect(trueSamples.map((s) => s.isWarmup)).toEqual([true, true, false, false, false, false]);
		for (const sample of samples) {
			expect(sample.exitCode).toBe(0);
			expect(sample.wallNs).toBeGreaterThan(0);
			expect(sample.maxRssBytes).toBeGreaterThan(0);
		}

		// Nothing left behind: the spool file is removed once the run is stored, so is the lock.
		expect(await readdir(getSpoolDir(fixture.dataDir)).catch(() => [])).toEqual([]);
		expect(existsSync(getLockFile(fixture.dataDir))).toBe(false);
	});

	it('runs the cases round-robin with interleave', async () => {
		const release = `v-il-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'il', defaults: {iterations: 3, warmup: 0}, cases: [{name: 'a', command: ['true']}, {name: 'b', command: ['true']}]});
		const result = await runBenchmark({suite, mode: 'bare_metal', release, isInterleaved: true}, deps());
		expect(result.status).toBe('completed');
		const samples = await fixture.store.getSamples({release, includeWarmup: true});
		const order = [...samples].sort((x, y) => x.time.getTime() - y.time.getTime() || x.iteration - y.iteration || x.caseName.localeCompare(y.caseName)).map((s) => `${s.caseName}${s.iteration}`);
		expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
	});

	it('keeps the samples taken and marks the run aborted on abort', async () => {
		const release = `v-ab-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'ab', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 200, warmup: 0}, {name: 'never', command: ['true']}]});
		const controller = new AbortController();
		const result = await runBenchmark({suite, mode: 'bare_metal', release}, deps(controller.signal, (event) => {
			if (event.done >= 5) controller.abort(new Error('received SIGINT'));
		}));
		expect(result.status).toBe('aborted');
		expect(result.reason).toMatch(/received SIGINT/);
		expect(result.samplesTaken).toBeGreaterThanOrEqual(5);
		expect(result.samplesTaken).toBeLessThan(200);
		expect(await fixture.store.countSamples(result.runId)).toBe(result.samplesTaken);
		expect((await fixture.store.getRun(result.runId))?.status).toBe('aborted');
	});

	// issue 11.1: an abort of a run with --iterations 1e12 stored 0 samples
	it('an abort of a run with --iterations 1e12 stores every sample taken and leaves no spool', async () => {
		const release = `v-huge-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'huge', cases: [{name: 't', command: ['true'], warmup: 0}]});
		const controller = new AbortController();
		const result = await runBenchmark({suite, mode: 'bare_metal', release, iterations: 1e12}, deps(controller.signal, (event) => {
			if (event.done >= 2000) controller.abort(new Error('received SIGINT'));
		}));
		expect(result.status).toBe('aborted');
		expect(result.samplesTaken).toBeGreaterThanOrEqual(2000);
		expect(result.samplesStored).toBe(result.samplesTaken);
		expect(await fixture.store.countSamples(result.runId)).toBe(result.samplesTaken);
		expect((await fixture.store.getRun(result.runId))?.status).toBe('aborted');
		expect(await readdir(getSpoolDir(fixture.dataDir)).catch(() => [])).not.toContain(`run-${result.runId}.jsonl`);
	});

	it('fails the run on a timeout and kills the iteration\'s whole process tree', async () => {
		const release = `v-to-${uniqueSuffix()}`;
		const pidFile = path.join(fixture.dataDir, `tree-${uniqueSuffix()}.pid`);
		const suite = makeSuite({name: 'to', cases: [{name: 'hang', command: `sleep 60 & echo $! > ${pidFile}; wait`, timeout: '300ms', iterations: 3, warmup: 0}]});
		const result = await runBenchmark({suite, mode: 'bare_metal', release}, deps());
		expect(result.status).toBe('failed');
		expect(result.reason).toMatch(/^Timeout: case hang iteration 0 ran past 300 ms/);
		expect((await fixture.store.getRun(result.runId))).toMatchObject({status: 'failed', statusReason: result.reason});
		const orphan = Number((await readFile(pidFile, 'utf8')).trim());
		await waitFor(async () => !(await isPidRunning(orphan)), 5000, `background sleep ${orphan} to be killed`);
	});

	it('fails the run when a command exits non-zero, unless told to ignore it', async () => {
		const failing = await runBenchmark({suite: makeSuite({name: 'fx', cases: [{name: 'f', command: ['false'], iterations: 3, warmup: 0}]}), mode: 'bare_metal', release: `v-fx-${uniqueSuffix()}`}, deps());
		expect(failing).toMatchObject({status: 'failed', samplesTaken: 1});
		expect(failing.reason).toMatch(/exited with code 1/);
		const ignored = await runBenchmark({suite: makeSuite({name: 'fi', cases: [{name: 'f', command: ['false'], iterations: 3, warmup: 0, ignoreExitCode: true}]}), mode: 'bare_metal', release: `v-fi-${uniqueSuffix()}`}, deps());
		expect(ignored).toMatchObject({status: 'completed', samplesTaken: 3});
	});

	it('runs setup and teardown in the scratch directory, and fails on a failing setup', async () => {
		const marker = path.join(fixture.dataDir, `teardown-${uniqueSuffix()}`);
		const suite = makeSuite({name: 'st', setup: 'echo data > input.txt', teardown: `touch ${marker}`, cases: [{name: 'read', command: 'cat input.txt', iterations: 2, warmup: 0}]});
		const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-st-${uniqueSuffix()}`}, deps());
		expect(result.status).toBe('completed');
		expect(existsSync(marker)).toBe(true);
		const broken = await runBenchmark({suite: makeSuite({name: 'sb', setup: 'echo nope >&2; exit 4', cases: [{name: 'x', command: ['true']}]}), mode: 'bare_metal', release: `v-sb-${uniqueSuffix()}`}, deps());
		expect(broken).toMatchObject({status: 'failed', samplesTaken: 0});
		expect(broken.reason).toMatch(/suite setup failed with exit code 4: nope/);
	});
});

describe('the host lock (lock file, no Redis)', () => {
	const suite = makeSuite({name: 'lk', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 20, warmup: 0}]});

	it('fails a second run at once with --no-wait while one is going', async () => {
		let isStarted = false;
		const first = runBenchmark({suite, mode: 'bare_metal', release: `v-lk-${uniqueSuffix()}`}, deps(undefined, () => {
			isStarted = true;
		}));
		await waitFor(() => isStarted, 20_000, 'the first run to start');
		const second = runBenchmark({suite, mode: 'bare_metal', release: `v-lk2-${uniqueSuffix()}`, shouldWait: false}, deps());
		await expect(second).rejects.toThrow(FailureError);
		await expect(second).rejects.toThrow(/another benchmark run holds this host: suite lk \(pid \d+/);
		expect((await first).status).toBe('completed');
	});

	it('makes a second run wait for the first, so they never overlap', async () => {
		let isStarted = false;
		const notices: string[] = [];
		const first = runBenchmark({suite, mode: 'bare_metal', release: `v-lw-${uniqueSuffix()}`}, deps(undefined, () => {
			isStarted = true;
		}));
		await waitFor(() => isStarted, 20_000, 'the first run to start');
		const second = runBenchmark({suite, mode: 'bare_metal', release: `v-lw2-${uniqueSuffix()}`}, {...deps(), onNotice: (text: string) => notices.push(text)});
		const [a, b] = await Promise.all([first, second]);
		expect([a.status, b.status]).toEqual(['completed', 'completed']);
		expect(notices.some((n) => /waiting for the benchmark run already on this host/.test(n))).toBe(true);
		const runA = await fixture.store.getRun(a.runId);
		const runB = await fixture.store.getRun(b.runId);
		expect(runB!.startedAt.getTime()).toBeGreaterThanOrEqual(runA!.endedAt!.getTime());
	});
});
