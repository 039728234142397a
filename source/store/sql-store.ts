/**
 * The one SQL implementation of Store. It runs on either driver (PGlite or PostgreSQL), so
 * both share every query; only bulk writes differ, inside the driver.
 */
import {UserError} from '../errors.js';
import type {Driver, Executor} from './driver.js';
import {LATEST_SCHEMA_VERSION, migrations, timescaleSetup} from './migrations.js';
import type {
	Calibration, CalibrationDetails, CaseProfile, ContainerSample, ExecutionEnvironment, CaseMedian, CaseMedianQuery, NewCalibration, NewRun, NewSample, Release,
	ReleaseSummary, Run, RunStatus, Sample, SampleQuery, StoreInfo,
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

/** Applies pending migrations (and TimescaleDB features when available). Returns the schema version. */
export async function migrate(driver: Driver): Promise<{version: number; hasTimescale: boolean}> {
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
			await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
		}

		hasApplied = hasAppliedNow;
	});
	// Outside the schema's transaction: a TimescaleDB that cannot be used leaves plain tables,
	// never a failed open (issue 11, point 8).
	if (driver.kind === 'postgres') hasTimescale = await setUpTimescale(driver, hasApplied);
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
		-- A preloaded TimescaleDB's loader registers its settings; shared_preload_libraries is
		-- readable only by superusers.
		EXISTS (SELECT 1 FROM pg_settings WHERE name = 'timescaledb.bgw_launcher_poll_time') AS preloaded`);
	return {available: Boolean(row?.available), installed: Boolean(row?.installed), preloaded: Boolean(row?.preloaded)};
}

/**
 * Hypertables and policies, set up once and again whenever the schema changed, when the extension
 * can be used. Installed but not preloaded (common right after installing the package) is not
 * tried: CREATE EXTENSION would fail FATAL and drop the connection. Any other failure is rolled
 * back and leaves plain tables. Returns whether TimescaleDB is in use.
 */
async function setUpTimescale(driver: Driver, hasSchemaChanged: boolean): Promise<boolean> {
	const state = await getTimescaleState(driver);
	if (!state.available || !state.preloaded) return false;
	if (state.installed && !hasSchemaChanged) return true;
	try {
		await driver.transaction(async (tx) => {
			await tx.query('SELECT pg_advisory_xact_lock(7413901)');
			await tx.exec(timescaleSetup);
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
		const rows = await this.executor.query<Row>(`
			SELECT rel.*,
				(SELECT count(*) FROM runs r WHERE r.release_id = rel.id) AS run_count,
				(SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.release_id = rel.id) AS sample_count,
				(SELECT coalesce(json_agg(DISTINCT r.suite), '[]'::json) FROM runs r WHERE r.release_id = rel.id) AS suites,
				(SELECT coalesce(json_agg(DISTINCT r.mode), '[]'::json) FROM runs r WHERE r.release_id = rel.id) AS modes,
				(SELECT max(r.started_at) FROM runs r WHERE r.release_id = rel.id) AS last_run_at
			FROM releases rel ORDER BY rel.created_at, rel.id`);
		return rows.map((row) => ({
			...toRelease(row),
			runCount: num(row.run_count),
			sampleCount: num(row.sample_count),
			suites: (typeof row.suites === 'string' ? JSON.parse(row.suites) : row.suites) as string[],
			modes: (typeof row.modes === 'string' ? JSON.parse(row.modes) : row.modes) as ReleaseSummary['modes'],
			lastRunAt: optDate(row.last_run_at),
		}));
	}

	async deleteRelease(name: string): Promise<boolean> {
		return this.transaction(async (store) => {
			const {executor} = store as SqlStore;
			// samples has no foreign key (see the migration): its rows go first, by hand.
			await executor.query('DELETE FROM samples WHERE run_id IN (SELECT r.id FROM runs r JOIN releases rel ON rel.id = r.release_id WHERE rel.name = $1)', [name]);
			const rows = await executor.query('DELETE FROM releases WHERE name = $1 RETURNING id', [name]);
			return rows.length > 0;
		});
	}

	async createRun(run: NewRun): Promise<Run> {
		return this.transaction(async (store) => {
			const self = store as SqlStore;
			const release = await self.ensureRelease(run.release, {gitSha: run.gitSha, isDemo: run.isDemo});
			const rows = await self.executor.query<Row>(
				`INSERT INTO runs (release_id, suite, mode, status, started_at, ended_at, environment, is_demo)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *, $9::text AS release_name`,
				[release.id, run.suite, run.mode, run.status ?? 'running', run.startedAt ?? new Date(), run.endedAt ?? null,
					JSON.stringify(run.environment), run.isDemo ?? false, release.name],
			);
			return toRun(rows[0]!);
		});
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
		return this.inTransaction(async (tx) => {
			// What a foreign key would check, once per batch instead of once per row.
			const known = await tx.query<{id: number}>('SELECT id FROM runs WHERE id = ANY($1::bigint[])', [runIds]);
			const missing = runIds.filter((id) => !known.some((row) => num(row.id) === id));
			if (missing.length > 0) throw new Error(`samples for runs that do not exist: ${missing.join(', ')}`);
			return tx.bulkInsert('samples', SAMPLE_COLUMNS, rows);
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
		const rows = await this.executor.query<Row>(
			`SELECT s.* FROM samples s JOIN runs r ON r.id = s.run_id
			 WHERE r.release_id = $1
			   AND ($2::text IS NULL OR r.suite = $2)
			   AND ($3::text IS NULL OR s.case_name = $3)
			   AND ($4::bigint[] IS NULL OR r.id = ANY($4::bigint[]))
			   AND ($5::boolean OR NOT s.is_warmup)
			   AND r.status = ANY($6::text[])
			 ORDER BY s.case_name, s.run_id, s.iteration, s.time`,
			[release.id, query.suite ?? null, query.caseName ?? null, query.runIds ? [...query.runIds] : null,
				query.includeWarmup ?? false, [...(query.statuses ?? ['completed', 'aborted'])]],
		);
		return rows.map(toSample);
	}

	async getSampleValues(query: {readonly runIds: readonly number[]; readonly metric: 'wall' | 'cpu' | 'rss'}): Promise<Array<{runId: number; caseName: string; values: number[]}>> {
		if (query.runIds.length === 0) return [];
		const expression = METRIC_EXPRESSIONS[query.metric];
		// One row per run and case with the values joined server-side: far fewer rows to parse.
		const rows = await this.executor.query<{run_id: number | string; case_name: string; v: string}>(
			`SELECT s.run_id, s.case_name, string_agg((${expression})::text, ',') AS v
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0) AND (${expression}) IS NOT NULL
			 GROUP BY s.run_id, s.case_name ORDER BY s.case_name, s.run_id`,
			[[...query.runIds]],
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, values: row.v.split(',').map(Number)}));
	}

	async getFailedIterations(query: {readonly runIds: readonly number[]}): Promise<Array<{runId: number; caseName: string; count: number; firstExitCode: number}>> {
		if (query.runIds.length === 0) return [];
		const rows = await this.executor.query<{run_id: number | string; case_name: string; n: number | string; first: number | string}>(
			`SELECT s.run_id, s.case_name, count(*) AS n, (array_agg(s.exit_code ORDER BY s.time, s.iteration))[1] AS first
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND s.exit_code IS NOT NULL AND s.exit_code <> 0
			 GROUP BY s.run_id, s.case_name ORDER BY s.case_name, s.run_id`,
			[[...query.runIds]],
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, count: num(row.n), firstExitCode: num(row.first)}));
	}

	async getCaseMedians(query: CaseMedianQuery): Promise<CaseMedian[]> {
		const expression = METRIC_EXPRESSIONS[query.metric];
		const rows = await this.executor.query<{run_id: number | string; case_name: string; median: number | string; n: number | string}>(
			`SELECT s.run_id, s.case_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY (${expression})) AS median, count(*) AS n
			 FROM samples s JOIN runs r ON r.id = s.run_id
			 WHERE r.status = 'completed' AND ($1::text IS NULL OR r.suite = $1) AND ($2::text IS NULL OR s.case_name = $2)
			   AND ($3::text IS NULL OR r.mode = $3)
			   AND NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0) AND (${expression}) IS NOT NULL
			 GROUP BY s.run_id, s.case_name`,
			[query.suite ?? null, query.caseName ?? null, query.mode ?? null],
		);
		return rows.map((row) => ({runId: num(row.run_id), caseName: row.case_name, median: Number(row.median), count: num(row.n)}));
	}

	async getCaseProfiles(runIds: readonly number[]): Promise<Map<string, CaseProfile>> {
		const profiles = new Map<string, CaseProfile>();
		if (runIds.length === 0) return profiles;
		const rows = await this.executor.query<{case_name: string; wall: string | number | null; user_us: string | number | null; system_us: string | number | null; rss: string | number | null}>(
			`SELECT s.case_name, avg(s.wall_ns) AS wall, avg(coalesce(s.user_us, 0)) AS user_us, avg(coalesce(s.system_us, 0)) AS system_us, max(s.max_rss_bytes) AS rss
			 FROM samples s
			 WHERE s.run_id = ANY($1::bigint[]) AND NOT s.is_warmup AND (s.exit_code IS NULL OR s.exit_code = 0)
			   AND s.wall_ns IS NOT NULL AND (s.user_us IS NOT NULL OR s.system_us IS NOT NULL)
			 GROUP BY s.case_name`,
			[[...runIds]],
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
			await executor.query('DELETE FROM samples WHERE run_id IN (SELECT id FROM runs WHERE is_demo)');
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
