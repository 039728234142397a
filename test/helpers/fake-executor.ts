/**
 * A scripted Executor for the run session's tests (hyperfine's MockExecutor is the model): each
 * case's iterations come from a script (durations, exit codes, signals, timeouts, OOM kills), in
 * batches as the helper would deliver them, and every call is recorded, so interleaving,
 * iteration judging, aborts and huge iteration counts are tested without starting a process.
 */
import type {CommandResult, Executor, MeasureRequest} from '../../source/bench/executor.js';
import type {HelperIteration, HelperOutcome} from '../../source/bench/measure.js';
import type {ExecutionEnvironment, RunMode} from '../../source/store/records.js';

/** What one scripted iteration does; unset fields are a clean 1 ms run. */
export interface FakeIteration {
	readonly wallNs?: number;
	readonly exitCode?: number | undefined;
	readonly signal?: number;
	readonly isTimedOut?: boolean;
	readonly isOomKilled?: boolean;
	readonly maxRssBytes?: number;
}

export interface FakeExecutorScript {
	/** Per command (argv joined by spaces): iteration n (0-based over every call for that command). */
	readonly iterations?: Readonly<Record<string, (n: number) => FakeIteration>>;
	/** Iterations per onBatch call (the helper flushes about every 100 ms; default 64). */
	readonly batchSize?: number;
	/** Called after every batch with the number of iterations delivered so far in total (to abort, fail a store...). */
	readonly afterBatch?: (delivered: number) => void;
	/** The helper's own error for a command (as `E` lines report, e.g. "cannot start x"). */
	readonly helperErrors?: Readonly<Record<string, string>>;
	/** Exit codes of setup/teardown commands (default 0). */
	readonly commandExitCodes?: Readonly<Record<string, number>>;
	readonly mode?: RunMode;
}

export type FakeCall =
	| {readonly kind: 'measure'; readonly command: string; readonly iterations: number; readonly shouldStopOnFailure: boolean}
	| {readonly kind: 'run'; readonly command: string};

export class FakeExecutor implements Executor {
	readonly mode: RunMode;
	readonly scratchDir = '/fake/scratch';
	readonly suiteDir = '/fake/suite';
	/** Every measure/run call, in order. */
	readonly calls: FakeCall[] = [];
	/** Iterations delivered, over every command. */
	delivered = 0;
	isClosed = false;
	readonly #script: FakeExecutorScript;
	readonly #counters = new Map<string, number>();
	#clock = Date.parse('2026-01-01T00:00:00Z');

	constructor(script: FakeExecutorScript = {}) {
		this.#script = script;
		this.mode = script.mode ?? 'bare_metal';
	}

	async measure(request: MeasureRequest, onBatch: (iterations: HelperIteration[]) => void, signal: AbortSignal): Promise<HelperOutcome> {
		const command = request.argv.join(' ');
		this.calls.push({kind: 'measure', command, iterations: request.iterations, shouldStopOnFailure: request.shouldStopOnFailure});
		const error = this.#script.helperErrors?.[command];
		if (error !== undefined) return {count: 0, error, isComplete: true};
		const script = this.#script.iterations?.[command] ?? ((): FakeIteration => ({}));
		const batchSize = this.#script.batchSize ?? 64;
		let count = 0;
		let batch: HelperIteration[] = [];
		const deliver = async (): Promise<void> => {
			if (batch.length === 0) return;
			onBatch(batch);
			this.delivered += batch.length;
			batch = [];
			this.#script.afterBatch?.(this.delivered);
			// Let timers and abort listeners run between batches, as reading a pipe does.
			await new Promise((resolve) => setImmediate(resolve));
		};

		for (let index = 0; index < request.iterations; index++) {
			if (signal.aborted) {
				await deliver();
				return {count, error: undefined, isComplete: false};
			}

			const n = this.#counters.get(command) ?? 0;
			this.#counters.set(command, n + 1);
			const planned = script(n);
			const wallNs = planned.wallNs ?? 1_000_000;
			this.#clock += Math.max(1, Math.round(wallNs / 1e6));
			const iteration: HelperIteration = {
				index,
				wallNs,
				userUs: Math.round(wallNs / 2000),
				systemUs: Math.round(wallNs / 4000),
				maxRssBytes: planned.maxRssBytes ?? 4_194_304,
				exitCode: planned.signal ? undefined : (planned.exitCode ?? 0),
				signal: planned.signal ?? 0,
				isTimedOut: planned.isTimedOut ?? false,
				isOomKilled: planned.isOomKilled ?? false,
				endedAt: new Date(this.#clock),
			};
			batch.push(iteration);
			count++;
			const hasFailed = iteration.exitCode !== 0 || iteration.signal !== 0;
			// The helper's own rule: a timeout or OOM kill always ends the call; a failure when asked.
			if (iteration.isTimedOut || iteration.isOomKilled || (request.shouldStopOnFailure && hasFailed)) break;
			if (batch.length >= batchSize) await deliver();
		}

		await deliver();
		return {count, error: undefined, isComplete: true};
	}

	async run(argv: readonly string[]): Promise<CommandResult> {
		const command = argv.join(' ');
		this.calls.push({kind: 'run', command});
		return {exitCode: this.#script.commandExitCodes?.[command] ?? 0, output: ''};
	}

	getEnvironment(): Partial<ExecutionEnvironment> {
		return {runtime: this.mode};
	}

	async close(): Promise<void> {
		this.isClosed = true;
	}
}
