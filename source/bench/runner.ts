/**
 * Runs one suite: the shared set-up (the host's lock, the executor on the host or in a
 * container; see bench-setup.ts), the run created in the store (after replaying what earlier
 * runs left in the spool), then the run session (run-session.ts) that measures, stores and
 * finishes it as completed, failed (OOMKilled, timeout, a failing command) or aborted (signal),
 * whatever happens on the way.
 */
import {hostname} from 'node:os';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {ServiceError, UserError} from '../errors.js';
import {isConnectionError} from '../store/connection-error.js';
import {createDiskFullError, isDiskFullError} from '../store/disk-full.js';
import type {Run} from '../store/records.js';
import type {Store} from '../store/store.js';
import {BenchHost} from './bench-setup.js';
import {DockerExecutor} from './docker-executor.js';
import {toEnvironment} from './environment.js';
import type {Executor} from './executor.js';
import type {BenchEvent} from './progress.js';
import {RunSession, type BenchRunOptions, type BenchRunResult} from './run-session.js';
import {replaySpools} from './spool.js';
import type {SuiteCase} from './suite.js';

export {findBuiltRunnerImage, RUNNER_IMAGES} from './bench-setup.js';
export {judgeIteration, type BenchRunOptions, type BenchRunResult} from './run-session.js';

export interface BenchRunDeps {
	/** The store, or its opening: it is awaited only when the run is recorded, so opening it
	 * overlaps taking the lock and starting the container. */
	readonly store: Store | Promise<Store>;
	readonly cache?: Cache | undefined;
	readonly config: Pick<Config, 'dataDir' | 'dockerHost'> & Partial<Pick<Config, 'pgliteDir'>>;
	readonly signal: AbortSignal;
	/** Progress for the caller (the same events go to the cache channel). */
	readonly onEvent?: (event: BenchEvent) => void;
	/** One-line notes for people (waiting for the lock, database unreachable...). */
	readonly onNotice?: (text: string) => void;
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly docker?: Docker;
}

function resolveCases(options: BenchRunOptions): SuiteCase[] {
	let cases = [...options.suite.cases];
	if (options.cases && options.cases.length > 0) {
		const unknown = options.cases.filter((name) => !cases.some((c) => c.name === name));
		if (unknown.length > 0) throw new UserError(`suite ${options.suite.name} has no case ${unknown.map((name) => `"${name}"`).join(', ')}`, `its cases: ${cases.map((c) => c.name).join(', ')}`);
		cases = cases.filter((c) => options.cases!.includes(c.name));
	}

	return cases.map((c) => ({...c, iterations: options.iterations ?? c.iterations, warmup: options.warmup ?? c.warmup}));
}

/** Opens the executor of the run's mode on the host. */
async function openExecutor(host: BenchHost, options: BenchRunOptions): Promise<Executor> {
	if (options.mode !== 'docker') return host.openBareMetalExecutor();
	await host.verifyEngine();
	const limits = await host.resolveLimits(options.limits ?? {});
	const image = await host.chooseRunnerImage(options.image);
	return host.openDockerExecutor({
		image,
		limits,
		name: `rqc-bench-${options.suite.name.replace(/[^\w.-]/g, '-')}-${process.pid}-${Date.now().toString(36)}`,
	});
}

/** Runs a suite to the end (or to its abort) and returns what happened. */
export async function runBenchmark(options: BenchRunOptions, deps: BenchRunDeps): Promise<BenchRunResult> {
	const {signal} = deps;
	const storeOpening = Promise.resolve(deps.store);
	storeOpening.catch(() => {}); // awaited below; a failure before then must not go unhandled
	const notice = deps.onNotice ?? (() => {});
	const cases = resolveCases(options);

	const host = await BenchHost.open({
		suite: options.suite,
		lockMode: options.mode,
		config: deps.config,
		cache: deps.cache,
		signal,
		env: deps.env,
		docker: deps.docker,
		shouldWait: options.shouldWait ?? true,
		notice,
	});
	let stopStats: (() => void) | undefined;
	try {
		await host.getHelper();
		await host.removeStaleContainers();
		const executor = await openExecutor(host, options);
		const environment = toEnvironment(host.facts, {
			...executor.getEnvironment(),
			runtime: options.mode,
			...(options.gitSha ? {gitSha: options.gitSha} : {}),
		});
		const store = await storeOpening;
		const replayed = await replaySpools(store, deps.config.dataDir).catch(() => undefined);
		if (replayed && replayed.samplesWritten + replayed.runsFinished > 0) {
			notice(`wrote ${replayed.samplesWritten} spooled samples of ${replayed.files} earlier run(s) to the database`);
		}

		const storeLocation = store.driver === 'pglite' ? deps.config.pgliteDir : undefined;
		let run: Run;
		try {
			run = await store.createRun({release: options.release, suite: options.suite.name, mode: options.mode, environment, ...(options.gitSha ? {gitSha: options.gitSha} : {})});
		} catch (error) {
			if (isDiskFullError(error)) throw createDiskFullError(storeLocation ?? 'the database server', 'the new run to the store; nothing was measured', error);
			if (isConnectionError(error)) throw new ServiceError('database', `cannot record the run: the database is unreachable (${(error as Error).message})`, 'start it (rqc up) or check RQC_DATABASE_URL; nothing was measured', {cause: error});
			throw error;
		}

		const session = new RunSession({
			options,
			store,
			storeLocation,
			dataDir: deps.config.dataDir,
			executor,
			cases,
			runId: run.id,
			environment,
			host: hostname(),
			signal,
			cache: deps.cache,
			onEvent: deps.onEvent,
			onNotice: deps.onNotice,
		});
		await session.openSpool();
		if (executor instanceof DockerExecutor) {
			stopStats = executor.streamStats(run.id, (sample) => session.addContainerSample(sample));
		}

		return await session.execute();
	} finally {
		stopStats?.();
		await host.close();
	}
}
