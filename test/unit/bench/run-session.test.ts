/**
 * The run session driven by a scripted executor (no process is started) against a real embedded
 * store whose writes can be made to fail: interleaving order, iteration judging, aborts, huge
 * iteration counts, the database-down spool path and full disks.
 */
import {existsSync, writeFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readHostFacts, toEnvironment} from '../../../source/bench/environment.js';
import {RunSession, SAMPLE_WRITE_BATCH, type BenchRunResult} from '../../../source/bench/run-session.js';
import {parseSpool, replaySpools, SpoolFile} from '../../../source/bench/spool.js';
import {validateSuite, type Suite, type SuiteCase} from '../../../source/bench/suite.js';
import {ExternalError} from '../../../source/errors.js';
import {FakeExecutor, type FakeExecutorScript} from '../../helpers/fake-executor.js';
import {openFaultyStore, type FaultyStore} from '../../helpers/faulty-store.js';
import {createTempDir} from '../../helpers/postgres.js';

function makeSuite(document: Record<string, unknown>): Suite {
	const result = validateSuite(document, path.join(process.cwd(), 'session.yaml'));
	if (!result.suite) throw new Error(`bad test suite: ${JSON.stringify(result.problems)}`);
	return result.suite;
}

let faulty: FaultyStore;
let releaseNumber = 0;
beforeAll(async () => {
	faulty = await openFaultyStore();
});
afterAll(async () => {
	await faulty?.cleanup();
});

interface SessionRun {
	readonly result: BenchRunResult;
	readonly executor: FakeExecutor;
	readonly notices: string[];
	readonly runId: number;
}

async function runSession(suite: Suite, script: FakeExecutorScript, options: {
	isInterleaved?: boolean;
	cases?: readonly SuiteCase[];
	signal?: AbortSignal;
	flushRetryMs?: number;
	dataDir?: string;
	onRunId?: (runId: number) => void;
	notices?: string[];
	onExecutor?: (executor: FakeExecutor) => void;
} = {}): Promise<SessionRun> {
	const executor = new FakeExecutor(script);
	options.onExecutor?.(executor);
	const environment = toEnvironment(await readHostFacts(), {runtime: 'bare_metal'});
	const release = `session-${process.pid}-${++releaseNumber}`;
	const run = await faulty.store.createRun({release, suite: suite.name, mode: 'bare_metal', environment});
	options.onRunId?.(run.id);
	const notices: string[] = options.notices ?? [];
	const session = new RunSession({
		options: {suite, mode: 'bare_metal', release, isInterleaved: options.isInterleaved ?? false, flushRetryMs: options.flushRetryMs ?? 2000},
		store: faulty.session,
		storeLocation: faulty.storeDir,
		dataDir: options.dataDir ?? faulty.dataDir,
		executor,
		cases: options.cases ?? suite.cases,
		runId: run.id,
		environment,
		host: 'test-host',
		signal: options.signal ?? new AbortController().signal,
		onNotice: (text) => notices.push(text),
		retryDelayMs: 10,
	});
	await session.openSpool();
	const result = await session.execute();
	return {result, executor, notices, runId: run.id};
}

function spoolPath(runId: number, dataDir = faulty.dataDir): string {
	return path.join(dataDir, 'spool', `run-${runId}.jsonl`);
}

describe('order of measuring', () => {
	const suite = makeSuite({
		name: 'order',
		setup: ['suite-up'],
		teardown: ['suite-down'],
		defaults: {warmup: 1},
		cases: [
			{name: 'a', command: ['a'], iterations: 3, setup: ['a-up'], teardown: ['a-down']},
			{name: 'b', command: ['b'], iterations: 2},
		],
	});

	it('in order: each case whole (warmups and iterations in one helper call), between its setup and teardown', async () => {
		const {result, executor} = await runSession(suite, {});
		expect(result.status).toBe('completed');
		expect(executor.calls.map((call) => call.kind === 'measure' ? `${call.command}x${call.iterations}` : call.command)).toEqual([
			'suite-up', 'a-up', 'ax4', 'a-down', 'bx3', 'suite-down',
		]);
		expect(result.samplesStored).toBe(7);
	});

	it('interleaved: setups first, then each case\'s warmups, then one iteration of each case per round (a case with fewer iterations drops out)', async () => {
		const {result, executor, runId} = await runSession(suite, {}, {isInterleaved: true});
		expect(result.status).toBe('completed');
		expect(executor.calls.map((call) => call.kind === 'measure' ? `${call.command}x${call.iterations}` : call.command)).toEqual([
			'suite-up', 'a-up', 'ax1', 'bx1', 'ax1', 'bx1', 'ax1', 'bx1', 'ax1', 'a-down', 'suite-down',
		]);
		const stored = await faulty.store.listSamples(runId);
		const byCase = (name: string) => stored.filter((sample) => sample.caseName === name).sort((x, y) => x.iteration - y.iteration);
		expect(byCase('a').map((sample) => [sample.iteration, sample.isWarmup])).toEqual([[0, true], [1, false], [2, false], [3, false]]);
		expect(byCase('b').map((sample) => [sample.iteration, sample.isWarmup])).toEqual([[0, true], [1, false], [2, false]]);
	});
});

describe('judging iterations', () => {
	const cases = [
		{what: 'a non-zero exit', iteration: {exitCode: 3}, reason: /^case t iteration 2 exited with code 3 \(set ignoreExitCode/, exitCode: 3},
		{what: 'a signal', iteration: {signal: 9}, reason: /^case t iteration 2 was killed by signal 9$/, exitCode: 137},
		{what: 'a timeout', iteration: {isTimedOut: true, signal: 9}, reason: /^Timeout: case t iteration 2 ran past 60000 ms/, exitCode: 137},
		{what: 'an OOM kill', iteration: {isOomKilled: true, exitCode: 137}, reason: /^OOMKilled$/, exitCode: 137},
	] as const;

	it.each(cases)('$what in iteration 2 fails the run with its reason, keeps the samples taken, and measures no further case', async ({iteration, reason, exitCode}) => {
		const suite = makeSuite({name: 'judge', defaults: {warmup: 0, iterations: 5}, cases: [{name: 't', command: ['t']}, {name: 'next', command: ['next']}]});
		const {result, executor, runId} = await runSession(suite, {iterations: {t: (n) => (n === 2 ? iteration : {})}});
		expect(result.status).toBe('failed');
		expect(result.reason).toMatch(reason);
		expect(executor.calls.filter((call) => call.kind === 'measure').map((call) => call.command)).toEqual(['t']);
		expect(result.samplesStored).toBe(3);
		expect(await faulty.store.countSamples(runId)).toBe(3);
		const stored = await faulty.store.listSamples(runId);
		expect(stored.find((sample) => sample.iteration === 2)?.exitCode).toBe(exitCode);
	});

	it('ignoreExitCode: failing iterations are measured and stored, the run completes; a timeout still fails it', async () => {
		const suite = makeSuite({name: 'ignore', defaults: {warmup: 0, iterations: 4, ignoreExitCode: true}, cases: [{name: 't', command: ['t']}]});
		const ignored = await runSession(suite, {iterations: {t: (n) => ({exitCode: n % 2})}});
		expect(ignored.result.status).toBe('completed');
		expect(ignored.executor.calls[0]).toMatchObject({kind: 'measure', shouldStopOnFailure: false});
		expect(ignored.result.summaries[0]?.failures).toBe(2);
		const timedOut = await runSession(suite, {iterations: {t: (n) => (n === 1 ? {isTimedOut: true, signal: 9} : {})}});
		expect(timedOut.result.status).toBe('failed');
		expect(timedOut.result.reason).toMatch(/^Timeout: case t iteration 1/);
	});

	it('the helper\'s own error (a command that cannot start) fails the run naming the case', async () => {
		const suite = makeSuite({name: 'helper-error', cases: [{name: 't', command: ['missing']}]});
		const {result} = await runSession(suite, {helperErrors: {missing: 'cannot start missing: No such file or directory'}});
		expect(result.status).toBe('failed');
		expect(result.reason).toBe('case t: cannot start missing: No such file or directory');
	});
});

describe('huge iteration counts (issue 11.1)', () => {
	// issue 11: more than ~128,000 samples crashed the run (a spread push) with 0 stored and the spool deleted
	it('stores every one of 135,000 samples, written in slices, and removes the spool only after', async () => {
		const suite = makeSuite({name: 'huge', cases: [{name: 't', command: ['/bin/true'], iterations: 135_000, warmup: 0}]});
		faulty.insertSizes.length = 0;
		const {result, runId} = await runSession(suite, {batchSize: 5000});
		expect(result.status).toBe('completed');
		expect(result.samplesTaken).toBe(135_000);
		expect(result.samplesStored).toBe(135_000);
		expect(await faulty.store.countSamples(runId)).toBe(135_000);
		expect(Math.max(...faulty.insertSizes)).toBeLessThanOrEqual(SAMPLE_WRITE_BATCH);
		expect(result.summaries[0]?.count).toBe(135_000);
		expect(existsSync(spoolPath(runId))).toBe(false);
	}, 120_000);

	// issue 11: samples are streamed while a case runs, and its outliers flagged on them when it ends
	it('writes a long case\'s samples while it runs, then flags its outliers on the rows already written', async () => {
		const suite = makeSuite({name: 'stream', cases: [{name: 't', command: ['t'], iterations: 60_000, warmup: 0}]});
		let runId = 0;
		let storedWhileRunning = 0;
		const {result} = await runSession(suite, {
			batchSize: 2000,
			// Every 5,000th iteration is 50 times slower: an outlier.
			iterations: {t: (n) => ({wallNs: n % 5000 === 0 ? 50_000_000 : 1_000_000 + (n % 7) * 1000})},
			afterBatch(delivered) {
				if (delivered === 50_000) void faulty.store.countSamples(runId).then((count) => {
					storedWhileRunning = count;
				});
			},
		}, {onRunId(id) {
			runId = id;
		}});
		expect(result.status).toBe('completed');
		expect(storedWhileRunning).toBeGreaterThanOrEqual(SAMPLE_WRITE_BATCH);
		const stored = await faulty.store.listSamples(runId);
		expect(stored).toHaveLength(60_000);
		expect(stored.filter((sample) => sample.isOutlier).map((sample) => sample.iteration).sort((a, b) => a - b)).toEqual([0, 5000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 55_000]);
		expect(result.summaries[0]?.outliers).toBe(12);
	}, 60_000);

	// issue 11: an abort of a run with --iterations 1e12 stored 0 samples
	it('an abort in the middle of a 1e12-iteration case stores every sample taken', async () => {
		const suite = makeSuite({name: 'abort', cases: [{name: 't', command: ['/bin/true'], warmup: 0}]});
		const controller = new AbortController();
		const {result, executor, runId} = await runSession(suite, {
			batchSize: 5000,
			afterBatch(delivered) {
				if (delivered >= 140_000) controller.abort('test stop');
			},
		}, {cases: suite.cases.map((c) => ({...c, iterations: 1e12})), signal: controller.signal});
		expect(result.status).toBe('aborted');
		expect(result.reason).toBe('interrupted: test stop; the samples taken are kept');
		expect(executor.delivered).toBeGreaterThanOrEqual(140_000);
		expect(result.samplesTaken).toBe(executor.delivered);
		expect(result.samplesStored).toBe(executor.delivered);
		expect(await faulty.store.countSamples(runId)).toBe(executor.delivered);
		expect((await faulty.store.getRun(runId))?.status).toBe('aborted');
		expect(existsSync(spoolPath(runId))).toBe(false);
	}, 60_000);
});

describe('the database going away', () => {
	const suite = makeSuite({name: 'outage', defaults: {iterations: 20, warmup: 1}, cases: [{name: 'a', command: ['a']}, {name: 'b', command: ['b']}, {name: 'c', command: ['c']}]});

	it('down between cases and back before the end: the samples are spooled meanwhile, then all written once', async () => {
		faulty.fault = 'none';
		let runId = 0;
		let sawSpool = false;
		const {result, notices} = await runSession(suite, {
			batchSize: 7,
			afterBatch(delivered) {
				if (delivered === 7) faulty.fault = 'down'; // during case a: its commit fails
				if (delivered >= 50 && faulty.fault === 'down') {
					sawSpool = existsSync(spoolPath(runId));
					faulty.fault = 'none'; // back during case c
				}
			},
		}, {onRunId: (id) => {
			runId = id;
		}});
		expect(result.status).toBe('completed');
		expect(sawSpool).toBe(true);
		expect(notices.some((text) => text.startsWith('the database is unreachable (cannot reach PostgreSQL'))).toBe(true);
		expect(notices).toContain('the database is back; spooled samples written');
		expect(result.samplesStored).toBe(63);
		expect(await faulty.store.countSamples(runId)).toBe(63);
		expect(existsSync(spoolPath(runId))).toBe(false);
	});

	it('down until the end: the run waits, then leaves every sample in the spool; a later replay writes them and finishes the run', async () => {
		faulty.fault = 'down';
		try {
			// Iteration 10 of case b is slow: an outlier, flagged in the store by the replay.
			const {result, notices, runId} = await runSession(suite, {iterations: {b: (n) => ({wallNs: n === 10 ? 90_000_000 : 1_000_000 + (n % 3) * 1000})}}, {flushRetryMs: 100});
			expect(result.status).toBe('completed');
			expect(result.samplesStored).toBe(0);
			expect(result.spoolFile).toBe(spoolPath(runId));
			expect(notices).toContain('waiting for the database to come back to store the run...');
			const spooled = parseSpool(await readFile(spoolPath(runId), 'utf8'), runId);
			expect(spooled.samples).toHaveLength(63);
			expect(spooled.finish?.status).toBe('completed');
			faulty.fault = 'none';
			const replayed = await replaySpools(faulty.store, faulty.dataDir, {onlyRunId: runId});
			expect(replayed.samplesWritten).toBe(63);
			expect(await faulty.store.countSamples(runId)).toBe(63);
			expect((await faulty.store.getRun(runId))?.status).toBe('completed');
			expect((await faulty.store.listSamples(runId)).filter((sample) => sample.isOutlier).map((sample) => [sample.caseName, sample.iteration])).toEqual([['b', 10]]);
			expect(existsSync(spoolPath(runId))).toBe(false);
		} finally {
			faulty.fault = 'none';
		}
	});
});

describe('replaying a huge spool (issue 11.1)', () => {
	// issue 11: a spool is read line by line and written in slices, so a run of millions of iterations left there is written too
	it('writes 25,000 spooled samples in slices, flags the outliers on them and finishes the run', async () => {
		const environment = toEnvironment(await readHostFacts(), {runtime: 'bare_metal'});
		const run = await faulty.store.createRun({release: `replay-${process.pid}`, suite: 's', mode: 'bare_metal', environment});
		const spool = await SpoolFile.create(faulty.dataDir, run.id);
		const time = Date.parse('2026-01-01T00:00:00Z');
		for (let start = 0; start < 25_000; start += 5000) {
			spool.appendSamples(Array.from({length: 5000}, (_, index) => {
				const iteration = start + index;
				return {runId: run.id, caseName: 't', iteration, time: new Date(time + iteration), wallNs: iteration % 4000 === 1 ? 80_000_000 : 1_000_000 + (iteration % 5) * 1000, isWarmup: iteration === 0};
			}));
		}

		spool.appendFinish('completed', {endedAt: new Date(time + 30_000)});
		await spool.settle();
		faulty.insertSizes.length = 0;
		const replayed = await replaySpools({...faulty.session, getRun: faulty.store.getRun}, faulty.dataDir, {onlyRunId: run.id});
		expect(replayed).toMatchObject({files: 1, samplesWritten: 25_000, runsFinished: 1, errors: []});
		expect(Math.max(...faulty.insertSizes)).toBeLessThanOrEqual(10_000);
		expect(faulty.insertSizes.length).toBeGreaterThanOrEqual(3);
		const stored = await faulty.store.listSamples(run.id);
		expect(stored).toHaveLength(25_000);
		expect(stored.filter((sample) => sample.isOutlier).map((sample) => sample.iteration).sort((a, b) => a - b)).toEqual([1, 4001, 8001, 12_001, 16_001, 20_001, 24_001]);
		expect((await faulty.store.getRun(run.id))?.status).toBe('completed');
		expect(existsSync(spoolPath(run.id))).toBe(false);
	}, 60_000);
});

describe('full disks (issue 11.6)', () => {
	// issue 11: a spool that could not be written failed the run with "internal error: ENOSPC"
	it('a spool that cannot be written does not fail the run: one notice, samples written straight to the database', async () => {
		const temp = createTempDir('rqc-session-nospool-');
		try {
			writeFileSync(path.join(temp.dir, 'spool'), 'a file where the spool directory should be');
			const suite = makeSuite({name: 'no-spool', defaults: {iterations: 5, warmup: 0}, cases: [{name: 'a', command: ['a']}, {name: 'b', command: ['b']}]});
			const {result, notices, runId} = await runSession(suite, {}, {dataDir: temp.dir});
			expect(result.status).toBe('completed');
			expect(notices.filter((text) => text.startsWith('cannot write the spool'))).toHaveLength(1);
			expect(notices[0]).toMatch(/samples go straight to the database/);
			expect(await faulty.store.countSamples(runId)).toBe(10);
		} finally {
			temp.cleanup();
		}
	});

	// issue 11: a full disk under the embedded store left the run "running" with an internal error
	it('the store\'s disk filling mid-run: the run is marked aborted at once with what was stored, and a one-line error names the disk', async () => {
		const suite = makeSuite({name: 'store-full', defaults: {iterations: 10, warmup: 0}, cases: [{name: 'a', command: ['a']}, {name: 'b', command: ['b']}, {name: 'c', command: ['c']}]});
		faulty.finishes.length = 0;
		let runId = 0;
		let executor: FakeExecutor | undefined;
		const notices: string[] = [];
		try {
			const error = await runSession(suite, {
				batchSize: 10,
				afterBatch(delivered) {
					if (delivered === 20) faulty.fault = 'disk-full'; // case a is stored, b cannot be
				},
			}, {
				notices,
				onRunId(id) {
					runId = id;
				},
				onExecutor(made) {
					executor = made;
				},
			}).then(() => undefined, (thrown: unknown) => thrown);
			expect(error).toBeInstanceOf(ExternalError);
			expect((error as Error).message).toContain(`(holding ${faulty.storeDir}) is full: cannot write the run's samples to the store`);
			expect((error as Error).message).not.toContain('\n');
			expect((error as ExternalError).hint).toMatch(/^free space on that disk/);
			// At once: no waiting for the store to come back, and case c is never measured.
			expect(notices.join('\n')).not.toContain('waiting for the database');
			expect(executor?.calls.map((call) => call.command)).toEqual(['a', 'b']);
			expect(faulty.finishes).toEqual(['aborted']);
			const run = await faulty.store.getRun(runId);
			expect(run?.status).toBe('aborted');
			expect(run?.statusReason).toMatch(/is full: cannot write the run's samples to the store; the samples stored before are kept$/);
			expect(await faulty.store.countSamples(runId)).toBe(10);
			expect(existsSync(spoolPath(runId))).toBe(true); // its rows were not all committed
		} finally {
			faulty.fault = 'none';
		}
	});
});
