/**
 * The one SQL implementation of Store. It runs on either driver (PGlite or PostgreSQL), so
 * both share every query; only bulk writes differ, inside the driver.
 */
import {UserError} from '../errors.js';
import {COPY_SCRIPT_ROWS, toArrayLiteral, type Driver, type Executor} from './driver.js';
import {summarizeValues, type ValueSummary} from '../stats/summary.js';
import {LATEST_SCHEMA_VERSION, migrations, SAMPLE_RETENTION_PATTERN, timescaleSetup} from './migrations.js';
import type {
	Calibration, CalibrationDetails, CaseProfile, ContainerSample, ExecutionEnvironment, ListedEnvironment, CaseMedian, CaseMedianQuery, MedianSeries, MedianSeriesQuery, NewCalibration, NewRun, NewSample, Release,
	ReleaseSummary, ReleaseWithRuns, Run, RunCaseSummary, RunMode, RunStatus, Sample, SampleQuery, StoreInfo, SummaryMetric,
} from './records.js';
import type {Store} from './store.js';

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const optDate = (v: unknown): Date | undefined => (v === null || v === undefined ? undefined : date(v));

function toRelease(row: Row): Release {
	return {id: num(row.id), name: String(row.name), createdAt: date(row.created_at), gitSha: optStr(row.git_sha), isDemo: Boolean(row.is_demo)};
}

function toRun(row: Row): Run {
	return {
		id: num(row.id),
		releaseId: num(row.release_id),
		releaseName: String(row.release_name),
		suite: String(row.suite),
		mode: row.mode as Run['mode'],
		status: row.status as RunStatus,
		statusReason: optStr(row.status_reason),
		startedAt: date(row.started_at),
		endedAt: optDate(row.ended_at),
		environment: (row.environment ?? {}) as ExecutionEnvironment,
		isDemo: Boolean(row.is_demo),
	};
}

function toSample(row: Row): Sample {
	return {
		runId: num(row.run_id),
		caseName: String(row.case_name),
		iteration: num(row.iteration),
		time: date(row.time),
		wallNs: num(row.wall_ns),
		userUs: optNum(row.user_us),
		systemUs: optNum(row.system_us),
		maxRssBytes: optNum(row.max_rss_bytes),
		exitCode: optNum(row.exit_code),
		isWarmup: Boolean(row.is_warmup),
		isOutlier: Boolean(row.is_outlier),
		metrics: (row.metrics ?? undefined) as Sample['metrics'],
	};
}

function toRunCaseSummary(row: Row): RunCaseSummary {
	const figure = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
	return {
		runId: num(row.run_id),
		caseName: String(row.case_name),
		metric: row.metric as SummaryMetric,
		sampleCount: num(row.sample_count),
		successCount: num(row.success_count),
		failureCount: num(row.failure_count),
		warmupCount: num(row.warmup_count),
		n: num(row.n),
		median: figure(row.median),
		medianLow: figure(row.median_low),
		medianHigh: figure(row.median_high),
		q1: figure(row.q1),
		q3: figure(row.q3),
		mean: figure(row.mean),
		stddev: figure(row.stddev),
		mad: figure(row.mad),
		min: figure(row.min),
		max: figure(row.max),
	};
}

function toCalibration(row: Row): Calibration {
	return {
		id: num(row.id),
		createdAt: date(row.created_at),
		hostFingerprint: String(row.host_fingerprint),
		image: String(row.image),
		engineVersion: String(row.engine_version),
		limits: (row.limits ?? {}) as Calibration['limits'],
		cases: (row.cases ?? {}) as Calibration['cases'],
		summary: (row.summary ?? {}) as Calibration['summary'],
		...(row.suite === null || row.suite === undefined ? {} : {suite: String(row.suite)}),
		...(row.release === null || row.release === undefined ? {} : {release: String(row.release)}),
		...(row.details === null || row.details === undefined ? {} : {details: row.details as CalibrationDetails}),
		isDemo: Boolean(row.is_demo),
	};
}

function toContainerSample(row: Row): ContainerSample {
	return {
		time: date(row.time),
		runId: optNum(row.run_id),
		containerId: String(row.container_id),
		name: String(row.name),
		cpuPercent: num(row.cpu_percent),
		memoryBytes: num(row.memory_bytes),
		memoryLimitBytes: optNum(row.memory_limit_bytes),
		netRxBytes: optNum(row.net_rx_bytes),
		netTxBytes: optNum(row.net_tx_bytes),
		blockReadBytes: optNum(row.block_read_bytes),
		blockWriteBytes: optNum(row.block_write_bytes),
		pids: optNum(row.pids),
	};
}

const RUN_SELECT = `SELECT r.*, rel.name AS release_name FROM runs r JOIN releases rel ON rel.id = r.release_id`;

export const SAMPLE_COLUMNS = [
	'run_id', 'case_name', 'iteration', 'time', 'wall_ns', 'user_us', 'system_us', 'max_rss_bytes',
	'exit_code', 'is_warmup', 'is_outlier', 'metrics',
] as const;

const CONTAINER_SAMPLE_COLUMNS = [
	'time', 'run_id', 'container_id', 'name', 'cpu_percent', 'memory_bytes', 'memory_limit_bytes',
	'net_rx_bytes', 'net_tx_bytes', 'block_read_bytes', 'block_write_bytes', 'pids',
] as const;

const int = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.round(v));

/** Each metric of a sample as SQL over `samples s`: cpu is user + system µs, rss peak bytes. */
const METRIC_EXPRESSIONS = {
	wall: 's.wall_ns',
	cpu: 'CASE WHEN s.user_us IS NULL AND s.system_us IS NULL THEN NULL ELSE coalesce(s.user_us, 0) + coalesce(s.system_us, 0) END',
	rss: 's.max_rss_bytes',
} as const;

const SUMMARY_METRICS: readonly SummaryMetric[] = ['wall', 'cpu', 'rss'];
const SUMMARY_COLUMNS = [
	'run_id', 'case_name', 'metric', 'sample_count', 'success_count', 'failure_count', 'warmup_count', 'n',
	'median', 'median_low', 'median_high', 'q1', 'q3', 'mean', 'stddev', 'mad', 'min', 'max',
] as const;
const SUMMARY_TYPES = ['bigint', 'text', 'text', 'integer', 'integer', 'integer', 'integer', 'integer', ...Array<string>(10).fill('float8')];
const SUMMARY_FIGURES: ReadonlyArray<keyof ValueSummary> = ['median', 'medianLow', 'medianHigh', 'q1', 'q3', 'mean', 'stddev', 'mad', 'min', 'max'];

/** Runs per statement when summaries are filled for a whole store. */
const FILL_RUN_BATCH = 100;

/** What a (run, case) pair's summaries are made of. */
interface PairValues {
	readonly runId: number;
	readonly caseName: string;
	all: number;
	warmups: number;
	failures: number;
	readonly values: Record<SummaryMetric, number[]>;
}

/**
 * Recomputes the summaries of some runs (every case) or of some (run, case) pairs from their
 * stored samples, inside the caller's transaction. Reads each pair's values once, joined server-side.
 */
async function refreshSummaries(tx: Executor, target: {runIds: readonly number[]; caseNames?: readonly string[]}): Promise<void> {
	if (target.runIds.length === 0) return;
	const ok = 'NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0)';
	const cpu = 'CASE WHEN s.user_us IS NULL AND s.system_us IS NULL THEN NULL ELSE coalesce(s.user_us, 0) + coalesce(s.system_us, 0) END';
	const from = target.caseNames
		? 'samples s JOIN unnest($1::bigint[], $2::text[]) AS p (run_id, case_name) ON p.run_id = s.run_id AND p.case_name = s.case_name'
		: 'samples s WHERE s.run_id = ANY($1::bigint[])';
	const rows = await tx.query<{run_id: number | string; case_name: string; n_all: number | string; n_warmup: number | string; n_failed: number | string; wall: string | null; cpu: string | null; rss: string | null}>(
		`SELECT s.run_id, s.case_name, count(*) AS n_all,
			count(*) FILTER (WHERE s.is_warmup) AS n_warmup,
			count(*) FILTER (WHERE NOT s.is_warmup AND s.exit_code IS NOT NULL AND s.exit_code <> 0) AS n_failed,
			string_agg(s.wall_ns::text, ',') FILTER (WHERE ${ok}) AS wall,
			string_agg((${cpu})::text, ',') FILTER (WHERE ${ok} AND (s.user_us IS NOT NULL OR s.system_us IS NOT NULL)) AS cpu,
			string_agg(s.max_rss_bytes::text, ',') FILTER (WHERE ${ok} AND s.max_rss_bytes IS NOT NULL) AS rss
		 FROM ${from}
		 GROUP BY s.run_id, s.case_name`,
		target.caseNames ? [[...target.runIds], [...target.caseNames]] : [[...target.runIds]],
	);
	const split = (text: string | null): number[] => (text ? text.split(',').map(Number) : []);
	await writeSummaries(tx, rows.map((row) => ({
		runId: num(row.run_id),
		caseName: row.case_name,
		all: num(row.n_all),
		warmups: num(row.n_warmup),
		failures: num(row.n_failed),
		values: {wall: split(row.wall), cpu: split(row.cpu), rss: split(row.rss)},
	})));
}

/** Each run's earliest and latest sample time in a batch, as ISO text (the statement casts them). */
type SampleBounds = ReadonlyMap<number, readonly [string, string]>;

function getBatchBounds(samples: readonly NewSample[]): SampleBounds {
	const times = new Map<number, [number, number]>();
	for (const s of samples) {
		const at = s.time.getTime();
		const range = times.get(s.runId);
		if (range) {
			range[0] = Math.min(range[0], at);
			range[1] = Math.max(range[1], at);
		} else {
			times.set(s.runId, [at, at]);
		}
	}

	return new Map([...times].map(([runId, [lo, hi]]) => [runId, [new Date(lo).toISOString(), new Date(hi).toISOString()]]));
}

/** Groups samples about to be written by (run, case), with the same rules as refreshSummaries. */
function groupNewSamples(samples: readonly NewSample[]): PairValues[] {
	const pairs = new Map<string, PairValues>();
	for (const s of samples) {
		const key = `${s.runId}\u0000${s.caseName}`;
		let pair = pairs.get(key);
		if (!pair) {
			pair = {runId: s.runId, caseName: s.caseName, all: 0, warmups: 0, failures: 0, values: {wall: [], cpu: [], rss: []}};
			pairs.set(key, pair);
		}

		pair.all++;
		if (s.isWarmup) {
			pair.warmups++;
			continue;
		}

		if (s.exitCode !== undefined && s.exitCode !== 0) {
			pair.failures++;
			continue;
		}

		pair.values.wall.push(s.wallNs);
		// As stored: integer columns hold rounded values.
		const user = int(s.userUs);
		const system = int(s.systemUs);
		if (user !== null || system !== null) pair.values.cpu.push((user ?? 0) + (system ?? 0));
		const rss = int(s.maxRssBytes);
		if (rss !== null) pair.values.rss.push(rss);
	}

	return [...pairs.values()];
}

/** The summary rows of some pairs (SUMMARY_COLUMNS' values): a wall row always, cpu and rss rows when they have values. */
function toSummaryRows(pairs: readonly PairValues[]): unknown[][] {
	const rows: unknown[][] = [];
	for (const pair of pairs) {
		for (const metric of SUMMARY_METRICS) {
			const summary = summarizeValues(pair.values[metric]);
			// The wall row always exists (it carries the counts of a case that only failed).
			if (!summary && metric !== 'wall') continue;
			rows.push([pair.runId, pair.caseName, metric, pair.all, pair.all - pair.warmups - pair.failures, pair.failures, pair.warmups, summary?.n ?? 0,
				...SUMMARY_FIGURES.map((key) => summary?.[key] ?? null)]);
		}
	}

	return rows;
}

/** The summary rows of some pairs as one array literal per column (SUMMARY_COLUMNS), for unnest. */
function toSummaryColumns(pairs: readonly PairValues[]): string[] {
	const rows = toSummaryRows(pairs);
	return SUMMARY_COLUMNS.map((_, i) => toArrayLiteral(rows.map((row) => row[i])));
}

const SUMMARY_PARAMS = SUMMARY_COLUMNS.map((_, i) => `$${i + 1}::${SUMMARY_TYPES[i]}[]`).join(', ');

/** Upserts the summary rows of some pairs, recounting their runs' samples. */
async function writeSummaries(tx: Executor, pairs: readonly PairValues[]): Promise<void> {
	if (pairs.length === 0) return;
	const columns = toSummaryColumns(pairs);
	const updates = SUMMARY_COLUMNS.slice(3).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
	// One statement: the rows, and the runs' sample counts (the cases it did not touch keep theirs).
	await tx.query(
		`WITH up AS (
			INSERT INTO run_case_summaries (${SUMMARY_COLUMNS.join(', ')})
			SELECT * FROM unnest(${SUMMARY_PARAMS})
			ON CONFLICT (run_id, case_name, metric) DO UPDATE SET ${updates}
			RETURNING run_id, case_name, metric, sample_count)
		UPDATE runs r SET sample_count =
			coalesce((SELECT sum(cs.sample_count) FROM run_case_summaries cs WHERE cs.run_id = r.id AND cs.metric = 'wall'
				AND NOT EXISTS (SELECT 1 FROM up WHERE up.run_id = cs.run_id AND up.case_name = cs.case_name)), 0)
			+ coalesce((SELECT sum(up.sample_count) FROM up WHERE up.run_id = r.id AND up.metric = 'wall'), 0)
		WHERE r.id IN (SELECT up.run_id FROM up)`,
		columns,
	);
}

/**
 * Writes the summaries of a batch whose every sample was just stored, in one statement: each
 * pair's rows from the batch when the pair has no wall row yet (its samples are all in the batch),
 * and the runs' sample counts raised by those pairs. Answers the batch's runs that do not exist
 * (nothing is written for them; the caller refuses the batch) and the pairs that had a wall row,
 * whose summaries the caller recomputes from the stored samples (a case written in two batches).
 * Such a pair may get a cpu or rss row from the batch here: the batch is stored, so the
 * recomputation has those values too and overwrites it. The same statement widens each run's
 * sample time range (first_sample_at, last_sample_at) to the batch's, duplicates included: a
 * range wider than the stored samples is still right, one narrower is not.
 */
async function writeBatchSummaries(tx: Executor, runIds: readonly number[], bounds: SampleBounds, columns: readonly string[]): Promise<{missing: number[]; stale: Array<{runId: number; caseName: string}>}> {
	const n = SUMMARY_COLUMNS.length;
	const [row] = await tx.query<{missing: Array<number | string>; stale_runs: Array<number | string>; stale_cases: string[]}>(
		`WITH batch AS (
			SELECT * FROM unnest(${SUMMARY_PARAMS}) AS b (${SUMMARY_COLUMNS.join(', ')})),
		known AS (SELECT r.id FROM runs r WHERE r.id = ANY($${n + 1}::bigint[]) FOR KEY SHARE),
		up AS (
			INSERT INTO run_case_summaries (${SUMMARY_COLUMNS.join(', ')})
			SELECT b.* FROM batch b JOIN known k ON k.id = b.run_id
			ON CONFLICT (run_id, case_name, metric) DO NOTHING
			RETURNING run_id, case_name, metric, sample_count),
		counted AS (
			UPDATE runs r SET sample_count = r.sample_count + coalesce(u.n, 0),
				first_sample_at = least(r.first_sample_at, t.lo), last_sample_at = greatest(r.last_sample_at, t.hi)
			FROM unnest($${n + 1}::bigint[], $${n + 2}::timestamptz[], $${n + 3}::timestamptz[]) AS t (id, lo, hi)
			LEFT JOIN (SELECT up.run_id, sum(up.sample_count) AS n FROM up WHERE up.metric = 'wall' GROUP BY up.run_id) u ON u.run_id = t.id
			WHERE r.id = t.id
			RETURNING r.id),
		stale AS (
			SELECT b.run_id, b.case_name FROM batch b JOIN known k ON k.id = b.run_id WHERE b.metric = 'wall'
			EXCEPT SELECT up.run_id, up.case_name FROM up WHERE up.metric = 'wall')
		SELECT m.missing, st.stale_runs, st.stale_cases
		FROM (SELECT coalesce(array_agg(id), '{}') AS missing FROM unnest($${n + 1}::bigint[]) AS m (id) WHERE m.id NOT IN (SELECT id FROM known)) m,
			(SELECT coalesce(array_agg(run_id ORDER BY run_id, case_name), '{}') AS stale_runs,
				coalesce(array_agg(case_name ORDER BY run_id, case_name), '{}') AS stale_cases FROM stale) st`,
		[...columns, [...runIds], runIds.map((id) => bounds.get(id)![0]), runIds.map((id) => bounds.get(id)![1])],
		// Once per batch of every run: parsed and planned once per connection.
		{name: 'rqc_batch_summaries'},
	);
	const staleRuns = row?.stale_runs ?? [];
	const staleCases = row?.stale_cases ?? [];
	return {
		missing: (row?.missing ?? []).map(num),
		stale: staleRuns.map((runId, i) => ({runId: num(runId), caseName: staleCases[i]!})),
	};
}

/** The error for samples whose runs do not exist (a foreign key's check, once per batch). */
function refuseUnknownRuns(missing: readonly number[]): Error {
	return new Error(`samples for runs that do not exist: ${missing.join(', ')}`);
}

/** ISO 8601 text as toISOString writes it: safe to put in a statement as a literal. */
const ISO_TEXT = /^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A batch of samples whose (run, case) pairs have no summaries yet (a nightly run writing a
 * finished case), in one round trip and a commit (issue 13, point 2): COPY the samples; COPY the
 * summaries, computed while the server stores the samples; add the batch to its runs' counts and
 * time bounds. A sample stored before (a replayed spool) or a pair with summaries already (a
 * second batch of a case) is a duplicate key (23505), thrown with all of it rolled back; a run
 * that does not exist leaves the runs' update short, and all of it is rolled back too (false).
 * The caller then takes the path that handles each case. Undefined, with nothing done, when the
 * batch cannot go this way (not PostgreSQL, too many rows).
 */
async function writeNewBatch(db: Driver, rows: ReadonlyArray<readonly unknown[]>, bounds: SampleBounds, pairs: readonly PairValues[]): Promise<boolean | undefined> {
	if (!db.copyScript || rows.length > COPY_SCRIPT_ROWS) return undefined;
	const counts = new Map<number, number>();
	for (const pair of pairs) counts.set(pair.runId, (counts.get(pair.runId) ?? 0) + pair.all);
	const values: string[] = [];
	for (const [runId, [first, last]] of bounds) {
		// Put in the statement's text: only what cannot be anything but a number or a time.
		if (!Number.isSafeInteger(runId) || !ISO_TEXT.test(first) || !ISO_TEXT.test(last)) return undefined;
		values.push(`(${runId}::bigint, ${counts.get(runId) ?? 0}::bigint, '${first}'::timestamptz, '${last}'::timestamptz)`);
	}

	return db.copyScript([
		{table: 'samples', columns: SAMPLE_COLUMNS, rows},
		{table: 'run_case_summaries', columns: SUMMARY_COLUMNS, rows: () => toSummaryRows(pairs)},
	], `UPDATE runs r SET sample_count = r.sample_count + t.n,
		first_sample_at = least(r.first_sample_at, t.lo), last_sample_at = greatest(r.last_sample_at, t.hi)
		FROM (VALUES ${values.join(', ')}) AS t (id, n, lo, hi) WHERE r.id = t.id`,
	// Every run of the batch exists (summaries have no foreign key to check it, issue 13).
	(updated) => updated === values.length);
}

/**
 * Writes a batch of samples and the summaries of every (run, case) it touched, in the caller's
 * transaction: from the batch itself when it is all the pair has (a run writing a finished case,
 * an import), else recomputed from the stored samples (a spool replay, a second batch).
 */
async function writeSampleBatch(tx: Executor, rows: ReadonlyArray<readonly unknown[]>, runIds: readonly number[], bounds: SampleBounds, pairs: readonly PairValues[], duplicates: 'skip' | 'throw'): Promise<number> {
	// The batch's summaries are computed while the server stores its samples.
	let columns: string[] | undefined;
	const written = await tx.bulkInsert('samples', SAMPLE_COLUMNS, rows, {duplicates, whileWriting() {
		columns = toSummaryColumns(pairs);
	}});
	// Some rows were duplicates: the batch's figures are not the pairs' figures.
	const isAllNew = written === rows.length;
	const {missing, stale} = await writeBatchSummaries(tx, runIds, bounds, isAllNew ? columns ?? toSummaryColumns(pairs) : toSummaryColumns([]));
	if (missing.length > 0) throw refuseUnknownRuns(missing);
	const again = isAllNew ? stale : pairs;
	if (again.length > 0) await refreshSummaries(tx, {runIds: again.map((p) => p.runId), caseNames: again.map((p) => p.caseName)});
	return written;
}

/** Fills the summaries of every stored run (the migration that adds them, on a store with history). */
async function fillSummaries(tx: Executor): Promise<void> {
	const runs = await tx.query<{id: number | string}>('SELECT id FROM runs ORDER BY id');
	for (let start = 0; start < runs.length; start += FILL_RUN_BATCH) {
		await refreshSummaries(tx, {runIds: runs.slice(start, start + FILL_RUN_BATCH).map((r) => num(r.id))});
	}
}

/** The interval of RQC_SAMPLE_RETENTION, or undefined (keep raw samples); a UserError when malformed. */
export function parseSampleRetention(text: string | undefined): string | undefined {
	if (text === undefined || text.trim() === '' || /^(off|none|keep|never)$/i.test(text.trim())) return undefined;
	const match = SAMPLE_RETENTION_PATTERN.exec(text);
	if (!match || Number(match[1]) <= 0) {
		throw new UserError(`RQC_SAMPLE_RETENTION="${text}" is not a retention period`, 'give a count and a unit such as "730 days" or "2 years", or unset it to keep every raw sample');
	}

	return `${Number(match[1])} ${match[2]!.toLowerCase()}`;
}

/**
 * Makes the samples retention job match the opt-in: none unless asked for (an older rqc set
 * 730 days). Summaries have no retention, so history outlives dropped raw samples.
 */
async function applySampleRetention(tx: Executor, retention: string | undefined): Promise<void> {
	const jobs = await tx.query<{drop_after: string | null}>(
		`SELECT config->>'drop_after' AS drop_after FROM timescaledb_information.jobs
		 WHERE proc_name = 'policy_retention' AND hypertable_name = 'samples'`);
	const current = jobs[0]?.drop_after ?? undefined;
	if (retention === undefined) {
		if (jobs.length > 0) await tx.exec("SELECT remove_retention_policy('samples', if_exists => true)");
		return;
	}

	const [same] = await tx.query<{same: boolean}>('SELECT $1::interval = $2::interval AS same', [current ?? null, retention]);
	if (current !== undefined && same?.same) return;
	if (jobs.length > 0) await tx.exec("SELECT remove_retention_policy('samples', if_exists => true)");
	await tx.query("SELECT add_retention_policy('samples', $1::interval)", [retention]);
}

/**
 * Whether opening has nothing to do: every migration applied and, where TimescaleDB is in use,
 * the samples retention as asked. One query (two on TimescaleDB), no lock and no DDL, so a
 * command that only reads starts quickly (issue 13, point 2). Undefined when the full path
 * must run (a new or older database, a newer one, TimescaleDB to set up or retention to change).
 */
async function checkCurrentSchema(driver: Driver, retention: string | undefined): Promise<{hasTimescale: boolean} | undefined> {
	let row: {versions: string | null; preloaded: boolean; available: boolean; installed: boolean} | undefined;
	try {
		// pg_available_extensions reads every extension's control file: only asked when preloaded.
		// A preloaded TimescaleDB's loader defines its settings: current_setting(…, true) looks one
		// up (NULL when undefined) where pg_settings builds every setting's row, about 1 ms of each
		// command's start (issue 13, point 2).
		[row] = await driver.query(`WITH s AS MATERIALIZED (SELECT current_setting('timescaledb.bgw_launcher_poll_time', true) IS NOT NULL AS preloaded)
			SELECT (SELECT array_agg(version ORDER BY version) FROM schema_migrations)::text AS versions, preloaded,
				preloaded AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
				EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed
			FROM s`);
	} catch {
		// No schema_migrations table yet (a new database): the full path creates it (and reports
		// any other failure).
		return undefined;
	}

	const applied = String(row?.versions ?? '{}').replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
	if (applied.length !== migrations.length || migrations.some((m, i) => applied[i] !== m.version)) return undefined;
	if (driver.kind !== 'postgres' || !row?.available || !row.preloaded) return {hasTimescale: false};
	if (!row.installed) return undefined;
	const [job] = await driver.query<{same: boolean | null}>(
		`SELECT $1::interval = (config->>'drop_after')::interval AS same FROM timescaledb_information.jobs
		 WHERE proc_name = 'policy_retention' AND hypertable_name = 'samples'`, [retention ?? null]);
	const isRetentionAsAsked = retention === undefined ? job === undefined : job?.same === true;
	return isRetentionAsAsked ? {hasTimescale: true} : undefined;
}

/** Applies pending migrations (and TimescaleDB features when available). Returns the schema version. */
export async function migrate(driver: Driver, options: {sampleRetention?: string} = {}): Promise<{version: number; hasTimescale: boolean}> {
	const retention = parseSampleRetention(options.sampleRetention);
	const current = await checkCurrentSchema(driver, retention);
	if (current) return {version: LATEST_SCHEMA_VERSION, ...current};
	await driver.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
	let hasTimescale = false;
	let hasApplied = false;
	await driver.transaction(async (tx) => {
		// Two rqc processes connecting at once must not both migrate.
		if (driver.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7413901)');
		const applied = new Set((await tx.query<{version: number}>('SELECT version FROM schema_migrations')).map((r) => num(r.version)));
		const newest = Math.max(0, ...applied);
		if (newest > LATEST_SCHEMA_VERSION) {
			throw new UserError(`the database schema is version ${newest}, newer than this rqc understands (${LATEST_SCHEMA_VERSION})`,
				'upgrade rqc, or point it at another database');
		}

		let hasAppliedNow = false;
		for (const migration of migrations) {
			if (applied.has(migration.version)) continue;
			hasAppliedNow = true;
			await tx.exec(migration.sql);
			if (migration.fillsSummaries) await fillSummaries(tx);
			await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
		}

		hasApplied = hasAppliedNow;
	});
	// Outside the schema's transaction: a TimescaleDB that cannot be used leaves plain tables,
	// never a failed open (issue 11, point 8).
	if (driver.kind === 'postgres') hasTimescale = await setUpTimescale(driver, hasApplied, retention);
	return {version: LATEST_SCHEMA_VERSION, hasTimescale};
}

/** Whether the server offers TimescaleDB, the database has it, and the server preloads it. */
export interface TimescaleState {
	readonly available: boolean;
	readonly installed: boolean;
	readonly preloaded: boolean;
}

async function getTimescaleState(db: Executor): Promise<TimescaleState> {
	const [row] = await db.query<TimescaleState>(`SELECT
		EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
		EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed,
		-- A preloaded TimescaleDB's loader registers its settings (readable by any role, NULL when
		-- undefined); shared_preload_libraries is readable only by superusers.
		current_setting('timescaledb.bgw_launcher_poll_time', true) IS NOT NULL AS preloaded`);
	return {available: Boolean(row?.available), installed: Boolean(row?.installed), preloaded: Boolean(row?.preloaded)};
}

/**
 * Hypertables and policies, set up once and again whenever the schema changed, when the extension
 * can be used. Installed but not preloaded (common right after installing the package) is not
 * tried: CREATE EXTENSION would fail FATAL and drop the connection. Any other failure is rolled
 * back and leaves plain tables. The opt-in sample retention is applied on every open. Returns
 * whether TimescaleDB is in use.
 */
async function setUpTimescale(driver: Driver, hasSchemaChanged: boolean, retention: string | undefined): Promise<boolean> {
	const state = await getTimescaleState(driver);
	if (!state.available || !state.preloaded) return false;
	try {
		await driver.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock(7413901)');
			if (!state.installed || hasSchemaChanged) await tx.exec(timescaleSetup);
			// Raw samples are kept unless the user opted into retention (RQC_SAMPLE_RETENTION).
			await applySampleRetention(tx, retention);
		});
		return true;
	} catch {
		// Plain tables work; `rqc doctor` says what is wrong with the extension.
		return state.installed;
	}
}

/** What `rqc doctor` says when TimescaleDB is on the server but not in use; undefined otherwise. Pure. */
export function describeTimescaleProblem(state: TimescaleState): string | undefined {
	if (!state.available || (state.installed && state.preloaded)) return undefined;
	if (!state.preloaded) {
		return 'TimescaleDB is installed but not preloaded (plain tables meanwhile): add shared_preload_libraries = \'timescaledb\' to postgresql.conf and restart PostgreSQL';
	}

	return 'TimescaleDB is preloaded but CREATE EXTENSION timescaledb failed (plain tables meanwhile): run it in psql to see why';
}

/** ISO 8601 UTC text with milliseconds, truncated as the drivers' Date parsing truncates microseconds. */
const ISO_MS = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The fields of a run's environment the listing describes (ListedEnvironment), as four plain
 * values of the run's tuple: a recorded run's whole environment is 250-750 bytes of JSON, and
 * sending and parsing 3,000 of them cost `rqc releases` about 20 ms for nothing it shows; built
 * into a JSON object per run on the server they cost 7 ms there (issue 13, point 2).
 */
const LISTED_ENVIRONMENT = "environment->>'runtime', environment->>'image', environment->'limits'->'cpus', environment->'limits'->'memoryBytes'";

/** A run's listed environment from the four values of its tuple, with only the fields it has. Pure. */
function toListedEnvironment(runtime: ListedEnvironment['runtime'] | null, image: string | null, cpus: number | null, memoryBytes: number | null): ListedEnvironment {
	const limits = cpus === null && memoryBytes === null ? undefined : {...(cpus === null ? {} : {cpus}), ...(memoryBytes === null ? {} : {memoryBytes})};
	return {...(runtime === null ? {} : {runtime}), ...(image === null ? {} : {image}), ...(limits === undefined ? {} : {limits})};
}

/** What listReleasesWithRuns reads (exported for the performance script's psql peer). */
export const RELEASES_WITH_RUNS_SQL = `SELECT
	(SELECT coalesce(json_agg(json_build_array(id, name, ${ISO_MS('created_at')}, git_sha, is_demo)
		ORDER BY created_at, id), '[]') FROM releases)::text AS releases,
	(SELECT coalesce(json_agg(json_build_array(release_id, id, suite, mode, status, ${LISTED_ENVIRONMENT}, ${ISO_MS('started_at')}, sample_count)
		ORDER BY started_at DESC, id DESC), '[]') FROM runs)::text AS runs`;

/** The earliest and latest sample time of some runs, as the server's text. */
interface SampleTimeRange {
	readonly first: string;
	readonly last: string;
}

/**
 * The condition that bounds a raw-sample query on runs' samples by their time range, in the two
 * parameters after the query's own `before` ones ($2 and $3 after a list of run ids).
 */
function timeBound(range: SampleTimeRange | undefined, before = 1): string {
	return range ? ` AND s.time BETWEEN $${before + 1}::timestamptz AND $${before + 2}::timestamptz` : '';
}

/** A raw-sample query's parameters, and the time range's after them when there is one. */
function withTimeRange(params: readonly unknown[], range: SampleTimeRange | undefined): unknown[] {
	return range ? [...params, range.first, range.last] : [...params];
}

export class SqlStore implements Store {
	readonly driver: 'pglite' | 'postgres';

	constructor(
		private readonly db: Driver,
		private readonly executor: Executor = db,
		private readonly isInTransaction = false,
	) {
		this.driver = db.kind;
	}

	async getInfo(): Promise<StoreInfo> {
		const [version] = await this.executor.query<{v: number | null}>('SELECT max(version) AS v FROM schema_migrations');
		const [server] = await this.executor.query<{v: string}>('SELECT current_setting(\'server_version\') AS v');
		const timescale = await this.executor.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
		const timescaleProblem = this.db.kind === 'postgres' ? describeTimescaleProblem(await getTimescaleState(this.executor)) : undefined;
		return {
			...(timescaleProblem === undefined ? {} : {timescaleProblem}),
			driver: this.db.kind,
			location: this.db.location,
			schemaVersion: num(version?.v ?? 0),
			latestSchemaVersion: LATEST_SCHEMA_VERSION,
			hasTimescale: timescale.length > 0,
			serverVersion: String(server?.v ?? 'unknown'),
		};
	}

	async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
		if (this.isInTransaction) return fn(this);
		return this.db.transaction(async (tx) => fn(new SqlStore(this.db, tx, true)));
	}

	async ensureRelease(name: string, options: {gitSha?: string; isDemo?: boolean} = {}): Promise<Release> {
		const rows = await this.executor.query<Row>(
			`INSERT INTO releases (name, git_sha, is_demo) VALUES ($1, $2, $3)
			 ON CONFLICT (name) DO UPDATE SET git_sha = COALESCE(releases.git_sha, EXCLUDED.git_sha)
			 RETURNING *`,
			[name, options.gitSha ?? null, options.isDemo ?? false],
		);
		return toRelease(rows[0]!);
	}

	async getRelease(name: string): Promise<Release | undefined> {
		const rows = await this.executor.query<Row>('SELECT * FROM releases WHERE name = $1', [name]);
		return rows[0] ? toRelease(rows[0]) : undefined;
	}

	async listReleases(): Promise<ReleaseSummary[]> {
		// Sample counts are kept on each run with its summaries: no sample (or summary) scan.
		const rows = await this.executor.query<Row>(`
			WITH run_facts AS (
				SELECT r.release_id, count(*) AS run_count, sum(r.sample_count) AS sample_count, max(r.started_at) AS last_run_at,
					array_agg(DISTINCT r.suite) AS suites, array_agg(DISTINCT r.mode) AS modes
				FROM runs r GROUP BY r.release_id)
			SELECT rel.*, coalesce(rf.run_count, 0) AS run_count, coalesce(rf.sample_count, 0) AS sample_count,
				coalesce(rf.suites, '{}') AS suites, coalesce(rf.modes, '{}') AS modes, rf.last_run_at
			FROM releases rel
			LEFT JOIN run_facts rf ON rf.release_id = rel.id
			ORDER BY rel.created_at, rel.id`);
		return rows.map((row) => ({
			...toRelease(row),
			runCount: num(row.run_count),
			sampleCount: num(row.sample_count),
			suites: [...(row.suites as string[])].sort(),
			modes: [...(row.modes as ReleaseSummary['modes'])].sort(),
			lastRunAt: optDate(row.last_run_at),
		}));
	}

	async listReleasesWithRuns(options: {runLimit?: number} = {}): Promise<ReleaseWithRuns[]> {
		// Two JSON texts in one row, each one sorted aggregate: parsing two strings is far cheaper
		// for a process that starts, lists and exits than thousands of rows of typed columns, and
		// the per-release counts are one pass over the runs here (issue 13, point 2). Times come as
		// the server's ISO text, which sorts as the times do.
		const [row] = await this.executor.query<{releases: string; runs: string}>(RELEASES_WITH_RUNS_SQL);
		type ReleaseTuple = [number, string, string, string | null, boolean];
		type RunTuple = [number, number, string, RunMode, RunStatus, ListedEnvironment['runtime'] | null, string | null, number | null, number | null, string, number];
		interface Facts {runCount: number; sampleCount: number; suites: Set<string>; modes: Set<RunMode>; lastRunAt: string; runs: ReleaseWithRuns['runs'][number][]}
		const limit = options.runLimit ?? 1000;
		const byRelease = new Map<number, Facts>();
		// Runs share a few environments: one object for each (no thousands of equal ones to collect).
		const environments = new Map<string, ListedEnvironment>();
		const runs = JSON.parse(row?.runs ?? '[]') as RunTuple[];
		for (let i = 0; i < runs.length; i++) {
			const [releaseId, id, suite, mode, status, runtime, image, cpus, memoryBytes, startedAt, sampleCount] = runs[i]!;
			let facts = byRelease.get(releaseId);
			if (!facts) byRelease.set(releaseId, facts = {runCount: 0, sampleCount: 0, suites: new Set(), modes: new Set(), lastRunAt: startedAt, runs: []});
			facts.runCount++;
			facts.sampleCount += sampleCount;
			facts.suites.add(suite);
			facts.modes.add(mode);
			if (startedAt > facts.lastRunAt) facts.lastRunAt = startedAt;
			// The newest runs of the whole store, as listRuns({limit}) gives them.
			if (i >= limit) continue;
			// NUL cannot occur in PostgreSQL text, so no image name can make two keys meet.
			const key = `${runtime}\u0000${image}\u0000${cpus}\u0000${memoryBytes}`;
			let environment = environments.get(key);
			if (!environment) environments.set(key, environment = toListedEnvironment(runtime, image, cpus, memoryBytes));
			facts.runs.push({id, suite, mode, status, environment, startedAt});
		}

		return (JSON.parse(row?.releases ?? '[]') as ReleaseTuple[]).map(([id, name, createdAt, gitSha, isDemo]) => {
			const facts = byRelease.get(id);
			return {
				id,
				name,
				createdAt,
				gitSha: gitSha ?? undefined,
				isDemo,
				runCount: facts?.runCount ?? 0,
				sampleCount: facts?.sampleCount ?? 0,
				suites: [...facts?.suites ?? []].sort(),
				modes: [...facts?.modes ?? []].sort(),
				lastRunAt: facts?.lastRunAt,
				runs: facts?.runs ?? [],
			};
		});
	}

	async getRunSummaries(runIds: readonly number[], metric: SummaryMetric = 'wall'): Promise<RunCaseSummary[]> {
		if (runIds.length === 0) return [];
		const rows = await this.executor.query<Row>(
			'SELECT * FROM run_case_summaries WHERE run_id = ANY($1::bigint[]) AND metric = $2 ORDER BY run_id, case_name',
			[[...runIds], metric]);
		return rows.map(toRunCaseSummary);
	}

	async getMedianSeries(query: MedianSeriesQuery): Promise<MedianSeries[]> {
		// One row per (case, suite, mode, limits, release); a release's runs of the same series are
		// pooled as the median of their medians, the interval their widest.
		const rows = await this.executor.query<Row>(
			`SELECT cs.case_name, r.suite, r.mode, coalesce(r.environment->'limits', '{}'::jsonb)::text AS limits,
				rel.name AS release, min(r.started_at) AS first_run_at, count(*) AS run_count, sum(cs.n) AS n,
				percentile_cont(0.5) WITHIN GROUP (ORDER BY cs.median) AS median,
				min(cs.median_low) AS low, max(cs.median_high) AS high
			 FROM run_case_summaries cs
			 JOIN runs r ON r.id = cs.run_id
			 JOIN releases rel ON rel.id = r.release_id
			 WHERE cs.metric = $1 AND cs.n > 0 AND r.status = ANY($5::text[])
			   AND ($2::text IS NULL OR cs.case_name = $2)
			   AND ($3::text IS NULL OR r.suite = $3)
			   AND ($4::text IS NULL OR r.mode = $4)
			 GROUP BY cs.case_name, r.suite, r.mode, 4, rel.id, rel.name
			 ORDER BY cs.case_name, r.suite, r.mode, 4, min(r.started_at), rel.id`,
			[query.metric ?? 'wall', query.caseName ?? null, query.suite ?? null, query.mode ?? null, [...(query.statuses ?? ['completed', 'aborted'])]],
		);
		const series: MedianSeries[] = [];
		let current: {caseName: string; suite: string; mode: Run['mode']; limits: string; points: MedianSeries['points'][number][]} | undefined;
		for (const row of rows) {
			const limits = String(row.limits);
			if (!current || current.caseName !== row.case_name || current.suite !== row.suite || current.mode !== row.mode || current.limits !== limits) {
				current = {caseName: String(row.case_name), suite: String(row.suite), mode: row.mode as Run['mode'], limits, points: []};
				series.push({caseName: current.caseName, suite: current.suite, mode: current.mode, limits: JSON.parse(limits) as MedianSeries['limits'], points: current.points});
			}

			current.points.push({
				release: String(row.release),
				firstRunAt: date(row.first_run_at),
				runCount: num(row.run_count),
				n: num(row.n),
				median: num(row.median),
				low: num(row.low),
				high: num(row.high),
			});
		}

		return series;
	}

	async deleteRelease(name: string): Promise<boolean> {
		return this.transaction(async (store) => {
			const {executor} = store as SqlStore;
			// samples and summaries have no foreign key (see the migrations): their rows go first, by hand.
			const runs = 'SELECT r.id FROM runs r JOIN releases rel ON rel.id = r.release_id WHERE rel.name = $1';
			// The runs first, locked: a batch being written for one of them (which holds its run
			// FOR KEY SHARE, as a foreign key would) commits before its rows are deleted below.
			await executor.query(`${runs} FOR UPDATE OF r`, [name]);
			await executor.query(`DELETE FROM samples WHERE run_id IN (${runs})`, [name]);
			await executor.query(`DELETE FROM run_case_summaries WHERE run_id IN (${runs})`, [name]);
			const rows = await executor.query('DELETE FROM releases WHERE name = $1 RETURNING id', [name]);
			return rows.length > 0;
		});
	}

	async createRun(run: NewRun): Promise<Run> {
		// The release (as ensureRelease) and the run in one statement: one round trip, no
		// transaction of its own (issue 13: a nightly run's every write counts).
		const rows = await this.executor.query<Row>(
			`WITH rel AS (
				INSERT INTO releases (name, git_sha, is_demo) VALUES ($1, $2, $3)
				ON CONFLICT (name) DO UPDATE SET git_sha = COALESCE(releases.git_sha, EXCLUDED.git_sha)
				RETURNING id)
			INSERT INTO runs (release_id, suite, mode, status, started_at, ended_at, environment, is_demo)
			VALUES ((SELECT id FROM rel), $4, $5, $6, $7, $8, $9, $3) RETURNING *, $1::text AS release_name`,
			[run.release, run.gitSha ?? null, run.isDemo ?? false, run.suite, run.mode, run.status ?? 'running', run.startedAt ?? new Date(), run.endedAt ?? null,
				JSON.stringify(run.environment)],
		);
		return toRun(rows[0]!);
	}

	async finishRun(id: number, status: Exclude<RunStatus, 'running'>, options: {reason?: string; endedAt?: Date; environment?: Partial<ExecutionEnvironment>} = {}): Promise<void> {
		await this.executor.query(
			`UPDATE runs SET status = $2, status_reason = $3, ended_at = $4, environment = environment || $5::jsonb WHERE id = $1`,
			[id, status, options.reason ?? null, options.endedAt ?? new Date(), JSON.stringify(options.environment ?? {})],
		);
	}

	async getRun(id: number): Promise<Run | undefined> {
		const rows = await this.executor.query<Row>(`${RUN_SELECT} WHERE r.id = $1`, [id]);
		return rows[0] ? toRun(rows[0]) : undefined;
	}

	async listRuns(options: {release?: string; limit?: number; statuses?: readonly RunStatus[]} = {}): Promise<Run[]> {
		const rows = await this.executor.query<Row>(
			`${RUN_SELECT}
			 WHERE ($1::text IS NULL OR rel.name = $1) AND ($2::text[] IS NULL OR r.status = ANY($2::text[]))
			 ORDER BY r.started_at DESC, r.id DESC LIMIT $3`,
			[options.release ?? null, options.statuses ? [...options.statuses] : null, options.limit ?? 1000],
		);
		return rows.map(toRun);
	}

	async insertSamples(samples: readonly NewSample[]): Promise<number> {
		if (samples.length === 0) return 0;
		const rows = samples.map((s) => [
			s.runId, s.caseName, s.iteration, s.time, s.wallNs, int(s.userUs), int(s.systemUs), int(s.maxRssBytes),
			s.exitCode ?? null, s.isWarmup ?? false, s.isOutlier ?? false, s.metrics ? JSON.stringify(s.metrics) : null,
		]);
		const runIds = [...new Set(samples.map((s) => s.runId))];
		const pairs = groupNewSamples(samples);
		const bounds = getBatchBounds(samples);
		if (!this.isInTransaction) {
			// A nightly run's batch, in a transaction of its own. On PostgreSQL, one round trip and
			// a commit (writeNewBatch). Else COPY with no SAVEPOINT and no check before it, then one
			// statement for the summaries that also finds unknown runs (four round trips with BEGIN
			// and COMMIT). A duplicate (a replayed spool, a second batch of a case) or an unknown
			// run rolls all of it back; then again below, which handles each.
			try {
				const isWritten = await writeNewBatch(this.db, rows, bounds, pairs);
				if (isWritten) return rows.length;
				if (isWritten === undefined) return await this.db.transaction(async (tx) => writeSampleBatch(tx, rows, runIds, bounds, pairs, 'throw'));
			} catch (error) {
				if ((error as {code?: string}).code !== '23505') throw error;
			}
		}

		return this.inTransaction(async (tx) => {
			// In a caller's transaction (an import) nothing may be written for an unknown run, even
			// for a caller that goes on after the error: check first, once per batch.
			const known = await tx.query<{id: number | string}>('SELECT id FROM runs WHERE id = ANY($1::bigint[])', [runIds]);
			const missing = runIds.filter((id) => !known.some((row) => num(row.id) === id));
			if (missing.length > 0) throw refuseUnknownRuns(missing);
			return writeSampleBatch(tx, rows, runIds, bounds, pairs, 'skip');
		});
	}

	async markSampleOutliers(runId: number, caseName: string, iterations: readonly number[]): Promise<number> {
		if (iterations.length === 0) return 0;
		const rows = await this.executor.query<{n: number}>(
			`WITH flagged AS (UPDATE samples SET is_outlier = true WHERE run_id = $1 AND case_name = $2 AND iteration = ANY($3::int[]) RETURNING 1)
			 SELECT count(*)::int AS n FROM flagged`,
			[runId, caseName, [...iterations]],
		);
		return num(rows[0]?.n ?? 0);
	}

	async getSamples(query: SampleQuery): Promise<Sample[]> {
		const release = await this.getRelease(query.release);
		if (!release) throw new UserError(`unknown release "${query.release}"`, 'see the known ones with rqc releases');
		const runIds = query.runIds ? [...query.runIds] : null;
		const statuses = [...(query.statuses ?? ['completed', 'aborted'])];
		const range = await this.getSampleTimeRange(
			'r.release_id = $1 AND ($2::text IS NULL OR r.suite = $2) AND ($3::bigint[] IS NULL OR r.id = ANY($3::bigint[])) AND r.status = ANY($4::text[])',
			[release.id, query.suite ?? null, runIds, statuses]);
		if (range === 'none') return [];
		const params = [release.id, query.suite ?? null, query.caseName ?? null, runIds, query.includeWarmup ?? false, statuses];
		const rows = await this.executor.query<Row>(
			`SELECT s.* FROM samples s JOIN runs r ON r.id = s.run_id
			 WHERE r.release_id = $1
			   AND ($2::text IS NULL OR r.suite = $2)
			   AND ($3::text IS NULL OR s.case_name = $3)
			   AND ($4::bigint[] IS NULL OR r.id = ANY($4::bigint[]))
			   AND ($5::boolean OR NOT s.is_warmup)
			   AND r.status = ANY($6::text[])${timeBound(range, params.length)}
			 ORDER BY s.case_name, s.run_id, s.iteration, s.time`,
			withTimeRange(params, range),
		);
		return rows.map(toSample);
	}

	async getSampleValues(query: {readonly runIds: readonly number[]; readonly metric: 'wall' | 'cpu' | 'rss'}): Promise<Array<{runId: number; caseName: string; values: number[]}>> {
		if (query.runIds.length === 0) return [];
		const expression = METRIC_EXPRESSIONS[query.metric];
		const range = await this.getRunsSampleTimeRange(query.runIds);
		if (range === 'none') return [];
		// One row per run and case with the values joined server-side: far fewer rows to parse.
		const rows = await this.executor.query<{run_id: number | string; case_name: string; v: string}>(
			`SELECT s.run_id, s.case_name, string_agg((${expression})::text, ',') AS v
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0) AND (${expression}) IS NOT NULL${timeBound(range)}
			 GROUP BY s.run_id, s.case_name ORDER BY s.case_name, s.run_id`,
			withTimeRange([[...query.runIds]], range),
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, values: row.v.split(',').map(Number)}));
	}

	async getFailedIterations(query: {readonly runIds: readonly number[]}): Promise<Array<{runId: number; caseName: string; count: number; firstExitCode: number}>> {
		if (query.runIds.length === 0) return [];
		const range = await this.getRunsSampleTimeRange(query.runIds);
		if (range === 'none') return [];
		const rows = await this.executor.query<{run_id: number | string; case_name: string; n: number | string; first: number | string}>(
			`SELECT s.run_id, s.case_name, count(*) AS n, (array_agg(s.exit_code ORDER BY s.time, s.iteration))[1] AS first
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND s.exit_code IS NOT NULL AND s.exit_code <> 0${timeBound(range)}
			 GROUP BY s.run_id, s.case_name ORDER BY s.case_name, s.run_id`,
			withTimeRange([[...query.runIds]], range),
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, count: num(row.n), firstExitCode: num(row.first)}));
	}

	async getCaseMedians(query: CaseMedianQuery): Promise<CaseMedian[]> {
		// From the summaries (issue 13): one row per run and case, never the raw samples.
		const rows = await this.executor.query<{run_id: number | string; case_name: string; median: number | string; n: number | string}>(
			`SELECT cs.run_id, cs.case_name, cs.median, cs.n
			 FROM run_case_summaries cs JOIN runs r ON r.id = cs.run_id
			 WHERE r.status = 'completed' AND cs.metric = $4 AND cs.median IS NOT NULL
			   AND ($1::text IS NULL OR r.suite = $1) AND ($2::text IS NULL OR cs.case_name = $2) AND ($3::text IS NULL OR r.mode = $3)`,
			[query.suite ?? null, query.caseName ?? null, query.mode ?? null, query.metric],
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, median: Number(row.median), count: num(row.n)}));
	}

	async getCaseProfiles(runIds: readonly number[]): Promise<Map<string, CaseProfile>> {
		const profiles = new Map<string, CaseProfile>();
		if (runIds.length === 0) return profiles;
		const range = await this.getRunsSampleTimeRange(runIds);
		if (range === 'none') return profiles;
		const rows = await this.executor.query<{case_name: string; wall: string | number | null; user_us: string | number | null; system_us: string | number | null; rss: string | number | null}>(
			`SELECT s.case_name, avg(s.wall_ns) AS wall, avg(coalesce(s.user_us, 0)) AS user_us, avg(coalesce(s.system_us, 0)) AS system_us, max(s.max_rss_bytes) AS rss
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0)
			   AND s.wall_ns IS NOT NULL AND (s.user_us IS NOT NULL OR s.system_us IS NOT NULL)${timeBound(range)}
			 GROUP BY s.case_name`,
			withTimeRange([[...runIds]], range),
		);
		for (const row of rows) {
			const wallUs = Number(row.wall) / 1000;
			const user = Number(row.user_us);
			const system = Number(row.system_us);
			if (!(wallUs > 0) || !(user + system > 0)) continue;
			profiles.set(row.case_name, {cpuPerWall: (user + system) / wallUs, systemShare: system / (user + system), peakRssBytes: Number(row.rss ?? 0)});
		}

		return profiles;
	}

	/** The sample time range of some runs: see getSampleTimeRange. */
	private async getRunsSampleTimeRange(runIds: readonly number[]): Promise<SampleTimeRange | 'none' | undefined> {
		return this.getSampleTimeRange('r.id = ANY($1::bigint[])', [[...runIds]]);
	}

	/**
	 * The time range of the samples of the runs that match a condition on `runs r` (issue 13): one
	 * small query on runs, so the raw-sample query that follows bounds samples.time with literal
	 * parameters and TimescaleDB plans only the chunks that hold them (planning every chunk of a
	 * compressed store took over a second). 'none' when the runs have no samples; undefined when a
	 * run with samples has no recorded range (the query then goes without a bound).
	 */
	private async getSampleTimeRange(condition: string, params: readonly unknown[]): Promise<SampleTimeRange | 'none' | undefined> {
		// As text: a Date would drop the microseconds of a sample stored by another client.
		const [row] = await this.executor.query<{first: string | null; last: string | null; unknown: boolean | null}>(
			`SELECT min(r.first_sample_at)::text AS first, max(r.last_sample_at)::text AS last,
				bool_or(r.first_sample_at IS NULL AND r.sample_count > 0) AS unknown
			 FROM runs r WHERE ${condition}`,
			[...params],
		);
		if (!row || row.unknown) return undefined;
		return row.first === null || row.last === null ? 'none' : {first: row.first, last: row.last};
	}

	async countSamples(runId: number): Promise<number> {
		const [row] = await this.executor.query<{n: number}>('SELECT count(*) AS n FROM samples WHERE run_id = $1', [runId]);
		return num(row?.n ?? 0);
	}

	async insertContainerSamples(samples: readonly ContainerSample[]): Promise<number> {
		if (samples.length === 0) return 0;
		const rows = samples.map((s) => [
			s.time, s.runId ?? null, s.containerId, s.name, s.cpuPercent, int(s.memoryBytes), int(s.memoryLimitBytes),
			int(s.netRxBytes), int(s.netTxBytes), int(s.blockReadBytes), int(s.blockWriteBytes), int(s.pids),
		]);
		return this.inTransaction((tx) => tx.bulkInsert('container_samples', CONTAINER_SAMPLE_COLUMNS, rows));
	}

	async getContainerSamples(runId: number): Promise<ContainerSample[]> {
		const rows = await this.executor.query<Row>('SELECT * FROM container_samples WHERE run_id = $1 ORDER BY time', [runId]);
		return rows.map(toContainerSample);
	}

	async saveCalibration(c: NewCalibration): Promise<Calibration> {
		const rows = await this.executor.query<Row>(
			`INSERT INTO calibrations (created_at, host_fingerprint, image, engine_version, limits, cases, summary, is_demo, suite, release, details)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
			[c.createdAt ?? new Date(), c.hostFingerprint, c.image, c.engineVersion, JSON.stringify(c.limits),
				JSON.stringify(c.cases), JSON.stringify(c.summary), c.isDemo ?? false, c.suite ?? null, c.release ?? null, JSON.stringify(c.details ?? {})],
		);
		return toCalibration(rows[0]!);
	}

	async listCalibrations(): Promise<Calibration[]> {
		const rows = await this.executor.query<Row>('SELECT * FROM calibrations ORDER BY created_at DESC, id DESC');
		return rows.map(toCalibration);
	}

	async deleteCalibration(id: number): Promise<boolean> {
		return (await this.executor.query('DELETE FROM calibrations WHERE id = $1 RETURNING id', [id])).length > 0;
	}

	async removeDemoData(): Promise<{releases: number; calibrations: number}> {
		return this.transaction(async (store) => {
			const {executor} = store as SqlStore;
			// Demo runs filed under a user's release go; the release stays unless it is demo-only.
			await executor.query('SELECT id FROM runs WHERE is_demo FOR UPDATE');
			await executor.query('DELETE FROM samples WHERE run_id IN (SELECT id FROM runs WHERE is_demo)');
			await executor.query('DELETE FROM run_case_summaries WHERE run_id IN (SELECT id FROM runs WHERE is_demo)');
			await executor.query('DELETE FROM runs WHERE is_demo');
			const releases = await executor.query('DELETE FROM releases WHERE is_demo AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.release_id = releases.id) RETURNING id');
			const calibrations = await executor.query('DELETE FROM calibrations WHERE is_demo RETURNING id');
			return {releases: releases.length, calibrations: calibrations.length};
		});
	}

	async close(): Promise<void> {
		if (!this.isInTransaction) await this.db.close();
	}

	private async inTransaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
		if (this.isInTransaction) return fn(this.executor);
		return this.db.transaction(fn);
	}
}
