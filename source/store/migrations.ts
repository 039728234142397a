/**
 * The schema, as ordered migrations applied on open. The same SQL runs on PGlite and on
 * PostgreSQL; TimescaleDB features are added by a separate step only when the extension exists.
 * Never edit a migration that has shipped: add a new one.
 */

export interface Migration {
	readonly version: number;
	readonly name: string;
	readonly sql: string;
	/** After its SQL, compute the run/case summaries of every stored sample (see sql-store). */
	readonly fillsSummaries?: boolean;
}

export const migrations: readonly Migration[] = [
	{
		version: 1,
		name: 'initial schema',
		sql: `
CREATE TABLE releases (
	id BIGSERIAL PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	git_sha TEXT,
	is_demo BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE runs (
	id BIGSERIAL PRIMARY KEY,
	release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
	suite TEXT NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('bare_metal', 'docker')),
	status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
	status_reason TEXT,
	started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	ended_at TIMESTAMPTZ,
	environment JSONB NOT NULL DEFAULT '{}'::jsonb,
	is_demo BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX runs_release_idx ON runs (release_id, suite);

-- No foreign key to runs: its per-row check took two thirds of a COPY's time (1M rows: 9.8 s
-- with it, 3.5 s without). The store checks the run ids of every batch and deletes a run's
-- samples with the run.
CREATE TABLE samples (
	run_id BIGINT NOT NULL,
	case_name TEXT NOT NULL,
	iteration INTEGER NOT NULL,
	time TIMESTAMPTZ NOT NULL,
	-- A double, not an integer: imported micro-benchmarks report fractions of a nanosecond.
	wall_ns DOUBLE PRECISION NOT NULL CHECK (wall_ns >= 0),
	user_us BIGINT,
	system_us BIGINT,
	max_rss_bytes BIGINT,
	exit_code INTEGER,
	is_warmup BOOLEAN NOT NULL DEFAULT false,
	is_outlier BOOLEAN NOT NULL DEFAULT false,
	metrics JSONB
);
-- Includes time, as a hypertable's unique index must; makes spool replays land exactly once.
CREATE UNIQUE INDEX samples_identity_idx ON samples (run_id, case_name, iteration, time);

CREATE TABLE calibrations (
	id BIGSERIAL PRIMARY KEY,
	created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	host_fingerprint TEXT NOT NULL,
	image TEXT NOT NULL,
	engine_version TEXT NOT NULL,
	limits JSONB NOT NULL DEFAULT '{}'::jsonb,
	cases JSONB NOT NULL DEFAULT '{}'::jsonb,
	summary JSONB NOT NULL DEFAULT '{}'::jsonb,
	is_demo BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE container_samples (
	time TIMESTAMPTZ NOT NULL,
	run_id BIGINT REFERENCES runs (id) ON DELETE CASCADE,
	container_id TEXT NOT NULL,
	name TEXT NOT NULL,
	cpu_percent DOUBLE PRECISION NOT NULL,
	memory_bytes BIGINT NOT NULL,
	memory_limit_bytes BIGINT,
	net_rx_bytes BIGINT,
	net_tx_bytes BIGINT,
	block_read_bytes BIGINT,
	block_write_bytes BIGINT,
	pids INTEGER
);
CREATE INDEX container_samples_run_idx ON container_samples (run_id, time);
`,
	},
	{
		version: 2,
		name: 'run case summaries',
		fillsSummaries: true,
		sql: `
-- One row per run, case and metric (wall, cpu, rss): what every view of history reads, so none
-- rescans raw samples. Written in the transaction that writes the samples; small, so a foreign
-- key deletes it with its run.
CREATE TABLE run_case_summaries (
	run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	case_name TEXT NOT NULL,
	metric TEXT NOT NULL CHECK (metric IN ('wall', 'cpu', 'rss')),
	-- Counts of the case's samples, the same on each metric's row.
	sample_count INTEGER NOT NULL,
	success_count INTEGER NOT NULL,
	failure_count INTEGER NOT NULL,
	warmup_count INTEGER NOT NULL,
	-- The successful, measured samples that have this metric, and their figures (NULL when none).
	n INTEGER NOT NULL,
	median DOUBLE PRECISION,
	median_low DOUBLE PRECISION,
	median_high DOUBLE PRECISION,
	q1 DOUBLE PRECISION,
	q3 DOUBLE PRECISION,
	mean DOUBLE PRECISION,
	stddev DOUBLE PRECISION,
	mad DOUBLE PRECISION,
	min DOUBLE PRECISION,
	max DOUBLE PRECISION,
	PRIMARY KEY (run_id, case_name, metric)
);
CREATE INDEX run_case_summaries_case_idx ON run_case_summaries (metric, case_name);
-- Every sample of the run (warmups included), kept with its summaries: what rqc releases counts.
ALTER TABLE runs ADD COLUMN sample_count BIGINT NOT NULL DEFAULT 0;
`,
	},
	{
		// Issue 15: a calibration of the user's own suite names its suite and release; details
		// holds each calibration case's measured profile (for matching a user's case to a
		// workload) and the precision reached (target, widest interval, rounds, time, load).
		version: 3,
		name: 'calibration suite, release and details',
		sql: `
ALTER TABLE calibrations ADD COLUMN suite TEXT;
ALTER TABLE calibrations ADD COLUMN release TEXT;
ALTER TABLE calibrations ADD COLUMN details JSONB NOT NULL DEFAULT '{}'::jsonb;
`,
	},
	{
		// Issue 13, point 2: the foreign key's check on every summary row of a nightly batch cost
		// 1-2.5 ms a release. Summaries are written only for runs the same statement finds, and
		// every path that deletes runs deletes their summaries first, in its transaction (as
		// samples, which never had one). No retention job touches this table.
		version: 4,
		name: 'summaries without a foreign key',
		sql: `
ALTER TABLE run_case_summaries DROP CONSTRAINT IF EXISTS run_case_summaries_run_id_fkey;
`,
	},
	{
		// Issue 13: the time range of a run's samples, so the raw-sample queries of a compare bound
		// samples.time and TimescaleDB plans only the chunks that hold them. Kept by every write of
		// samples (widened, never narrowed); NULL when the run has none. Not started_at/ended_at:
		// imported samples may fall outside them.
		version: 5,
		name: 'run sample time range',
		sql: `
ALTER TABLE runs ADD COLUMN first_sample_at TIMESTAMPTZ, ADD COLUMN last_sample_at TIMESTAMPTZ;
UPDATE runs r SET first_sample_at = b.lo, last_sample_at = b.hi
FROM (SELECT run_id, min(time) AS lo, max(time) AS hi FROM samples GROUP BY run_id) b
WHERE r.id = b.run_id;
`,
	},
];

export const LATEST_SCHEMA_VERSION = migrations.at(-1)!.version;

/**
 * Applied only when the timescaledb extension is available: the two sample tables become
 * hypertables with compression and retention. Idempotent (if_not_exists everywhere).
 */
export const timescaleSetup = `
CREATE EXTENSION IF NOT EXISTS timescaledb;
SELECT create_hypertable('samples', 'time', migrate_data => true, if_not_exists => true);
SELECT create_hypertable('container_samples', 'time', migrate_data => true, if_not_exists => true);
ALTER TABLE samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'run_id, case_name');
ALTER TABLE container_samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'container_id');
SELECT add_compression_policy('samples', INTERVAL '30 days', if_not_exists => true);
SELECT add_compression_policy('container_samples', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('container_samples', INTERVAL '90 days', if_not_exists => true);
`;

/** Retention of raw samples is opt-in (RQC_SAMPLE_RETENTION): history is what rqc is for. */
export const SAMPLE_RETENTION_PATTERN = /^\s*(\d+)\s*(day|days|week|weeks|month|months|year|years)\s*$/i;
