/**
 * Where a run's commands execute: on the host, or inside the run's dedicated container. The
 * runner only talks to this interface, so measuring logic is the same in both modes.
 */
import type {ExecutionEnvironment, RunMode} from '../store/records.js';
import type {HelperIteration, HelperOutcome} from './measure.js';

export interface MeasureRequest {
	readonly argv: readonly string[];
	readonly iterations: number;
	readonly timeoutMs: number;
	/** Absolute, in the executor's file system. */
	readonly cwd: string;
	readonly env: Readonly<Record<string, string>>;
	/** Stop after the first iteration that exits non-zero or is killed. */
	readonly shouldStopOnFailure: boolean;
}

export interface CommandResult {
	readonly exitCode: number;
	/** The tail of stdout+stderr, for error messages. */
	readonly output: string;
}

export interface Executor {
	readonly mode: RunMode;
	/** The run's scratch directory (default cwd of every case), in the executor's file system. */
	readonly scratchDir: string;
	/** The suite file's directory, in the executor's file system. */
	readonly suiteDir: string;
	/** Runs a case's iterations with the helper; onBatch gets them as they come. */
	measure(request: MeasureRequest, onBatch: (iterations: HelperIteration[]) => void, signal: AbortSignal): Promise<HelperOutcome>;
	/** Runs a setup/teardown command (not measured). */
	run(argv: readonly string[], options: {cwd: string; env: Readonly<Record<string, string>>; timeoutMs: number}, signal: AbortSignal): Promise<CommandResult>;
	/** What to store about where the run happened. */
	getEnvironment(): Partial<ExecutionEnvironment>;
	/** Releases everything (removes the container); safe to call twice. */
	close(): Promise<void>;
}
