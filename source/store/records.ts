/**
 * Plain records the store reads and writes. Nothing outside store/ sees a pg or PGlite row.
 * Times are Date objects; nanosecond walls and byte counts are numbers (exact to 2^53).
 */

export type RunMode = 'bare_metal' | 'docker';
export type RunStatus = 'running' | 'completed' | 'aborted' | 'failed';

export interface Release {
	readonly id: number;
	readonly name: string;
	readonly createdAt: Date;
	readonly gitSha: string | undefined;
	/** Demo data is labelled so `rqc demo --remove` can take exactly it away. */
	readonly isDemo: boolean;
}

export interface ReleaseSummary extends Release {
	readonly runCount: number;
	readonly sampleCount: number;
	readonly suites: readonly string[];
	readonly modes: readonly RunMode[];
	readonly lastRunAt: Date | undefined;
}

/** A run as `rqc releases` lists it; its start as ISO 8601 UTC text, as the JSON output writes it. */
export interface ReleaseRun {
	readonly id: number;
	readonly suite: string;
	readonly mode: RunMode;
	readonly status: RunStatus;
	readonly environment: ListedEnvironment;
	readonly startedAt: string;
}

/** The part of a run's environment `rqc releases` describes ("docker 2 cpus 1g image"). */
export interface ListedEnvironment {
	/** Absent in some imported runs: the run's mode says it then. */
	readonly runtime?: ExecutionEnvironment['runtime'];
	readonly image?: string;
	readonly limits?: Pick<ResourceLimits, 'cpus' | 'memoryBytes'>;
}

/**
 * A release with its summary and its runs, the newest run first, for `rqc releases`. Times are
 * ISO 8601 UTC text with milliseconds (what Date#toISOString gives), formatted by the server:
 * thousands of Date objects and their toJSON calls were the larger part of the JSON output's cost
 * (issue 13, point 2).
 */
export interface ReleaseWithRuns extends Omit<ReleaseSummary, 'createdAt' | 'lastRunAt'> {
	readonly createdAt: string;
	readonly lastRunAt: string | undefined;
	readonly runs: readonly ReleaseRun[];
}

/** Resource limits of a docker-mode run (or of a calibration). */
export interface ResourceLimits {
	readonly cpus?: number;
	readonly memoryBytes?: number;
	readonly memorySwapBytes?: number;
	readonly cpuShares?: number;
	readonly pidsLimit?: number;
	readonly nofile?: number;
	readonly network?: string;
}

/** Where and how a run was measured; stored with every run as JSONB. */
export interface ExecutionEnvironment {
	readonly runtime: 'docker' | 'bare_metal';
	readonly containerId?: string;
	readonly image?: string;
	readonly imageId?: string;
	readonly engineVersion?: string;
	readonly limits?: ResourceLimits;
	/** A stable hash of CPU model, core count, memory and kernel: "same host" means same fingerprint. */
	readonly hostFingerprint?: string;
	readonly host?: {
		readonly hostname?: string;
		readonly cpuModel?: string;
		readonly cores?: number;
		readonly memoryBytes?: number;
		readonly kernel?: string;
		readonly governor?: string;
		readonly loadAvgStart?: readonly number[];
		readonly loadAvgEnd?: readonly number[];
		readonly nodeVersion?: string;
	};
	readonly gitSha?: string;
	/** The overhead applied to this run's numbers, when any was. */
	readonly appliedOverhead?: unknown;
	/** For imported runs: the tool and version that produced the numbers. */
	readonly source?: {readonly tool: string; readonly version?: string; readonly file?: string};
	readonly [key: string]: unknown;
}

export interface Run {
	readonly id: number;
	readonly releaseId: number;
	readonly releaseName: string;
	readonly suite: string;
	readonly mode: RunMode;
	readonly status: RunStatus;
	readonly statusReason: string | undefined;
	readonly startedAt: Date;
	readonly endedAt: Date | undefined;
	readonly environment: ExecutionEnvironment;
	readonly isDemo: boolean;
}

export interface NewRun {
	readonly release: string;
	readonly suite: string;
	readonly mode: RunMode;
	readonly environment: ExecutionEnvironment;
	readonly status?: RunStatus;
	readonly startedAt?: Date;
	readonly endedAt?: Date;
	readonly gitSha?: string;
	readonly isDemo?: boolean;
}

/** One measured iteration of one case. */
export interface Sample {
	readonly runId: number;
	readonly caseName: string;
	readonly iteration: number;
	readonly time: Date;
	readonly wallNs: number;
	readonly userUs: number | undefined;
	readonly systemUs: number | undefined;
	readonly maxRssBytes: number | undefined;
	readonly exitCode: number | undefined;
	readonly isWarmup: boolean;
	readonly isOutlier: boolean;
	/** Extra per-sample metrics from importers (bytes/op, allocs/op, ...). */
	readonly metrics: Readonly<Record<string, number>> | undefined;
}

export type NewSample = Omit<Sample, 'userUs' | 'systemUs' | 'maxRssBytes' | 'exitCode' | 'isWarmup' | 'isOutlier' | 'metrics'> &
	Partial<Pick<Sample, 'userUs' | 'systemUs' | 'maxRssBytes' | 'exitCode' | 'isWarmup' | 'isOutlier' | 'metrics'>>;

export interface SampleQuery {
	readonly release: string;
	readonly suite?: string;
	readonly caseName?: string;
	readonly runIds?: readonly number[];
	readonly includeWarmup?: boolean;
	/** Only runs with these statuses; default completed and aborted (samples that were taken). */
	readonly statuses?: readonly RunStatus[];
}

/** One resource reading of one container. */
export interface ContainerSample {
	readonly time: Date;
	readonly runId?: number;
	readonly containerId: string;
	readonly name: string;
	readonly cpuPercent: number;
	readonly memoryBytes: number;
	readonly memoryLimitBytes?: number;
	readonly netRxBytes?: number;
	readonly netTxBytes?: number;
	readonly blockReadBytes?: number;
	readonly blockWriteBytes?: number;
	readonly pids?: number;
}

/** A ratio (docker / bare metal) with its confidence interval. */
export interface RatioEstimate {
	readonly ratio: number;
	readonly low: number;
	readonly high: number;
	readonly n?: number;
	/**
	 * Calibrations only: how far the overhead moved from round to round beyond the measurement
	 * noise, as the standard deviation of its logarithm (0.02 ≈ 2%). Adjustments widen their
	 * interval by it: a run measured at another time may see an overhead that far off.
	 */
	readonly drift?: number;
}

export interface Calibration {
	readonly id: number;
	readonly createdAt: Date;
	readonly hostFingerprint: string;
	readonly image: string;
	readonly engineVersion: string;
	readonly limits: ResourceLimits;
	/** case name → dimension (wall, cpu, rss) → overhead ratio. */
	readonly cases: Readonly<Record<string, Readonly<Record<string, RatioEstimate>>>>;
	/** dimension → overall overhead ratio (geometric mean across cases). */
	readonly summary: Readonly<Record<string, RatioEstimate>>;
	/** Set when this calibration measured a user's suite (rqc calibrate --suite S --release R). */
	readonly suite?: string;
	readonly release?: string;
	/** Profiles of the calibration cases and the precision reached (absent on older calibrations). */
	readonly details?: CalibrationDetails;
	readonly isDemo: boolean;
}

/** How a case spends its time, measured bare metal: what a user's case is matched on. */
export interface CaseProfile {
	/** (user + system CPU time) / wall time. */
	readonly cpuPerWall: number;
	/** system / (user + system). */
	readonly systemShare: number;
	readonly peakRssBytes: number;
}

/** The precision a calibration reached, and why it stopped. */
export interface CalibrationQuality {
	/** The aimed-for half-width of each interval, in % (default 1). */
	readonly targetPct: number;
	/** The widest half-width over cases and the wall and cpu dimensions, in %. */
	readonly widestPct: number;
	readonly widest: {readonly case: string; readonly dimension: string} | undefined;
	readonly isWithinTarget: boolean;
	readonly rounds: number;
	readonly elapsedMs: number;
	/** 1-minute load average at the start and the end. */
	readonly loadAverage: readonly [number, number];
	/** Why the interval is wider than the target, for people (empty when within it). */
	readonly reasons: readonly string[];
}

export interface CalibrationDetails {
	readonly profiles?: Readonly<Record<string, CaseProfile>>;
	readonly quality?: CalibrationQuality;
	/** 'workloads': rqc's own static workloads; 'suite': the user's suite (per-case overheads). */
	readonly kind?: 'workloads' | 'suite';
}

export type NewCalibration = Omit<Calibration, 'id' | 'createdAt' | 'isDemo'> & {readonly createdAt?: Date; readonly isDemo?: boolean};

export interface StoreInfo {
	readonly driver: 'pglite' | 'postgres';
	/** Path of the embedded store, or the URL with its password masked. */
	readonly location: string;
	readonly schemaVersion: number;
	readonly latestSchemaVersion: number;
	readonly hasTimescale: boolean;
	readonly serverVersion: string;
	/** Why TimescaleDB is on the server but not in use, and how to enable it (PostgreSQL only). */
	readonly timescaleProblem?: string;
}

/** Which per-run medians a history reads. */
export interface CaseMedianQuery {
	readonly metric: 'wall' | 'cpu' | 'rss';
	readonly suite?: string | undefined;
	readonly caseName?: string | undefined;
	readonly mode?: RunMode | undefined;
}

/** One case's median in one completed run. */
export interface CaseMedian {
	readonly runId: number;
	readonly caseName: string;
	readonly median: number;
	/** The samples it is the median of. */
	readonly count: number;
}

/** The metrics kept per run and case: wall ns, cpu (user + system µs), rss (peak bytes). */
export type SummaryMetric = 'wall' | 'cpu' | 'rss';

/** A run's case, summarised for one metric; written with the samples, deleted with the run. */
export interface RunCaseSummary {
	readonly runId: number;
	readonly caseName: string;
	readonly metric: SummaryMetric;
	/** Every sample of the case, warmups included. */
	readonly sampleCount: number;
	/** Measured (not warmup) samples that exited 0 (or have no exit code). */
	readonly successCount: number;
	/** Measured samples with a non-zero exit code. */
	readonly failureCount: number;
	readonly warmupCount: number;
	/** Successful samples that have this metric; the figures below are undefined when 0. */
	readonly n: number;
	readonly median: number | undefined;
	/** The median's 95% interval (±Infinity when too few samples bound it). */
	readonly medianLow: number | undefined;
	readonly medianHigh: number | undefined;
	readonly q1: number | undefined;
	readonly q3: number | undefined;
	readonly mean: number | undefined;
	readonly stddev: number | undefined;
	/** Raw median absolute deviation (not scaled to σ). */
	readonly mad: number | undefined;
	readonly min: number | undefined;
	readonly max: number | undefined;
}

export interface MedianSeriesQuery {
	readonly metric?: SummaryMetric;
	readonly caseName?: string;
	readonly suite?: string;
	readonly mode?: RunMode;
	/** Runs with these statuses; default completed and aborted. */
	readonly statuses?: readonly RunStatus[];
}

/** One release's point in a case's history, from the summaries of its runs. */
export interface MedianPoint {
	readonly release: string;
	/** When the release's first run of this series started: the series' order. */
	readonly firstRunAt: Date;
	readonly runCount: number;
	readonly n: number;
	/** One run: its median; several: the median of their medians. */
	readonly median: number;
	/** The widest interval of its runs (±Infinity when unbounded). */
	readonly low: number;
	readonly high: number;
}

/** A case measured one way (suite, mode, resource limits) across releases, oldest first. */
export interface MedianSeries {
	readonly caseName: string;
	readonly suite: string;
	readonly mode: RunMode;
	readonly limits: ResourceLimits;
	readonly points: readonly MedianPoint[];
}
