// How fast rqc compares releases, on PostgreSQL. Prints:
//   1. 2 releases × 100 cases × 1,000 samples compared end to end in-process (store query +
//      statistics: medians with CIs, Mann-Whitney U, Hodges-Lehmann, 2,000-replicate bootstrap,
//      Holm, geomean), with the query and the statistics timed apart; target ≤ 1 s.
//   2. `rqc compare --json` as a process: spawn to first stdout byte, on a tiny comparison (so
//      the query is negligible) and on the big one; target ≤ 300 ms query aside. Next to it,
//      `node -e ''` (the floor for any Node CLI) and `rqc --version`.
//   3. A peer on the same data: python3 with numpy/scipy doing the same per-case work
//      (median, Mann-Whitney U, bootstrap of the ratio of medians), when python3 has them.
// Usage: npm run build && node scripts/perf/compare-speed.mjs [cases] [samples]
// Needs RQC_DATABASE_URL or RQC_TEST_DATABASE_URL (a server where it may create a database).
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import pg from 'pg';
import {compareSampleSets} from '../../dist/compare/compare-samples.js';
import {loadComparison} from '../../dist/compare/load-comparison.js';
import {openStore} from '../../dist/store/open-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cases = Number(process.argv[2] ?? 100);
const perCase = Number(process.argv[3] ?? 1000);
const serverUrl = process.env.RQC_DATABASE_URL ?? process.env.RQC_TEST_DATABASE_URL;
if (!serverUrl) {
	console.error('compare-speed: set RQC_DATABASE_URL (or RQC_TEST_DATABASE_URL) to a PostgreSQL server');
	process.exit(2);
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};

const dbName = `rqc_speed_${Date.now().toString(36)}`;
const admin = new pg.Client({connectionString: serverUrl});
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-compare-speed-'));
const store = await openStore({databaseUrl: url.toString(), pgliteDir: ''});

function lcg(seed) {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
		return state / 4_294_967_296;
	};
}

try {
	// Two releases; the candidate is 5% slower on every tenth case.
	const env = {runtime: 'bare_metal', hostFingerprint: 'speed'};
	const csv = ['release,case,wall_ns'];
	for (const [release, seed] of [['speed-base', 1], ['speed-cand', 2]]) {
		const run = await store.createRun({release, suite: 'speed', mode: 'bare_metal', environment: env, status: 'completed', endedAt: new Date()});
		const random = lcg(seed);
		const samples = [];
		const time = Date.now();
		for (let c = 0; c < cases; c++) {
			const center = 1e6 * (1 + c) * (release === 'speed-cand' && c % 10 === 0 ? 1.05 : 1);
			for (let i = 0; i < perCase; i++) {
				const wallNs = Math.round(center * (1 + 0.03 * (random() + random() - 1)));
				samples.push({runId: run.id, caseName: `case-${String(c).padStart(3, '0')}`, iteration: i, time: new Date(time + i), wallNs, exitCode: 0});
				csv.push(`${release},case-${c},${wallNs}`);
			}
		}

		await store.insertSamples(samples);
	}

	// A tiny pair, for the CLI's start-up cost with a negligible query.
	for (const release of ['tiny-base', 'tiny-cand']) {
		const run = await store.createRun({release, suite: 'speed', mode: 'bare_metal', environment: env, status: 'completed', endedAt: new Date()});
		await store.insertSamples(Array.from({length: 10}, (_, i) => ({runId: run.id, caseName: 'one', iteration: i, time: new Date(), wallNs: 1e6 + i * 1000, exitCode: 0})));
	}

	writeFileSync(path.join(dir, 'samples.csv'), csv.join('\n'));
	console.log(`data: 2 releases × ${cases} cases × ${perCase} samples in PostgreSQL (${dbName})`);

	// 1. In-process, end to end, and its parts.
	const endToEnd = [];
	const endToEndCpu = [];
	const query = [];
	const statistics = [];
	for (let round = 0; round < 5; round++) {
		let started = performance.now();
		const cpu = process.cpuUsage();
		const report = await loadComparison(store, {base: 'speed-base', candidate: 'speed-cand', seed: round + 1});
		endToEnd.push(performance.now() - started);
		const used = process.cpuUsage(cpu);
		endToEndCpu.push((used.user + used.system) / 1000);
		if (report.result.cases.length !== cases) throw new Error(`expected ${cases} cases, got ${report.result.cases.length}`);

		started = performance.now();
		const runIds = (await store.listRuns({})).filter((r) => r.releaseName.startsWith('speed-')).map((r) => [r.releaseName, r.id]);
		const [b, c] = await Promise.all(['speed-base', 'speed-cand'].map(async (name) => store.getSampleValues({runIds: runIds.filter(([release]) => release === name).map(([, id]) => id), metric: 'wall'})));
		query.push(performance.now() - started);
		const toMap = (rows) => new Map(rows.map((row) => [row.caseName, row.values]));
		started = performance.now();
		compareSampleSets(toMap(b), toMap(c), {seed: round + 1});
		statistics.push(performance.now() - started);
	}

	const last = await loadComparison(store, {base: 'speed-base', candidate: 'speed-cand'});
	console.log(`verdicts: ${JSON.stringify(last.result.counts)} (expected ${Math.ceil(cases / 10)} regressions)`);
	console.log(`rqc in-process, end to end:   median ${median(endToEnd).toFixed(0)} ms of 5, first (cold JIT) ${endToEnd[0].toFixed(0)} ms; this process's CPU median ${median(endToEndCpu).toFixed(0)} ms (target ≤ 1000 ms; load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
	console.log(`  of which the store query:   median ${median(query).toFixed(0)} ms (2 × ${cases * perCase} rows)`);
	console.log(`  of which the statistics:    median ${median(statistics).toFixed(0)} ms`);

	// 2. The CLI as a process: spawn to first byte of stdout.
	const hasTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], {encoding: 'utf8'}).status === 0;
	const firstByte = (args) => new Promise((resolve, reject) => {
		const started = performance.now();
		let first;
		let cpu = Number.NaN;
		const [command, argv] = hasTime ? ['/usr/bin/time', ['-f', 'rqc-cpu %U %S', process.execPath, ...args]] : [process.execPath, args];
		const child = spawn(command, argv, {cwd: root, env: {PATH: process.env.PATH, HOME: process.env.HOME, RQC_DATABASE_URL: url.toString(), RQC_DATA_DIR: dir}});
		child.stdout.once('data', () => {
			first = performance.now() - started;
		});
		child.stdout.resume();
		child.stderr.on('data', (chunk) => {
			const match = /rqc-cpu (\S+) (\S+)/.exec(String(chunk));
			if (match) cpu = (Number(match[1]) + Number(match[2])) * 1000;
		});
		child.on('error', reject);
		child.on('close', (code) => resolve({first, total: performance.now() - started, code, cpu}));
	});
	const cli = path.join(root, 'dist', 'cli.js');
	const measureCli = async (args, rounds = 5) => {
		const results = [];
		for (let i = 0; i < rounds; i++) results.push(await firstByte(args));
		return {first: median(results.map((r) => r.first ?? Number.NaN)), total: median(results.map((r) => r.total)), code: results[0].code, cpu: median(results.map((r) => r.cpu))};
	};

	const nodeFloor = await measureCli(['-e', 'process.stdout.write("x")']);
	const version = await measureCli([cli, '--version']);
	const tiny = await measureCli([cli, 'compare', 'tiny-base', 'tiny-cand', '--json']);
	const big = await measureCli([cli, 'compare', 'speed-base', 'speed-cand', '--json'], 3);
	const cpuText = (r) => (Number.isNaN(r.cpu) ? '' : `, process CPU ${r.cpu.toFixed(0)} ms`);
	console.log(`node -e (floor of any Node CLI):          first byte ${nodeFloor.first.toFixed(0)} ms${cpuText(nodeFloor)}`);
	console.log(`rqc --version:                            first byte ${version.first.toFixed(0)} ms${cpuText(version)}`);
	console.log(`rqc compare --json, tiny (query ~0):      first byte ${tiny.first.toFixed(0)} ms${cpuText(tiny)}, exit ${tiny.code} (target ≤ 300 ms)`);
	console.log(`rqc compare --json, ${cases}×${perCase}×2:       first byte ${big.first.toFixed(0)} ms${cpuText(big)}, exit ${big.code}; minus the cold in-process run = ${(big.first - endToEnd[0]).toFixed(0)} ms start-up`);

	// 3. The peer: python3 + numpy/scipy on the same samples (read from CSV, so no query).
	const peer = `
import sys, time, csv
t0 = time.perf_counter()
import numpy as np
from scipy.stats import mannwhitneyu
t1 = time.perf_counter()
data = {}
with open(sys.argv[1]) as f:
    r = csv.reader(f); next(r)
    for release, case, wall in r:
        data.setdefault((release, case), []).append(float(wall))
t2 = time.perf_counter()
rng = np.random.default_rng(1)
cases = sorted({c for (_, c) in data})
for c in cases:
    b = np.array(data[('speed-base', c)]); k = np.array(data[('speed-cand', c)])
    np.median(b); np.median(k)
    mannwhitneyu(k, b)
    rb = np.median(rng.choice(b, (2000, b.size)), axis=1); rk = np.median(rng.choice(k, (2000, k.size)), axis=1)
    np.percentile(rk / rb, [2.5, 97.5])
t3 = time.perf_counter()
print(f"{(t1-t0)*1000:.0f} {(t2-t1)*1000:.0f} {(t3-t2)*1000:.0f}")
`;
	const python = spawnSync('python3', ['-c', peer, path.join(dir, 'samples.csv')], {encoding: 'utf8'});
	if (python.status === 0) {
		const [imports, load, compute] = python.stdout.trim().split(' ').map(Number);
		console.log(`peer python3 numpy/scipy, same per-case work (median, U test, 2,000-replicate bootstrap): statistics ${compute} ms (imports ${imports} ms, CSV load ${load} ms)`);
		console.log(`  rqc statistics ${median(statistics).toFixed(0)} ms vs peer ${compute} ms on the same ${cases} cases`);
	} else {
		console.log(`peer python3 numpy/scipy: not available here (${(python.stderr || python.error?.message || '').trim().split('\n').at(-1)})`);
	}
} finally {
	await store.close();
	await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
	await admin.end();
	rmSync(dir, {recursive: true, force: true});
}
