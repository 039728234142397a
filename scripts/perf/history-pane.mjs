#!/usr/bin/env node
// What the History pane and `rqc history` wait for (issue 14), on a store of 3,000 releases × 50
// cases (built through rqc's own write path, 3 samples per case and run): reading the per-run
// medians from the summaries, change points for every case, and the whole `loadHistories`; beside
// a peer in the same run, the raw-sample median query of the first version. Build first
// (`npm run build`). PostgreSQL when RQC_TEST_DATABASE_URL is set (a scratch database, dropped
// after), else the embedded store in a temporary directory.
// Usage: node scripts/perf/history-pane.mjs [releases=3000] [cases=50]
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import pg from 'pg';
import {loadHistories} from '../../dist/compare/history.js';
import {openStore} from '../../dist/store/open-store.js';

const releases = Number(process.argv[2] ?? 3000);
const cases = Number(process.argv[3] ?? 50);
const adminUrl = process.env.RQC_TEST_DATABASE_URL;
const dir = mkdtempSync(path.join(tmpdir(), 'rqc-history-pane-'));
let databaseUrl;
const scratch = `rqc_hpane_${process.pid}`;
if (adminUrl) {
	const admin = new pg.Client({connectionString: adminUrl});
	await admin.connect();
	await admin.query(`CREATE DATABASE ${scratch}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${scratch}`;
	databaseUrl = url.toString();
}

const store = await openStore({databaseUrl, pgliteDir: path.join(dir, 'pglite')});
try {
	console.log(`${releases} releases × ${cases} cases on ${store.driver}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	let started = performance.now();
	const start = Date.UTC(2024, 0, 1);
	for (let r = 0; r < releases; r++) {
		const startedAt = new Date(start + r * 3_600_000);
		const run = await store.createRun({release: `r${String(r).padStart(4, '0')}`, suite: 'nightly', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt});
		const samples = [];
		for (let c = 0; c < cases; c++) {
			const level = c % 5 === 0 && r >= releases / 2 ? 1.05e6 : 1e6;
			for (let i = 0; i < 3; i++) samples.push({runId: run.id, caseName: `case-${c}`, iteration: i, time: new Date(startedAt.getTime() + i), wallNs: level * (1 + (((r * 31 + c * 7 + i * 13) % 17) - 8) / 800), exitCode: 0});
		}

		await store.insertSamples(samples);
		await store.finishRun(run.id, 'completed');
	}

	console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	const time = async (label, fn) => {
		started = performance.now();
		const result = await fn();
		console.log(`${label.padEnd(60)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`);
		return result;
	};

	await time('per-run medians from the summaries (getCaseMedians)', async () => store.getCaseMedians({metric: 'wall'}));
	await time('completed runs (listRuns)', async () => store.listRuns({limit: 10_000_000, statuses: ['completed']}));
	const loaded = await time('loadHistories: all of it, change points included', async () => loadHistories(store, {metric: 'wall'}));
	console.log(`  ${loaded.histories.reduce((n, h) => n + h.changePoints.length, 0)} change points (${Math.ceil(cases / 5)} planted)`);
	await time('one case (--case case-0)', async () => loadHistories(store, {metric: 'wall', caseName: 'case-0'}));
	if (store.driver === 'postgres') {
		const client = new pg.Client({connectionString: databaseUrl});
		await client.connect();
		await time('peer: the same medians from raw samples (percentile_cont)', async () => client.query(`SELECT s.run_id, s.case_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.wall_ns) FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.status = 'completed' AND NOT s.is_warmup GROUP BY s.run_id, s.case_name`));
		await client.end();
	}
} finally {
	await store.close();
	rmSync(dir, {recursive: true, force: true});
	if (adminUrl) {
		const admin = new pg.Client({connectionString: adminUrl});
		await admin.connect();
		await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
		await admin.end();
	}
}
