/**
 * Runs one suite: takes the host's lock, starts the executor (host or container), creates the
 * run, measures every case through the helper, writes samples (spooling them first), records
 * container resource use, and finishes the run as completed, failed (OOMKilled, timeout, a
 * failing command) or aborted (signal), whatever happens on the way.
 */
import {spawnSync} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {createDockerClient, verifyEngine} from '../docker/engine.js';
import {ServiceError, UserError} from '../errors.js';
import type {ContainerSample, ExecutionEnvironment, NewSample, Run, RunMode, RunStatus} from '../store/records.js';
import type {Store} from '../store/store.js';
import {BareMetalExecutor} from './bare-metal-executor.js';
import {DockerExecutor, removeStaleBenchContainers} from './docker-executor.js';
import {readHostFacts, toEnvironment} from './environment.js';
import type {Executor} from './executor.js';
import {ensureHelper} from './helper.js';
import {parseNofileHardLimit, resolveLimits, type LimitInputs} from './limits.js';
import {acquireBenchLock, type LockOwner} from './lock.js';
import type {HelperIteration} from './measure.js';
import {computeEta, PROGRESS_CHANNEL, type BenchEvent} from './progress.js';
import {markOutliers, replaySpools, SpoolFile} from './spool.js';
import {computeMedian, summarizeCase, type CaseSummary} from './statistics.js';
import type {Suite, SuiteCase} from './suite.js';

/**
 * The images docker mode tries, first present wins, unless --image or RQC_BENCH_IMAGE says:
 * the compose stack's runner, its CI stand-in (scripts/ci/build-images.sh), then a static
 * busybox, which is enough for the calibration suite.
 */
export const RUNNER_IMAGES = ['rqc/benchmark-runner:0.1.0', 'rqc-standin-runner:ci', 'rqc-busybox:test'] as const;

/** The first of RUNNER_IMAGES that is built on this engine, or undefined when none is. */
export async function findBuiltRunnerImage(docker: Docker): Promise<string | undefined> {
	for (const candidate of RUNNER_IMAGES) {
		if (await docker.getImage(candidate).inspect().then(() => true, () => false)) return candidate;
	}

	return undefined;
}

export interface BenchRunOptions {
	readonly suite: Suite;
	readonly mode: RunMode;
	readonly release: string;
	readonly gitSha?: string | undefined;
	/** Run the cases round-robin, one iteration at a time (cancels drift). */
	readonly isInterleaved?: boolean;
	/** Only these cases (by name). */
	readonly cases?: readonly string[] | undefined;
	readonly iterations?: number | undefined;
	readonly warmup?: number | undefined;
	/** Docker mode: the image (default DEFAULT_RUNNER_IMAGE, else FALLBACK_RUNNER_IMAGE). */
	readonly image?: string | undefined;
	readonly limits?: LimitInputs;
	/** Wait for another run on this host (true) or fail at once (false). */
	readonly shouldWait?: boolean;
	/** How long to keep retrying an unreachable database at the end before leaving the spool. */
	readonly flushRetryMs?: number;
}

export interface BenchRunDeps {
	/** The store, or its opening: it is awaited only when the run is recorded, so opening it
	 * overlaps taking the lock and starting the container. */
	readonly store: Store | Promise<Store>;
	readonly cache?: Cache | undefined;
	readonly config: Pick<Config, 'dataDir' | 'dockerHost'>;
	readonly signal: AbortSignal;
	/** Progress for the caller (the same events go to the cache channel). */
	readonly onEvent?: (event: BenchEvent) => void;
	/** One-line notes for people (waiting for the lock, database unreachable...). */
	readonly onNotice?: (text: string) => void;
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly docker?: Docker;
}

export interface BenchRunResult {
	readonly runId: number;
	readonly suite: string;
	readonly release: string;
	readonly mode: RunMode;
	readonly status: Exclude<RunStatus, 'running'>;
	readonly reason: string | undefined;
	readonly summaries: readonly CaseSummary[];
	readonly samplesTaken: number;
	readonly samplesStored: number;
	/** Set when samples could not all be stored: where they wait. */
	readonly spoolFile: string | undefined;
	readonly environment: ExecutionEnvironment;
	readonly durationMs: number;
}

interface CaseState {
	readonly spec: SuiteCase;
	readonly samples: NewSample[];
	nextIteration: number;
	/** Its samples may be written (the case is over, so outliers can be marked). */
	isCommitted: boolean;
	/** Its samples are in the write queue. */
	isQueued: boolean;
}

class RunFailure extends Error {
	constructor(readonly reason: string) {
		super(reason);
	}
}

/** What to do when an iteration did not succeed; undefined when it did (or may fail). Pure. */
export function judgeIteration(spec: Pick<SuiteCase, 'name' | 'timeoutMs' | 'isExitCodeIgnored'>, iteration: Pick<HelperIteration, 'index' | 'exitCode' | 'signal' | 'isTimedOut' | 'isOomKilled'>, iterationNumber: number): string | undefined {
	if (iteration.isOomKilled) return 'OOMKilled';
	if (iteration.isTimedOut) return `Timeout: case ${spec.name} iteration ${iterationNumber} ran past ${spec.timeoutMs} ms; its process group was killed`;
	if (spec.isExitCodeIgnored) return undefined;
	if (iteration.signal !== 0) return `case ${spec.name} iteration ${iterationNumber} was killed by signal ${iteration.signal}`;
	if (iteration.exitCode !== 0) return `case ${spec.name} iteration ${iterationNumber} exited with code ${iteration.exitCode} (set ignoreExitCode: true to allow it)`;
	return undefined;
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

function isConnectionProblem(error: unknown): boolean {
	if (error instanceof ServiceError) return true;
	const code = (error as {code?: string}).code ?? '';
	return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|57P01|57P02|57P03|08\d\d\d)$/.test(code)
		|| /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|terminating connection/i.test(String((error as Error).message ?? error));
}

/** Runs a suite to the end (or to its abort) and returns what happened. */
export async function runBenchmark(options: BenchRunOptions, deps: BenchRunDeps): Promise<BenchRunResult> {
	const {signal} = deps;
	const storeOpening = Promise.resolve(deps.store);
	storeOpening.catch(() => {}); // awaited below; a failure before then must not go unhandled
	const notice = deps.onNotice ?? (() => {});
	const cases = resolveCases(options);
	const host = hostname();

	const lock = await acquireBenchLock(deps.cache, deps.config.dataDir, {
		suite: options.suite.name,
		mode: options.mode,
		shouldWait: options.shouldWait ?? true,
		signal,
		onFallback: notice,
		onWait(holder: LockOwner | undefined) {
			notice(`waiting for the benchmark run already on this host${holder ? ` (suite ${holder.suite}, pid ${holder.pid}, since ${holder.since})` : ''}; --no-wait fails instead`);
		},
	});

	let executor: Executor | undefined;
	let stopStats: (() => void) | undefined;
	let removeExitHook: (() => void) | undefined;
	try {
		const facts = await readHostFacts();
		const helper = await ensureHelper(deps.config.dataDir, deps.env ?? process.env);
		const suiteDir = options.suite.file === '<inline>' ? process.cwd() : path.dirname(options.suite.file);
		const docker = deps.docker ?? createDockerClient(deps.config);
		// Containers of runs whose rqc was killed (no finally ran) go now, in either mode; a host
		// without Docker is fine for a bare-metal run.
		const removed = await Promise.race([
			removeStaleBenchContainers(docker).catch(() => []),
			sleep(3000, [] as string[], {ref: false}),
		]);
		if (removed.length > 0) notice(`removed ${removed.length} benchmark container(s) left by runs that died: ${removed.join(', ')}`);
		if (options.mode === 'docker') {
			const engine = await verifyEngine(docker, deps.config.dockerHost);
			const ownLimits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
			const resolved = resolveLimits(options.limits ?? {}, {cores: facts.cores, memoryBytes: facts.memoryBytes, nofileHardLimit: parseNofileHardLimit(ownLimits)});
			if (resolved.problems.length > 0) throw new UserError(resolved.problems.join('; '));
			let image = options.image ?? (deps.env ?? process.env).RQC_BENCH_IMAGE;
			if (image === undefined || image === '') {
				image = (await findBuiltRunnerImage(docker)) ?? RUNNER_IMAGES[0];
				if (image !== RUNNER_IMAGES[0]) notice(`image ${RUNNER_IMAGES[0]} not built (docker compose --profile benchmarks build); using ${image}`);
			}

			const dockerExecutor = await DockerExecutor.create({
				docker,
				helper,
				image,
				limits: resolved.limits,
				suiteDir,
				engineVersion: engine.version,
				cgroupVersion: engine.cgroupVersion,
				name: `rqc-bench-${options.suite.name.replace(/[^\w.-]/g, '-')}-${process.pid}-${Date.now().toString(36)}`,
			});
			executor = dockerExecutor;
			removeExitHook = installExitHook(dockerExecutor.containerId);
		} else {
			executor = await BareMetalExecutor.create(helper, suiteDir, deps.env ?? process.env);
		}

		const environment = toEnvironment(facts, {
			...executor.getEnvironment(),
			runtime: options.mode,
			...(options.gitSha ? {gitSha: options.gitSha} : {}),
		});
		const store = await storeOpening;
		const replayed = await replaySpools(store, deps.config.dataDir).catch(() => undefined);
		if (replayed && replayed.samplesWritten + replayed.runsFinished > 0) {
			notice(`wrote ${replayed.samplesWritten} spooled samples of ${replayed.files} earlier run(s) to the database`);
		}

		let run: Run;
		try {
			run = await store.createRun({release: options.release, suite: options.suite.name, mode: options.mode, environment, ...(options.gitSha ? {gitSha: options.gitSha} : {})});
		} catch (error) {
			if (isConnectionProblem(error)) throw new ServiceError('database', `cannot record the run: the database is unreachable (${(error as Error).message})`, 'start it (rqc up) or check RQC_DATABASE_URL; nothing was measured', {cause: error});
			throw error;
		}

		const session = new RunSession({options, deps: {...deps, store}, executor, cases, run, environment, host});
		await session.openSpool();
		if (executor instanceof DockerExecutor) {
			stopStats = executor.streamStats(run.id, (sample) => session.addContainerSample(sample));
		}

		return await session.execute();
	} finally {
		stopStats?.();
		await executor?.close();
		removeExitHook?.();
		await lock.release();
	}
}

/** If the process exits without the runner's finally (a second Ctrl-C), remove the container anyway. */
function installExitHook(containerId: string): () => void {
	const hook = (): void => {
		spawnSync('docker', ['rm', '-f', containerId], {stdio: 'ignore', timeout: 10_000});
	};

	process.once('exit', hook);
	return () => {
		process.removeListener('exit', hook);
	};
}

interface SessionInit {
	readonly options: BenchRunOptions;
	readonly deps: BenchRunDeps & {readonly store: Store};
	readonly executor: Executor;
	readonly cases: readonly SuiteCase[];
	readonly run: Run;
	readonly environment: ExecutionEnvironment;
	readonly host: string;
}

/** One run in progress: its counters, its pending writes, its events. */
class RunSession {
	readonly #init: SessionInit;
	readonly #states: CaseState[];
	readonly #total: number;
	readonly #startedAt = Date.now();
	#spool: SpoolFile | undefined;
	#done = 0;
	#currentCase: CaseState | undefined;
	#lastEventAt = 0;
	#pendingContainer: ContainerSample[] = [];
	#containerBatch = 0;
	#unsavedContainerBatches: Array<{batch: number; samples: ContainerSample[]}> = [];
	#samplesStored = 0;
	#isDatabaseDown = false;
	/** Samples queued for the database (outliers marked), kept until a write succeeds. */
	#uncommittedWrites: NewSample[] = [];
	readonly #abortCase = new AbortController();

	constructor(init: SessionInit) {
		this.#init = init;
		this.#states = init.cases.map((spec) => ({spec, samples: [], nextIteration: 0, isCommitted: false, isQueued: false}));
		this.#total = init.cases.reduce((sum, c) => sum + c.warmup + c.iterations, 0);
	}

	async openSpool(): Promise<void> {
		this.#spool = await SpoolFile.create(this.#init.deps.config.dataDir, this.#init.run.id);
	}

	addContainerSample(sample: ContainerSample): void {
		this.#pendingContainer.push(sample);
	}

	#event(type: BenchEvent['type'], status: RunStatus = 'running', reason?: string): void {
		const now = Date.now();
		if (type === 'progress' && now - this.#lastEventAt < 200) return;
		this.#lastEventAt = now;
		const current = this.#currentCase;
		const measured = current ? current.samples.filter((sample) => !sample.isWarmup).slice(-501).map((sample) => sample.wallNs) : [];
		const elapsedMs = now - this.#startedAt;
		const {run, options} = this.#init;
		const event: BenchEvent = {
			type,
			runId: run.id,
			suite: options.suite.name,
			mode: options.mode,
			release: options.release,
			host: this.#init.host,
			pid: process.pid,
			done: this.#done,
			total: this.#total,
			caseName: current?.spec.name,
			caseDone: current?.samples.length ?? 0,
			caseTotal: current ? current.spec.warmup + current.spec.iterations : 0,
			medianNs: computeMedian(measured),
			elapsedMs,
			etaMs: type === 'end' ? 0 : computeEta(this.#done, this.#total, elapsedMs),
			status,
			reason,
			startedAt: new Date(this.#startedAt).toISOString(),
			time: new Date(now).toISOString(),
		};
		this.#init.deps.onEvent?.(event);
		void this.#init.deps.cache?.publish(PROGRESS_CHANNEL, JSON.stringify(event)).catch(() => {});
	}

	async execute(): Promise<BenchRunResult> {
		const {deps, options} = this.#init;
		const {signal} = deps;
		const onAbort = (): void => {
			this.#abortCase.abort();
		};

		signal.addEventListener('abort', onAbort, {once: true});
		let status: Exclude<RunStatus, 'running'> = 'completed';
		let reason: string | undefined;
		let hasSetUp = false;
		this.#event('start');
		try {
			if (options.suite.setup) {
				await this.#runAside(options.suite.setup, 'suite setup', undefined);
				hasSetUp = true;
			}

			if (options.isInterleaved) await this.#executeInterleaved();
			else await this.#executeInOrder();
		} catch (error) {
			if (error instanceof RunFailure) {
				status = 'failed';
				reason = error.reason;
			} else if (!signal.aborted) {
				status = 'failed';
				reason = `rqc error: ${error instanceof Error ? error.message : String(error)}`;
				this.#init.deps.onNotice?.(reason);
			}
		} finally {
			signal.removeEventListener('abort', onAbort);
		}

		if (signal.aborted) {
			status = 'aborted';
			const why = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'interrupted';
			reason = `interrupted: ${why}; the samples taken are kept`;
		}

		if (hasSetUp && options.suite.teardown && !signal.aborted) {
			try {
				await this.#runAside(options.suite.teardown, 'suite teardown', undefined);
			} catch (error) {
				if (status === 'completed') {
					status = 'failed';
					reason = error instanceof RunFailure ? error.reason : String(error);
				}
			}
		}

		for (const state of this.#states) state.isCommitted = true;
		const facts = await readHostFacts();
		const environmentEnd: Partial<ExecutionEnvironment> = {host: {...this.#init.environment.host, loadAvgEnd: facts.loadAvg}};
		const isSaved = await this.#finish(status, reason, environmentEnd);
		const spoolFile = isSaved ? undefined : this.#spool?.file;
		this.#event('end', status, reason);
		const summaries = this.#states.filter((state) => state.samples.length > 0).map((state) => summarizeCase(state.spec.name, markOutliers(state.samples)));
		return {
			runId: this.#init.run.id,
			suite: options.suite.name,
			release: options.release,
			mode: options.mode,
			status,
			reason,
			summaries,
			samplesTaken: this.#states.reduce((sum, state) => sum + state.samples.length, 0),
			samplesStored: this.#samplesStored,
			spoolFile,
			environment: {...this.#init.environment, host: {...this.#init.environment.host, loadAvgEnd: facts.loadAvg}},
			durationMs: Date.now() - this.#startedAt,
		};
	}

	async #executeInOrder(): Promise<void> {
		for (const state of this.#states) {
			if (this.#init.deps.signal.aborted) return;
			this.#currentCase = state;
			this.#event('case');
			const hasSetUp = await this.#caseSetup(state);
			try {
				await this.#measure(state, state.spec.warmup + state.spec.iterations);
			} finally {
				if (hasSetUp) await this.#caseTeardown(state);
				await this.#commit([state]);
			}
		}
	}

	async #executeInterleaved(): Promise<void> {
		const prepared: CaseState[] = [];
		try {
			for (const state of this.#states) {
				if (await this.#caseSetup(state)) prepared.push(state);
			}

			for (const state of this.#states) {
				if (this.#init.deps.signal.aborted) return;
				this.#currentCase = state;
				if (state.spec.warmup > 0) await this.#measure(state, state.spec.warmup);
			}

			const rounds = Math.max(...this.#states.map((state) => state.spec.iterations));
			for (let round = 0; round < rounds; round++) {
				for (const state of this.#states) {
					if (this.#init.deps.signal.aborted) return;
					if (round >= state.spec.iterations) continue;
					this.#currentCase = state;
					await this.#measure(state, 1);
				}
			}
		} finally {
			for (const state of prepared) await this.#caseTeardown(state);
			await this.#commit(this.#states);
		}
	}

	async #caseSetup(state: CaseState): Promise<boolean> {
		if (!state.spec.setup) return false;
		await this.#runAside(state.spec.setup, `setup of case ${state.spec.name}`, state.spec);
		return true;
	}

	async #caseTeardown(state: CaseState): Promise<void> {
		if (!state.spec.teardown || this.#init.deps.signal.aborted) return;
		await this.#runAside(state.spec.teardown, `teardown of case ${state.spec.name}`, state.spec);
	}

	#cwd(spec: SuiteCase | undefined): string {
		const {executor} = this.#init;
		if (spec?.cwd === undefined) return executor.scratchDir;
		return path.posix.isAbsolute(spec.cwd) ? spec.cwd : path.posix.join(executor.suiteDir, spec.cwd);
	}

	async #runAside(argv: readonly string[], what: string, spec: SuiteCase | undefined): Promise<void> {
		const result = await this.#init.executor.run(argv, {cwd: this.#cwd(spec), env: spec?.env ?? {}, timeoutMs: spec?.timeoutMs ?? 600_000}, this.#abortCase.signal);
		if (this.#init.deps.signal.aborted) return;
		if (result.exitCode !== 0) {
			const output = result.output.trim().split('\n').slice(-3).join(' | ');
			throw new RunFailure(`${what} failed with exit code ${result.exitCode}${output ? `: ${output}` : ''}`);
		}
	}

	async #measure(state: CaseState, iterations: number): Promise<void> {
		const {spec} = state;
		let failure: string | undefined;
		const outcome = await this.#init.executor.measure(
			{argv: spec.argv, iterations, timeoutMs: spec.timeoutMs, cwd: this.#cwd(spec), env: spec.env, shouldStopOnFailure: !spec.isExitCodeIgnored},
			(batch) => {
				const samples: NewSample[] = [];
				for (const iteration of batch) {
					const number = state.nextIteration++;
					samples.push({
						runId: this.#init.run.id,
						caseName: spec.name,
						iteration: number,
						time: iteration.endedAt,
						wallNs: iteration.wallNs,
						userUs: iteration.userUs,
						systemUs: iteration.systemUs,
						maxRssBytes: iteration.maxRssBytes,
						exitCode: iteration.exitCode ?? (iteration.signal > 0 ? 128 + iteration.signal : undefined),
						isWarmup: number < spec.warmup,
					});
					failure ??= judgeIteration(spec, iteration, number);
				}

				state.samples.push(...samples);
				this.#spool?.appendSamples(samples);
				this.#done += samples.length;
				this.#event('progress');
			},
			this.#abortCase.signal,
		);
		if (this.#init.deps.signal.aborted) return;
		if (failure) throw new RunFailure(failure);
		if (outcome.error) throw new RunFailure(`case ${spec.name}: ${outcome.error}`);
		if (!outcome.isComplete) throw new RunFailure(`case ${spec.name}: the measuring helper stopped early after ${outcome.count} iteration(s)`);
	}

	/** Writes the given cases' samples (outliers marked) and pending container samples. */
	async #commit(states: readonly CaseState[]): Promise<boolean> {
		for (const state of states) state.isCommitted = true;
		return this.#flush();
	}

	async #flush(): Promise<boolean> {
		for (const state of this.#states) {
			if (state.isCommitted && state.samples.length > 0 && !state.isQueued) {
				state.isQueued = true;
				this.#uncommittedWrites.push(...markOutliers(state.samples));
			}
		}

		if (this.#pendingContainer.length > 0) {
			const batch = ++this.#containerBatch;
			this.#unsavedContainerBatches.push({batch, samples: this.#pendingContainer});
			this.#pendingContainer = [];
		}

		try {
			await this.#spool?.settle();
			if (this.#uncommittedWrites.length > 0) {
				this.#samplesStored += await this.#init.deps.store.insertSamples(this.#uncommittedWrites);
				this.#uncommittedWrites = [];
			}

			while (this.#unsavedContainerBatches.length > 0) {
				const {batch, samples} = this.#unsavedContainerBatches[0]!;
				await this.#init.deps.store.insertContainerSamples(samples);
				this.#unsavedContainerBatches.shift();
				if (this.#isDatabaseDown) this.#spool?.markContainerBatchWritten(batch);
			}

			if (this.#isDatabaseDown) this.#init.deps.onNotice?.('the database is back; spooled samples written');
			this.#isDatabaseDown = false;
			return true;
		} catch (error) {
			if (!isConnectionProblem(error)) throw error;
			if (!this.#isDatabaseDown) {
				this.#init.deps.onNotice?.(`the database is unreachable (${(error as Error).message}); samples are kept in ${this.#spool?.file} and written when it is back`);
				for (const {batch, samples} of this.#unsavedContainerBatches) this.#spool?.appendContainerBatch(batch, samples);
			} else {
				const latest = this.#unsavedContainerBatches.at(-1);
				if (latest && latest.batch === this.#containerBatch) this.#spool?.appendContainerBatch(latest.batch, latest.samples);
			}

			this.#isDatabaseDown = true;
			return false;
		}
	}

	/** Stores everything and finishes the run; when the database stays away, leaves the spool. */
	async #finish(status: Exclude<RunStatus, 'running'>, reason: string | undefined, environment: Partial<ExecutionEnvironment>): Promise<boolean> {
		const {store, config} = this.#init.deps;
		const deadline = Date.now() + (this.#init.options.flushRetryMs ?? 30_000);
		const endedAt = new Date();
		for (let attempt = 0; ; attempt++) {
			try {
				if (await this.#flush()) {
					await store.finishRun(this.#init.run.id, status, {...(reason === undefined ? {} : {reason}), endedAt, environment});
					await this.#spool?.remove();
					return true;
				}
			} catch (error) {
				if (!isConnectionProblem(error)) throw error;
				this.#isDatabaseDown = true;
			}

			if (Date.now() >= deadline) break;
			if (attempt === 0) this.#init.deps.onNotice?.('waiting for the database to come back to store the run...');
			await sleep(1000);
		}

		this.#spool?.appendFinish(status, {...(reason === undefined ? {} : {reason}), endedAt, environment});
		await this.#spool?.settle().catch(() => {});
		this.#init.deps.onNotice?.(`the database stayed unreachable: the run's samples wait in ${this.#spool?.file} (under ${config.dataDir}) and are written at the next rqc start`);
		return false;
	}
}
