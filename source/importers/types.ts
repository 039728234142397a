/**
 * What an importer returns: plain records parsed from another tool's output, before anything
 * touches the store. Times are normalised to nanoseconds.
 */
import type {ExecutionEnvironment, RunMode, RunStatus} from '../store/records.js';

export const IMPORT_FORMATS = ['hyperfine', 'google-benchmark', 'go-test', 'pytest-benchmark', 'rqc'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One measured value of one case, as the source tool reported it (converted to ns). */
export interface ImportedSample {
	readonly caseName: string;
	/** 0-based position of this sample among its case's samples in the file. */
	readonly iteration: number;
	readonly wallNs: number;
	/** When the file says when the sample was taken; otherwise the importer uses the run start. */
	readonly time?: Date;
	readonly userUs?: number;
	readonly systemUs?: number;
	readonly maxRssBytes?: number;
	readonly exitCode?: number;
	readonly isWarmup?: boolean;
	readonly isOutlier?: boolean;
	/** Tool-specific numbers kept beside the wall time (B/op, allocs/op, cpu_ns, iterations...). */
	readonly metrics?: Readonly<Record<string, number>>;
}

/** The environment as the file describes it; the import command adds runtime and source. */
export type ImportedEnvironment = Partial<ExecutionEnvironment>;

export interface ImportedRun {
	/** The suite the file suggests (go package, benchmark executable, tool name); --suite overrides. */
	readonly suite: string;
	/** Only the rqc format carries a mode; others are measured where the user says (--mode). */
	readonly mode?: RunMode;
	readonly status?: Exclude<RunStatus, 'running'>;
	readonly statusReason?: string;
	readonly startedAt?: Date;
	readonly endedAt?: Date;
	readonly isDemo?: boolean;
	readonly environment: ImportedEnvironment;
	readonly samples: readonly ImportedSample[];
	/** The release the run was exported from (rqc format only): kept when no --release is given. */
	readonly release?: string;
}

export interface ImportSource {
	readonly tool: string;
	/** The tool's version when the file states it (hyperfine and go test output do not). */
	readonly version?: string;
}

export interface ParsedImport {
	readonly format: ImportFormat;
	readonly source: ImportSource;
	readonly runs: readonly ImportedRun[];
	/** Things the user should know: skipped aggregates, summary-only data, unknown version... */
	readonly notes: readonly string[];
	/** The release the file was exported from (rqc format only; the first of several). */
	readonly release?: {readonly name: string; readonly gitSha?: string; readonly isDemo?: boolean};
	/** Calibrations carried by an `rqc export --all` file. */
	readonly calibrations?: readonly ImportedCalibration[];
}

/** A calibration as an rqc export carries it (the store's record without its id). */
export interface ImportedCalibration {
	readonly createdAt: Date;
	readonly hostFingerprint: string;
	readonly image: string;
	readonly engineVersion: string;
	readonly limits: Readonly<Record<string, unknown>>;
	readonly cases: Readonly<Record<string, unknown>>;
	readonly summary: Readonly<Record<string, unknown>>;
}

/** What every parser takes besides the text. */
export interface ParseOptions {
	/** Named in error messages; a path or a base name. */
	readonly fileName: string;
}
