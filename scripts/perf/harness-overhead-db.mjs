// Writes 1,000,000 samples to PostgreSQL through rqc's store (COPY) and the same rows with
// `psql \copy`, and prints samples/s for both. Needs RQC_DATABASE_URL (or RQC_TEST_DATABASE_URL).
// Usage: node scripts/perf/harness-overhead-db.mjs [count]   (after npm run build)
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {openStore} from '../../dist/store/open-store.js';

const count = Number(process.argv[2] ?? 1_000_000);
const url = process.env.RQC_DATABASE_URL ?? process.env.RQC_TEST_DATABASE_URL;
if (!url) {
	console.error('harness-overhead-db: set RQC_DATABASE_URL (or RQC_TEST_DATABASE_URL) to a PostgreSQL database');
	process.exit(2);
}

const store = await openStore({databaseUrl: url, pgliteDir: ''});
const release = `harness-overhead-${Date.now()}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-harness-db-'));
const client = new pg.Client({connectionString: url});
await client.connect();
try {
	const run = await store.createRun({release, suite: 'harness-overhead', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
	const base = Date.now();
	const samples = Array.from({length: count}, (_, i) => ({
		runId: run.id, caseName: `case-${i % 10}`, iteration: Math.floor(i / 10), time: new Date(base + i), wallNs: 1_000_000 + (i % 977),
		userUs: 800 + (i % 13), systemUs: 100 + (i % 7), maxRssBytes: 1_048_576 + (i % 4096), exitCode: 0, isWarmup: i < 10, isOutlier: false,
	}));

	const batch = 100_000;
	const started = performance.now();
	let written = 0;
	for (let offset = 0; offset < samples.length; offset += batch) written += await store.insertSamples(samples.slice(offset, offset + batch));
	const rqcSeconds = (performance.now() - started) / 1000;

	// The same rows as COPY text, for a second run of the same table (same indexes),
	// with psql.
	const second = await store.createRun({release, suite: 'harness-overhead-psql', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
	const file = path.join(dir, 'samples.tsv');
	const lines = samples.map((s) => [second.id, s.caseName, s.iteration, s.time.toISOString(), s.wallNs, s.userUs, s.systemUs, s.maxRssBytes, s.exitCode, s.isWarmup, s.isOutlier, '\\N'].join('\t'));
	writeFileSync(file, lines.join('\n') + '\n');
	const psqlStarted = performance.now();
	execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy samples (run_id, case_name, iteration, time, wall_ns, user_us, system_us, max_rss_bytes, exit_code, is_warmup, is_outlier, metrics) FROM '${file}'`], {stdio: ['ignore', 'ignore', 'inherit']});
	const psqlSeconds = (performance.now() - psqlStarted) / 1000;
	const {rows} = await client.query('SELECT count(*)::int AS n FROM samples WHERE run_id = $1', [second.id]);

	const rate = (n, s) => `${Math.round(n / s).toLocaleString('en-US').padStart(10)} samples/s`;
	console.log(`samples to PostgreSQL: ${count.toLocaleString('en-US')} rows into the samples table (with its unique index), load average ${os.loadavg()[0].toFixed(1)}`);
	console.log(`  rqc store.insertSamples (COPY, ${batch.toLocaleString('en-US')} per call)  ${rqcSeconds.toFixed(2).padStart(6)} s  ${rate(written, rqcSeconds)}  (${written} written)`);
	console.log(`  psql \\copy (one file)                            ${psqlSeconds.toFixed(2).padStart(6)} s  ${rate(rows[0].n, psqlSeconds)}  (${rows[0].n} written)`);
	console.log(`  target: rqc >= 200,000 samples/s: ${written / rqcSeconds >= 200_000 ? 'met' : 'NOT met'}`);
} finally {
	await client.end();
	await store.deleteRelease(release).catch(() => {});
	await store.close();
	rmSync(dir, {recursive: true, force: true});
}
