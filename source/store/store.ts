import type {
	Calibration, CaseProfile, ContainerSample, NewCalibration, NewRun, NewSample, Release, ReleaseSummary,
	ReleaseWithRuns, Run, RunStatus, Sample, SampleQuery, StoreInfo, ExecutionEnvironment, CaseMedian, CaseMedianQuery, MedianSeries, MedianSeriesQuery,
	RunCaseSummary, SummaryMetric,
} from './records.js';

/**
 * Everything rqc keeps, behind one interface with one implementation per driver
 * (embedded PGlite, PostgreSQL/TimescaleDB). No SQL lives outside store/.
 */
export interface Store {
	readonly driver: 'pglite' | 'postgres';
	getInfo(): Promise<StoreInfo>;

	/** Runs fn in one transaction: every write inside lands, or none does. */
	transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

	/** The release, created on first use. */
	ensureRelease(name: string, options?: {gitSha?: string; isDemo?: boolean}): Promise<Release>;
	getRelease(name: string): Promise<Release | undefined>;
	/** Every release, oldest first, with counts read from the run/case summaries (no sample scan). */
	listReleases(): Promise<ReleaseSummary[]>;
	/**
	 * Every release as listReleases gives it, each with its runs (the newest first), in one query:
	 * what `rqc releases` prints. Only the runLimit newest runs of the store are listed (default
	 * 1000); the counts always cover every run.
	 */
	listReleasesWithRuns(options?: {runLimit?: number}): Promise<ReleaseWithRuns[]>;
	/** Deletes a release with its runs and samples; returns whether it existed. */
	deleteRelease(name: string): Promise<boolean>;

	createRun(run: NewRun): Promise<Run>;
	finishRun(id: number, status: Exclude<RunStatus, 'running'>, options?: {reason?: string; endedAt?: Date; environment?: Partial<ExecutionEnvironment>}): Promise<void>;
	getRun(id: number): Promise<Run | undefined>;
	listRuns(options?: {release?: string; limit?: number; statuses?: readonly RunStatus[]}): Promise<Run[]>;

	/**
	 * Writes samples in one transaction (COPY on PostgreSQL, batched INSERT on PGlite).
	 * A sample already stored (same run, case, iteration and time) is not written twice, so a
	 * replayed spool lands exactly once. Returns the number of new rows.
	 */
	insertSamples(samples: readonly NewSample[]): Promise<number>;
	/**
	 * Flags these iterations of a run's case as outliers: a long case's samples are written while
	 * it runs, before its outliers can be known. Returns the number of rows changed.
	 */
	markSampleOutliers(runId: number, caseName: string, iterations: readonly number[]): Promise<number>;

	/**
	 * The stored summaries of some runs for one metric (default wall), by run and case. Every
	 * write of samples refreshes the summaries of the (run, case) pairs it touched, in its own
	 * transaction, so they always match the samples.
	 */
	getRunSummaries(runIds: readonly number[], metric?: SummaryMetric): Promise<RunCaseSummary[]>;
	/**
	 * Per case and way of measuring (suite, mode, resource limits), the per-release medians from
	 * the summaries, in release order (first run time). One query; raw samples are not read.
	 */
	getMedianSeries(query: MedianSeriesQuery): Promise<MedianSeries[]>;
	getSamples(query: SampleQuery): Promise<Sample[]>;
	/** How many samples a run has stored. */
	countSamples(runId: number): Promise<number>;
	/**
	 * One metric of the measured (not warmup), successful samples of some runs, per run and case,
	 * in the leanest form: what comparisons read (tens of thousands of rows per side).
	 * cpu is user + system µs; rss is peak bytes; samples without the metric are left out.
	 */
	getSampleValues(query: {readonly runIds: readonly number[]; readonly metric: 'wall' | 'cpu' | 'rss'}): Promise<Array<{runId: number; caseName: string; values: number[]}>>;

	/**
	 * The failed iterations (non-zero exit code, warmups included) of some runs, per run and case:
	 * how many, and the exit code of the first (by time). What `rqc compare` calls failing.
	 */
	getFailedIterations(query: {readonly runIds: readonly number[]}): Promise<Array<{runId: number; caseName: string; count: number; firstExitCode: number}>>;

	/**
	 * The median of one metric per run and case (measured, successful samples only), for every
	 * completed run matching the query: what a case's history across releases is made of.
	 */
	getCaseMedians(query: CaseMedianQuery): Promise<CaseMedian[]>;

	/** Per case of these runs: mean CPU over wall time, system share, peak RSS (matches a case to a calibration workload). */
	getCaseProfiles(runIds: readonly number[]): Promise<Map<string, CaseProfile>>;

	insertContainerSamples(samples: readonly ContainerSample[]): Promise<number>;
	getContainerSamples(runId: number): Promise<ContainerSample[]>;

	saveCalibration(calibration: NewCalibration): Promise<Calibration>;
	listCalibrations(): Promise<Calibration[]>;
	deleteCalibration(id: number): Promise<boolean>;

	/** Removes everything flagged as demo data; returns what was removed. */
	removeDemoData(): Promise<{releases: number; calibrations: number}>;

	close(): Promise<void>;
}
