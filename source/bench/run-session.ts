/**
 * One benchmark run in progress, given its executor: measures the cases (in order or
 * interleaved), judges every iteration, reports progress, spools every sample before it goes to
 * the database, writes the samples in batches, keeps them through a database outage (retrying at
 * the end), and finishes the run as completed, failed or aborted. It starts no process itself:
 * the executor is injected, so a fake one drives it in tests.
 */
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Cache} from '../cache/cache.js';
import {isConnectionError} from '../store/connection-error.js';
import {createDiskFullError, describeDisk, isDiskFullError} from '../store/disk-full.js';
import type {ContainerSample, ExecutionEnvironment, NewSample, RunMode, RunStatus} from '../store/records.js';
import type {Store} from '../store/store.js';
import {readHostFacts} from './environment.js';
import type {Executor} from './executor.js';
import type {LimitInputs} from './limits.js';
import type {HelperIteration} from './measure.js';
import {computeEta, PROGRESS_CHANNEL, type BenchEvent} from './progress.js';
import {getSpoolDir, SpoolFile} from './spool.js';
import {median} from '../stats/descriptive.js';
import {flagOutliers, summarizeCase, type CaseSummary} from './statistics.js';
import type {Suite, SuiteCase} from './suite.js';

/** Samples per database write: a huge case is written in slices, never in one statement or spread. */
export const SAMPLE_WRITE_BATCH = 10_000;

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
	/** Docker mode: the image (default the first built of RUNNER_IMAGES). */
	readonly image?: string | undefined;
	readonly limits?: LimitInputs;
	/** Wait for another run on this host (true) or fail at once (false). */
	readonly shouldWait?: boolean;
	/** How long to keep retrying an unreachable database at the end before leaving the spool. */
	readonly flushRetryMs?: number;
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

/** What the session needs of the store. */
export type SessionStore = Pick<Store, 'insertSamples' | 'markSampleOutliers' | 'insertContainerSamples' | 'finishRun'>;

export interface RunSessionInit {
	readonly options: Pick<BenchRunOptions, 'suite' | 'mode' | 'release' | 'isInterleaved' | 'flushRetryMs'>;
	readonly store: SessionStore;
	/** Where the store's files are (the embedded store), to name the disk when it fills up. */
	readonly storeLocation?: string | undefined;
	/** rqc's data directory: the spool lives under it. */
	readonly dataDir: string;
	readonly executor: Executor;
	readonly cases: readonly SuiteCase[];
	readonly runId: number;
	readonly environment: ExecutionEnvironment;
	readonly host: string;
	readonly signal: AbortSignal;
	readonly cache?: Cache | undefined;
	readonly onEvent?: ((event: BenchEvent) => void) | undefined;
	readonly onNotice?: ((text: string) => void) | undefined;
	/** Pause between retries of an unreachable database at the end (default 1 s). */
	readonly retryDelayMs?: number;
}

/**
 * What the session keeps of an iteration, for outliers, summaries and progress: a few numbers
 * (the sample itself goes to the spool and the database as it comes), so a case of millions of
 * iterations fits in memory.
 */
interface TakenIteration {
	readonly wallNs: number;
	readonly userUs: number;
	readonly systemUs: number;
	readonly maxRssBytes: number;
	readonly exitCode: number | undefined;
	readonly isWarmup: boolean;
	isOutlier: boolean;
}

interface CaseState {
	readonly spec: SuiteCase;
	/** Every iteration taken; the index is the iteration number. */
	readonly taken: TakenIteration[];
	nextIteration: number;
	/** The case is over, so its outliers can be known. */
	isCommitted: boolean;
	/** Its outliers are flagged (and queued for the database). */
	isQueued: boolean;
}

class RunFailure extends Error {
	constructor(readonly reason: string) {
		super(reason);
	}
}

/** The store's disk is full: the run stops at once, marked aborted with what was stored. */
class StoreDiskFull extends Error {
	constructor(readonly error: Error) {
		super(error.message);
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

/** The last `count` non-warmup wall times, newest last, without scanning the whole case. */
function recentWalls(samples: readonly TakenIteration[], count: number): number[] {
	const walls: number[] = [];
	for (let index = samples.length - 1; index >= 0 && walls.length < count; index--) {
		const sample = samples[index]!;
		if (!sample.isWarmup) walls.push(sample.wallNs);
	}

	return walls.reverse();
}

/** One run in progress: its counters, its pending writes, its events. */
export class RunSession {
	readonly #init: RunSessionInit;
	readonly #states: CaseState[];
	readonly #total: number;
	readonly #startedAt = Date.now();
	#spool: SpoolFile | undefined;
	/** A spool that could not be written (full disk): removed once its rows are committed. */
	#brokenSpoolFile: string | undefined;
	#done = 0;
	#currentCase: CaseState | undefined;
	#lastEventAt = 0;
	#pendingContainer: ContainerSample[] = [];
	#containerBatch = 0;
	#unsavedContainerBatches: Array<{batch: number; samples: ContainerSample[]}> = [];
	#samplesStored = 0;
	#isDatabaseDown = false;
	/** Samples queued for the database, kept until a write succeeds; written in slices while a case runs. */
	#uncommittedWrites: NewSample[] = [];
	/** Outliers of finished cases, to flag on samples already written. */
	#pendingOutliers: Array<{caseName: string; iterations: number[]}> = [];
	/** Flushes run one after another (one may be started in the background while a case runs). */
	#flushing: Promise<unknown> = Promise.resolve();
	#isFlushingInBackground = false;
	/** A background flush that failed for another reason than a lost connection: the run stops. */
	#backgroundError: unknown;
	/** How many of #uncommittedWrites are already written (a batch failed after them). */
	#uncommittedOffset = 0;
	#diskFull: Error | undefined;
	readonly #abortCase = new AbortController();

	constructor(init: RunSessionInit) {
		this.#init = init;
		this.#states = init.cases.map((spec) => ({spec, taken: [], nextIteration: 0, isCommitted: false, isQueued: false}));
		this.#total = init.cases.reduce((sum, c) => sum + c.warmup + c.iterations, 0);
	}

	/** Opens the run's spool; when its disk is full the run goes on, writing straight to the database. */
	async openSpool(): Promise<void> {
		try {
			this.#spool = await SpoolFile.create(this.#init.dataDir, this.#init.runId);
		} catch (error) {
			this.#giveUpSpool(error, path.join(getSpoolDir(this.#init.dataDir), `run-${this.#init.runId}.jsonl`));
		}
	}

	addContainerSample(sample: ContainerSample): void {
		this.#pendingContainer.push(sample);
	}

	/** issue 11: a spool that cannot be written costs the local copy, never the run (the database is written directly). */
	#giveUpSpool(error: unknown, file: string): void {
		this.#spool = undefined;
		this.#brokenSpoolFile = file;
		const why = isDiskFullError(error) ? `${describeDisk(path.dirname(file))} is full` : (error instanceof Error ? error.message : String(error));
		this.#init.onNotice?.(`cannot write the spool (${why}): samples go straight to the database, without a local copy; free space there to keep one`);
	}

	#event(type: BenchEvent['type'], status: RunStatus = 'running', reason?: string): void {
		const now = Date.now();
		if (type === 'progress' && now - this.#lastEventAt < 200) return;
		this.#lastEventAt = now;
		const current = this.#currentCase;
		const measured = current ? recentWalls(current.taken, 501) : [];
		const elapsedMs = now - this.#startedAt;
		const {options} = this.#init;
		const event: BenchEvent = {
			type,
			runId: this.#init.runId,
			suite: options.suite.name,
			mode: options.mode,
			release: options.release,
			host: this.#init.host,
			pid: process.pid,
			done: this.#done,
			total: this.#total,
			caseName: current?.spec.name,
			caseDone: current?.taken.length ?? 0,
			caseTotal: current ? current.spec.warmup + current.spec.iterations : 0,
			medianNs: measured.length > 0 ? median(measured) : undefined,
			elapsedMs,
			etaMs: type === 'end' ? 0 : computeEta(this.#done, this.#total, elapsedMs),
			status,
			reason,
			startedAt: new Date(this.#startedAt).toISOString(),
			time: new Date(now).toISOString(),
		};
		this.#init.onEvent?.(event);
		void this.#init.cache?.publish(PROGRESS_CHANNEL, JSON.stringify(event)).catch(() => {});
	}

	/** Runs the suite to its end (or abort) and stores it; throws only for a full store disk (after marking the run aborted). */
	async execute(): Promise<BenchRunResult> {
		const {options, signal} = this.#init;
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
			if (error instanceof StoreDiskFull) {
				this.#diskFull = error.error;
			} else if (error instanceof RunFailure) {
				status = 'failed';
				reason = error.reason;
			} else if (!signal.aborted) {
				status = 'failed';
				reason = `rqc error: ${error instanceof Error ? error.message : String(error)}`;
				this.#init.onNotice?.(reason);
			}
		} finally {
			signal.removeEventListener('abort', onAbort);
		}

		if (this.#diskFull) {
			status = 'aborted';
			reason = `${this.#diskFull.message}; the samples stored before are kept`;
		} else if (signal.aborted) {
			status = 'aborted';
			const why = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'interrupted';
			reason = `interrupted: ${why}; the samples taken are kept`;
		}

		if (hasSetUp && options.suite.teardown && !signal.aborted && !this.#diskFull) {
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
		const isSaved = this.#diskFull ? await this.#abortForFullDisk(reason, environmentEnd) : await this.#finish(status, reason, environmentEnd);
		const spoolFile = isSaved ? undefined : this.#spool?.file;
		if (this.#diskFull) {
			this.#event('end', 'aborted', `${this.#diskFull.message}; the samples stored before are kept`);
			throw this.#diskFull;
		}

		this.#event('end', status, reason);
		const summaries = this.#states.filter((state) => state.taken.length > 0).map((state) => summarizeCase(state.spec.name, state.taken));
		return {
			runId: this.#init.runId,
			suite: options.suite.name,
			release: options.release,
			mode: options.mode,
			status,
			reason,
			summaries,
			samplesTaken: this.#states.reduce((sum, state) => sum + state.taken.length, 0),
			samplesStored: this.#samplesStored,
			spoolFile,
			environment: {...this.#init.environment, host: {...this.#init.environment.host, loadAvgEnd: facts.loadAvg}},
			durationMs: Date.now() - this.#startedAt,
		};
	}

	async #executeInOrder(): Promise<void> {
		for (const state of this.#states) {
			if (this.#init.signal.aborted) return;
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
				if (this.#init.signal.aborted) return;
				this.#currentCase = state;
				if (state.spec.warmup > 0) await this.#measure(state, state.spec.warmup);
			}

			const rounds = this.#states.reduce((most, state) => Math.max(most, state.spec.iterations), 0);
			for (let round = 0; round < rounds; round++) {
				for (const state of this.#states) {
					if (this.#init.signal.aborted) return;
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
		if (!state.spec.teardown || this.#init.signal.aborted) return;
		await this.#runAside(state.spec.teardown, `teardown of case ${state.spec.name}`, state.spec);
	}

	#cwd(spec: SuiteCase | undefined): string {
		const {executor} = this.#init;
		if (spec?.cwd === undefined) return executor.scratchDir;
		return path.posix.isAbsolute(spec.cwd) ? spec.cwd : path.posix.join(executor.suiteDir, spec.cwd);
	}

	async #runAside(argv: readonly string[], what: string, spec: SuiteCase | undefined): Promise<void> {
		const result = await this.#init.executor.run(argv, {cwd: this.#cwd(spec), env: spec?.env ?? {}, timeoutMs: spec?.timeoutMs ?? 600_000}, this.#abortCase.signal);
		if (this.#init.signal.aborted) return;
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
					const sample: NewSample = {
						runId: this.#init.runId,
						caseName: spec.name,
						iteration: number,
						time: iteration.endedAt,
						wallNs: iteration.wallNs,
						userUs: iteration.userUs,
						systemUs: iteration.systemUs,
						maxRssBytes: iteration.maxRssBytes,
						exitCode: iteration.exitCode ?? (iteration.signal > 0 ? 128 + iteration.signal : undefined),
						isWarmup: number < spec.warmup,
					};
					samples.push(sample);
					// issue 11: one push per sample; a spread push(...batch) overflows the stack on a big batch
					this.#uncommittedWrites.push(sample);
					state.taken.push({wallNs: sample.wallNs, userUs: iteration.userUs, systemUs: iteration.systemUs, maxRssBytes: iteration.maxRssBytes, exitCode: sample.exitCode, isWarmup: sample.isWarmup ?? false, isOutlier: false});
					failure ??= judgeIteration(spec, iteration, number);
				}

				this.#spool?.appendSamples(samples);
				this.#done += samples.length;
				this.#event('progress');
				// issue 11: samples stream to the database in slices while the case runs, so none waits in memory for its end
				if (this.#uncommittedWrites.length - this.#uncommittedOffset >= SAMPLE_WRITE_BATCH && !this.#isDatabaseDown) this.#flushInBackground();
			},
			this.#abortCase.signal,
		);
		if (this.#backgroundError !== undefined) throw this.#backgroundError;
		if (this.#init.signal.aborted) return;
		if (failure) throw new RunFailure(failure);
		if (outcome.error) throw new RunFailure(`case ${spec.name}: ${outcome.error}`);
		if (!outcome.isComplete) throw new RunFailure(`case ${spec.name}: the measuring helper stopped early after ${outcome.count} iteration(s)`);
	}

	/** Ends the given cases (their outliers can be flagged) and writes everything pending. */
	async #commit(states: readonly CaseState[]): Promise<boolean> {
		for (const state of states) state.isCommitted = true;
		const isWritten = await this.#flush();
		if (this.#backgroundError !== undefined) throw this.#backgroundError;
		return isWritten;
	}

	/** Starts a flush without waiting for it (one at a time); a failure that is not a lost connection stops the case. */
	#flushInBackground(): void {
		if (this.#isFlushingInBackground) return;
		this.#isFlushingInBackground = true;
		this.#flush().then(() => {
			this.#isFlushingInBackground = false;
		}, (error: unknown) => {
			this.#isFlushingInBackground = false;
			this.#backgroundError ??= error;
			this.#abortCase.abort();
		});
	}

	/** Flushes one after another: each waits for the one before, whatever became of it. */
	async #flush(): Promise<boolean> {
		const next = this.#flushing.then(() => this.#flushOnce(), () => this.#flushOnce());
		this.#flushing = next.catch(() => undefined);
		return next;
	}

	/** Flags the outliers of cases that are over, on the iterations kept in memory and for the database. */
	#queueOutliers(): void {
		for (const state of this.#states) {
			if (!state.isCommitted || state.isQueued) continue;
			state.isQueued = true;
			const walls: number[] = [];
			for (const iteration of state.taken) if (!iteration.isWarmup) walls.push(iteration.wallNs);
			const flags = flagOutliers(walls);
			const iterations: number[] = [];
			let position = 0;
			for (const [number, iteration] of state.taken.entries()) {
				if (iteration.isWarmup) continue;
				iteration.isOutlier = flags[position++] ?? false;
				if (iteration.isOutlier) iterations.push(number);
			}

			if (iterations.length > 0) this.#pendingOutliers.push({caseName: state.spec.name, iterations});
		}
	}

	/** Writes the queued samples in slices of SAMPLE_WRITE_BATCH; a slice that fails stays queued. */
	async #writeQueuedSamples(): Promise<void> {
		while (this.#uncommittedWrites.length > this.#uncommittedOffset) {
			const slice = this.#uncommittedWrites.slice(this.#uncommittedOffset, this.#uncommittedOffset + SAMPLE_WRITE_BATCH);
			this.#samplesStored += await this.#init.store.insertSamples(slice);
			this.#uncommittedOffset += slice.length;
			// Drop what is written (samples keep arriving while a case runs), a few slices at a time.
			if (this.#uncommittedOffset >= 4 * SAMPLE_WRITE_BATCH || this.#uncommittedOffset === this.#uncommittedWrites.length) {
				this.#uncommittedWrites = this.#uncommittedWrites.slice(this.#uncommittedOffset);
				this.#uncommittedOffset = 0;
			}
		}
	}

	async #flushOnce(): Promise<boolean> {
		this.#queueOutliers();

		if (this.#pendingContainer.length > 0) {
			const batch = ++this.#containerBatch;
			this.#unsavedContainerBatches.push({batch, samples: this.#pendingContainer});
			this.#pendingContainer = [];
		}

		if (this.#spool) {
			const spool = this.#spool;
			await spool.settle().catch((error: unknown) => {
				this.#giveUpSpool(error, spool.file);
			});
		}

		try {
			await this.#writeQueuedSamples();
			while (this.#pendingOutliers.length > 0) {
				const {caseName, iterations} = this.#pendingOutliers[0]!;
				await this.#init.store.markSampleOutliers(this.#init.runId, caseName, iterations);
				this.#pendingOutliers.shift();
			}

			while (this.#unsavedContainerBatches.length > 0) {
				const {batch, samples} = this.#unsavedContainerBatches[0]!;
				await this.#init.store.insertContainerSamples(samples);
				this.#unsavedContainerBatches.shift();
				if (this.#isDatabaseDown) this.#spool?.markContainerBatchWritten(batch);
			}

			if (this.#isDatabaseDown) this.#init.onNotice?.('the database is back; spooled samples written');
			this.#isDatabaseDown = false;
			return true;
		} catch (error) {
			if (isDiskFullError(error)) {
				throw new StoreDiskFull(createDiskFullError(this.#init.storeLocation ?? 'the database server', 'the run\'s samples to the store', error));
			}

			if (!isConnectionError(error)) throw error;
			if (!this.#isDatabaseDown) {
				const where = this.#spool ? `in ${this.#spool.file}` : 'in memory (the spool could not be written)';
				this.#init.onNotice?.(`the database is unreachable (${(error as Error).message}); samples are kept ${where} and written when it is back`);
				for (const {batch, samples} of this.#unsavedContainerBatches) this.#spool?.appendContainerBatch(batch, samples);
			} else {
				const latest = this.#unsavedContainerBatches.at(-1);
				if (latest && latest.batch === this.#containerBatch) this.#spool?.appendContainerBatch(latest.batch, latest.samples);
			}

			this.#isDatabaseDown = true;
			return false;
		}
	}

	/** The rows are committed: the spool (or what a full disk left of it) can go. */
	async #removeSpool(): Promise<void> {
		await this.#spool?.remove();
		if (this.#brokenSpoolFile !== undefined) await rm(this.#brokenSpoolFile, {force: true}).catch(() => {});
	}

	/** Marks the run aborted at once (no retries); the spool stays unless everything was written. */
	async #abortForFullDisk(reason: string | undefined, environment: Partial<ExecutionEnvironment>): Promise<boolean> {
		const endedAt = new Date();
		const finish = {...(reason === undefined ? {} : {reason}), endedAt, environment};
		try {
			await this.#init.store.finishRun(this.#init.runId, 'aborted', finish);
		} catch {
			// The full disk may refuse this too: the spool's finish record (if it can be written) says it.
		}

		this.#spool?.appendFinish('aborted', finish);
		await this.#spool?.settle().catch(() => {});
		return false;
	}

	/** Stores everything and finishes the run; when the database stays away, leaves the spool. */
	async #finish(status: Exclude<RunStatus, 'running'>, reason: string | undefined, environment: Partial<ExecutionEnvironment>): Promise<boolean> {
		const {store} = this.#init;
		const deadline = Date.now() + (this.#init.options.flushRetryMs ?? 30_000);
		const endedAt = new Date();
		for (let attempt = 0; ; attempt++) {
			try {
				if (await this.#flush()) {
					await store.finishRun(this.#init.runId, status, {...(reason === undefined ? {} : {reason}), endedAt, environment});
					await this.#removeSpool();
					return true;
				}
			} catch (error) {
				if (error instanceof StoreDiskFull) {
					this.#diskFull = error.error;
					return this.#abortForFullDisk(`${error.message}; the samples stored before are kept`, environment);
				}

				if (!isConnectionError(error)) throw error;
				this.#isDatabaseDown = true;
			}

			if (Date.now() >= deadline) break;
			if (attempt === 0) this.#init.onNotice?.('waiting for the database to come back to store the run...');
			await sleep(this.#init.retryDelayMs ?? 1000);
		}

		if (!this.#spool) {
			const lost = this.#uncommittedWrites.length - this.#uncommittedOffset;
			this.#init.onNotice?.(`the database stayed unreachable and the spool could not be written: ${lost} sample(s) of run ${this.#init.runId} could not be kept`);
			return false;
		}

		this.#spool.appendFinish(status, {...(reason === undefined ? {} : {reason}), endedAt, environment});
		await this.#spool.settle().catch(() => {});
		this.#init.onNotice?.(`the database stayed unreachable: the run's samples wait in ${this.#spool.file} (under ${this.#init.dataDir}) and are written at the next rqc start`);
		return false;
	}
}
