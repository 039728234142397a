// History at scale (issue 13): builds RELEASES × CASES × SAMPLES through rqc's own write path
// (createRun, insertSamples, finishRun: one transaction per release, as a nightly run writes)
// and prints, for each store, what a user waits for, beside today's raw-sample query in the
// same run:
//   1. `rqc releases --json` as a process, and the store's part of it (target ≤ 150 ms);
//      peers: `node -e 0` (Node's own start, the floor), `rqc --version`, `psql -c` of the same
//      listing query, and the listReleases query before summaries (a raw-sample count per release).
//   2. The Compare pane's first frame with data: release list, comparison of the two latest,
//      the first case's history chart (target ≤ 1 s); peer: the chart the way it was loaded
//      before (two queries per release).
//   3. A new case selection's chart (target ≤ 100 ms); peer: as in 2.
//   4. `rqc compare A B --json` as a process and in-process (target ≤ 1 s).
//   5. Write rate of rqc's path vs `psql \copy` of the same rows into a table like samples
//      (target ≥ 0.5×): one insertSamples of all rows (as an import) against ONE \copy, and one
//      transaction per release (as nightly runs) against psql writing one transaction per release
//      (BEGIN; \copy; COMMIT) in one session, the like-for-like peer; both peers are printed.
// Peers that would run for minutes are cut at PEER_LIMIT_S and printed as "> N s".
//
// Usage: npm run build && node scripts/perf/history-scale.mjs [--store postgres,timescale,pglite]
//          [--releases 3000] [--cases 50] [--samples 30] [--pglite-releases 1000] [--peer-releases 200]
//          [--keep] [--reuse NAME] [--only releases]
// --keep leaves the store built and prints its name (a database, or the embedded store's directory);
// --reuse NAME measures a kept store again without building it (one store kind per call);
// --only releases measures point 1 alone.
// postgres: a random database on RQC_TEST_DATABASE_URL's server (dropped after);
// timescale: the same on RQC_TEST_TIMESCALE_URL's server, every samples chunk compressed;
// pglite: the embedded store in a temporary directory. Prints the load average: the machine is shared.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import pg from 'pg';
import {loadCaseDetail, loadCaseHistory} from '../../dist/compare/case-history.js';
import {loadComparison} from '../../dist/compare/load-comparison.js';
import {toReleaseListing} from '../../dist/commands/releases.js';
import {computeMedianCiSorted} from '../../dist/stats/median-ci.js';
import {openStore} from '../../dist/store/open-store.js';
import {RELEASES_WITH_RUNS_SQL} from '../../dist/store/sql-store.js';
import {readHostFacts, toEnvironment} from '../../dist/bench/environment.js';
import {createDatabase} from './databases.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {values: args} = parseArgs({options: {
	store: {type: 'string', default: 'postgres,timescale,pglite'},
	releases: {type: 'string', default: '3000'},
	cases: {type: 'string', default: '50'},
	samples: {type: 'string', default: '30'},
	'pglite-releases': {type: 'string', default: '1000'},
	'peer-releases': {type: 'string', default: '200'},
	'peer-limit': {type: 'string', default: '120'},
	keep: {type: 'boolean', default: false},
	reuse: {type: 'string'},
	only: {type: 'string'},
}});
if (args.only !== undefined && args.only !== 'releases') throw new Error(`--only ${args.only}: only "releases" is known`);
if (args.reuse !== undefined && args.store.includes(',')) throw new Error('--reuse NAME needs one --store');
const CASES = Number(args.cases);
const PER_CASE = Number(args.samples);
const PEER_RELEASES = Number(args['peer-releases']);
const PEER_LIMIT_S = Number(args['peer-limit']);
const stores = args.store.split(',');

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const medianOf = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timeIt(fn, times = 5) {
	const all = [];
	let result;
	for (let i = 0; i < times; i++) {
		const t0 = process.hrtime.bigint();
		result = await fn(i);
		all.push(ms(t0));
	}

	return {median: medianOf(all), min: Math.min(...all), max: Math.max(...all), result};
}

const caseName = (c) => `case-${c + 1}`;
const releaseName = (r) => `v${Math.floor(r / 100)}.${r % 100}`;
const day = 24 * 3600 * 1000;
const start = Date.UTC(2018, 0, 1);

/** A release's samples: each case has its own level; some releases regress a case. */
function samplesOf(runId, r, time) {
	const out = [];
	for (let c = 0; c < CASES; c++) {
		const level = 1e6 * (1 + c / 10) * (1 + 0.05 * Math.sin(r / 40 + c)) * (r % 97 === c % 97 ? 1.3 : 1);
		for (let i = 0; i < PER_CASE; i++) {
			const noise = 1 + 0.02 * Math.sin(i * 12.9898 + r * 78.233 + c);
			out.push({runId, caseName: caseName(c), iteration: i, time: new Date(time + (c * PER_CASE + i) * 1000), wallNs: Math.round(level * noise),
				userUs: Math.round(level / 1000 * noise), systemUs: 50 + i, maxRssBytes: 10_000_000 + c * 1000 + i, exitCode: 0});
		}
	}

	return out;
}

/** Today's listReleases before summaries: a raw-sample count per release. */
const RAW_LIST_RELEASES = `
	SELECT rel.*,
		(SELECT count(*) FROM runs r WHERE r.release_id = rel.id) AS run_count,
		(SELECT count(*) FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.release_id = rel.id) AS sample_count,
		(SELECT coalesce(json_agg(DISTINCT r.suite), '[]'::json) FROM runs r WHERE r.release_id = rel.id) AS suites,
		(SELECT coalesce(json_agg(DISTINCT r.mode), '[]'::json) FROM runs r WHERE r.release_id = rel.id) AS modes,
		(SELECT max(r.started_at) FROM runs r WHERE r.release_id = rel.id) AS last_run_at
	FROM releases rel ORDER BY rel.created_at, rel.id`;

/** The chart as loaded before summaries: per release, its runs, then its raw samples of the case. */
async function rawChart(store, releases, name, deadline) {
	let done = 0;
	for (const release of releases) {
		if (Date.now() > deadline) return {done, isCut: true};
		const runIds = (await store.listRuns({release, statuses: ['completed', 'aborted']})).filter((run) => run.mode === 'bare_metal').map((run) => run.id);
		const found = (await store.getSamples({release, caseName: name, runIds})).map((s) => s.wallNs).sort((a, b) => a - b);
		if (found.length > 0) computeMedianCiSorted(found, 0.95);
		done++;
	}

	return {done, isCut: false};
}

/** CPU seconds (user + system) of this process's finished children, from /proc/self/stat (10 ms ticks). */
function childrenCpuSeconds() {
	const stat = readFileSync('/proc/self/stat', 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[13]) + Number(fields[14])) / 100;
}

/**
 * A process run 3 times (or `times`): median and fastest wall time, its mean CPU time (user +
 * system: less swayed than wall time by a busy machine), and its last output.
 */
function runProcess(command, argv, env, times = 3) {
	const all = [];
	let out = '';
	const cpu0 = childrenCpuSeconds();
	for (let i = 0; i < times; i++) {
		const t0 = process.hrtime.bigint();
		const result = spawnSync(command, argv, {env: {...process.env, ...env, NO_COLOR: '1'}, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
		all.push(ms(t0));
		if (result.status !== 0) throw new Error(`${path.basename(command)} ${argv.join(' ').slice(0, 80)} exited ${result.status}: ${result.stderr}`);
		out = result.stdout;
	}

	return {median: medianOf(all), min: Math.min(...all), cpu: (childrenCpuSeconds() - cpu0) * 1000 / times, out};
}

const runCli = (argv, env, times) => runProcess(process.execPath, [path.join(root, 'dist/cli.js'), ...argv], env, times);

/**
 * The psql \copy peers, on the first releaseCount releases' rows, each into an empty table like
 * samples: all rows in ONE \copy (the bulk peer), and one psql session writing them the way a
 * nightly run does, one transaction per release (BEGIN; \copy of its rows; COMMIT), so it pays
 * the per-transaction cost rqc's nightly path pays (the like-for-like peer). The nightly peer runs
 * in blocks interleaved with rqc's own writes of the same releases, so both see the same load on
 * a shared machine. psql's start-up and connection (a psql that only connects, measured beside
 * each block) is taken off.
 */
function preparePeers(url, isTimescale, releaseCount) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-history-scale-'));
	const columns = 'run_id,case_name,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics';
	const all = [];
	for (let r = 0; r < releaseCount; r++) {
		const lines = samplesOf(r + 1, r, start + r * day).map((s) => [s.runId, s.caseName, s.iteration, s.time.toISOString(), s.wallNs, s.userUs, s.systemUs, s.maxRssBytes, s.exitCode, 'f', 'f', '\\N'].join('\t'));
		writeFileSync(path.join(dir, `release-${r}.tsv`), lines.join('\n') + '\n');
		for (const line of lines) all.push(line);
	}

	const allFile = path.join(dir, 'samples.tsv');
	writeFileSync(allFile, all.join('\n') + '\n');
	const psql = (...argv) => {
		const t0 = process.hrtime.bigint();
		const result = spawnSync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-q', ...argv], {encoding: 'utf8'});
		if (result.status !== 0) throw new Error(`psql: ${result.stderr}`);
		return ms(t0);
	};

	const startup = () => medianOf([psql('-c', 'SELECT 1'), psql('-c', 'SELECT 1'), psql('-c', 'SELECT 1')]);
	const fresh = () => {
		psql('-c', 'DROP TABLE IF EXISTS samples_copy_peer');
		psql('-c', 'CREATE TABLE samples_copy_peer (LIKE samples INCLUDING ALL)');
		if (isTimescale) psql('-c', "SELECT create_hypertable('samples_copy_peer', 'time')");
	};

	fresh();
	const startups = [];
	let nightlyMs = 0;
	return {
		rows: all.length,
		/** The nightly peer for releases [from, to): one psql session, a transaction per release. */
		nightly(from, to) {
			const script = [];
			for (let r = from; r < to; r++) script.push('BEGIN;', `\\copy samples_copy_peer (${columns}) FROM '${path.join(dir, `release-${r}.tsv`)}'`, 'COMMIT;');
			const file = path.join(dir, `nightly-${from}.sql`);
			writeFileSync(file, script.join('\n') + '\n');
			const before = startup();
			const took = psql('-f', file);
			const after = startup();
			startups.push(before, after);
			nightlyMs += took - (before + after) / 2;
		},
		/** The bulk peer, into a fresh table; then the peers' results, and their files go. */
		finish() {
			try {
				fresh();
				const before = startup();
				const oneMs = psql('-c', `\\copy samples_copy_peer (${columns}) FROM '${allFile}'`) - before;
				startups.push(before);
				psql('-c', 'DROP TABLE samples_copy_peer');
				return {rows: all.length, oneMs, nightlyMs, startupMs: medianOf(startups)};
			} finally {
				rmSync(dir, {recursive: true, force: true});
			}
		},
		cleanup() {
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Releases per block of the nightly peer, interleaved with rqc's writes. */
const PEER_BLOCK = 25;

/** Builds the history through rqc's own write path and prints the write rates against psql \\copy. */
async function build(kind, store, url, releases) {
	// The bulk write path (an import writes a file's samples in one call), on the empty store,
	// with the same rows the psql \copy peer writes below; then taken away again.
	const bulkCount = Math.min(PEER_RELEASES, releases);
	let bulkMs;
	if (url) {
		const bulkRun = await store.createRun({release: 'bulk-write-check', suite: 'nightly', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const rows = [];
		for (let r = 0; r < bulkCount; r++) for (const sample of samplesOf(bulkRun.id, r, start + r * day)) rows.push(sample);
		const b0 = process.hrtime.bigint();
		await store.insertSamples(rows);
		bulkMs = ms(b0);
		await store.deleteRelease('bulk-write-check');
	}

	// Build through rqc's own write path, one transaction of samples per release. Each run records
	// the environment a bare-metal run of the runner records (host, fingerprint, load: about 260
	// bytes of JSON), not a bare {runtime}: the listing reads every run's.
	const environment = toEnvironment(await readHostFacts(), {runtime: 'bare_metal'});
	const peerCount = Math.min(PEER_RELEASES, releases);
	const peers = url ? preparePeers(url, kind === 'timescale', peerCount) : undefined;
	let writeMs = 0;
	let peerWallMs = 0;
	let peerWindowMs = 0;
	let peerWindowAllMs = 0;
	const t0 = process.hrtime.bigint();
	for (let r = 0; r < releases; r++) {
		const time = start + r * day;
		const a0 = process.hrtime.bigint();
		const run = await store.createRun({release: releaseName(r), suite: 'nightly', mode: 'bare_metal', environment, startedAt: new Date(time)});
		const created = ms(a0);
		const rows = samplesOf(run.id, r, time);
		const w0 = process.hrtime.bigint();
		await store.insertSamples(rows);
		const took = ms(w0);
		writeMs += took;
		if (r < PEER_RELEASES) peerWindowMs += took;
		const f0 = process.hrtime.bigint();
		await store.finishRun(run.id, 'completed', {endedAt: new Date(time + 3_600_000)});
		// Not the samples' generation between createRun and insertSamples: that is the script's work.
		if (r < PEER_RELEASES) peerWindowAllMs += created + took + ms(f0);
		if (peers && r < peerCount && ((r + 1) % PEER_BLOCK === 0 || r + 1 === peerCount)) {
			const p0 = process.hrtime.bigint();
			peers.nightly(r - (r % PEER_BLOCK), r + 1);
			peerWallMs += ms(p0);
		}
		if ((r + 1) % 500 === 0) console.log(`  built ${r + 1} releases in ${fmt(ms(t0) - peerWallMs)} (load ${load()})`);
	}

	const total = releases * CASES * PER_CASE;
	console.log(`  build: ${fmt(ms(t0) - peerWallMs)} in all (the peer's blocks not counted); insertSamples ${fmt(writeMs)} = ${Math.round(total / writeMs * 1000).toLocaleString('en')} rows/s`);
	if (url) {
		const isTimescale = kind === 'timescale';
		if (isTimescale) {
			const c0 = process.hrtime.bigint();
			const client = new pg.Client({connectionString: url});
			await client.connect();
			const [{n}] = (await client.query("SELECT count(compress_chunk(c, if_not_compressed => true)) AS n FROM show_chunks('samples') c")).rows;
			const [{left}] = (await client.query("SELECT count(*) AS left FROM timescaledb_information.chunks WHERE hypertable_name = 'samples' AND NOT is_compressed")).rows;
			await client.end();
			console.log(`  compressed ${n} samples chunks in ${fmt(ms(c0))}; uncompressed chunks left: ${left}`);
		}

		const count = peerCount;
		const peer = peers.finish();
		const rate = (ms_) => Math.round(peer.rows / ms_ * 1000);
		const rows = (value) => `${value.toLocaleString('en')} rows/s`;
		const onePeer = rate(peer.oneMs);
		const nightlyPeer = rate(peer.nightlyMs);
		const ours = rate(peerWindowMs);
		const oursAll = rate(peerWindowAllMs);
		const bulk = rate(bulkMs);
		const against = (value) => `${(value / nightlyPeer).toFixed(2)}× the nightly peer, ${(value / onePeer).toFixed(2)}× one \\copy`;
		console.log(`  write rate, the first ${count} releases' ${peer.rows.toLocaleString('en')} rows (load ${load()}); psql start-up (median ${fmt(peer.startupMs)}) taken off each peer; the nightly peer ran in blocks of ${PEER_BLOCK} releases between rqc's:`);
		console.log(`    peers: psql, ONE \\copy of all rows ${rows(onePeer)}; psql, one session, BEGIN; \\copy of a release's ${(CASES * PER_CASE).toLocaleString('en')} rows; COMMIT per release (the nightly peer) ${rows(nightlyPeer)}`);
		console.log(`    rqc, one insertSamples call of all rows (as an import) ${rows(bulk)} = ${(bulk / onePeer).toFixed(2)}× one \\copy (its like-for-like peer; target ≥ 0.5×)`);
		console.log(`    rqc, one insertSamples transaction per release with its summaries (as nightly runs) ${rows(ours)} = ${against(ours)}; judged against the nightly peer (target ≥ 0.5×)`);
		console.log(`    rqc, the same with createRun and finishRun (a nightly run's every write) ${rows(oursAll)} = ${against(oursAll)}`);
	}
}

async function measure(kind, {url, pgliteDir, releases, isReused}) {
	console.log(`\n== ${kind}: ${isReused ? 'kept store, ' : ''}${releases} releases × ${CASES} cases × ${PER_CASE} samples = ${(releases * CASES * PER_CASE).toLocaleString('en')} samples  (load ${load()})`);
	const config = {databaseUrl: url, pgliteDir: pgliteDir ?? ''};
	let store = await openStore(config);
	if (!isReused) await build(kind, store, url, releases);
	// Reopen, as every command does.
	await store.close();
	store = await openStore(config);
	const names = (await store.listReleases()).map((r) => r.name);
	const [base, candidate] = names.slice(-2);

	// 1. rqc releases
	const listing = await timeIt(async () => toReleaseListing(await store.listReleasesWithRuns({runLimit: 100_000})));
	const cliEnv = url ? {RQC_DATABASE_URL: url} : {RQC_DATA_DIR: path.dirname(pgliteDir), RQC_DATABASE_URL: ''};
	if (!url) await store.close();
	// Peers in the same minute: Node's own start (the floor), rqc's start, psql of the same query.
	const floor = runProcess(process.execPath, ['-e', '0'], {}, 5);
	const releasesCli = runCli(['releases', '--json'], cliEnv, 5);
	const versionCli = runCli(['--version'], cliEnv, 5);
	const psqlPeer = url ? runProcess('psql', ['-X', '-A', '-t', '-q', '-d', url, '-c', RELEASES_WITH_RUNS_SQL], {}, 5) : undefined;
	if (!url) store = await openStore(config);
	const listed = JSON.parse(releasesCli.out).releases;
	const figure = (run) => `${fmt(run.median)} [fastest ${fmt(run.min)}; CPU ${fmt(run.cpu)}]`;
	console.log(`  rqc releases --json: process ${figure(releasesCli)} (target ≤ 150 ms); peers: node -e 0 ${figure(floor)}, rqc --version ${figure(versionCli)}, ${psqlPeer ? `psql -c of the same listing query ${figure(psqlPeer)}` : 'no psql peer (embedded store)'}; store part in-process ${fmt(listing.median)} [${fmt(listing.min)}–${fmt(listing.max)}] for ${listed.length} releases, ${listed.at(-1).sampleCount} samples in the last  (load ${load()})`);
	let rawList;
	if (url) {
		const client = new pg.Client({connectionString: url});
		await client.connect();
		await client.query(`SET statement_timeout = '${PEER_LIMIT_S}s'`);
		const r0 = process.hrtime.bigint();
		try {
			await client.query(RAW_LIST_RELEASES);
			rawList = fmt(ms(r0));
		} catch (error) {
			rawList = error.code === '57014' ? `> ${PEER_LIMIT_S} s (cut)` : `failed: ${error.message}`;
		}

		await client.end();
	} else {
		await store.close();
		const {PGlite} = await import('@electric-sql/pglite');
		const db = await PGlite.create(pgliteDir);
		const r0 = process.hrtime.bigint();
		await db.query(RAW_LIST_RELEASES);
		rawList = fmt(ms(r0));
		await db.close();
		store = await openStore(config);
	}

	console.log(`    peer, today's raw-sample listReleases query: ${rawList}`);
	if (args.only === 'releases') {
		await store.close();
		return;
	}

	// 2. Compare pane's first frame with data, and 4. compare in-process
	const frame = await timeIt(async () => {
		const releaseNames = (await store.listReleases()).map((r) => r.name);
		const report = await loadComparison(store, {base: releaseNames.at(-2), candidate: releaseNames.at(-1)});
		const detail = await loadCaseDetail(store, report, report.result.cases[0].caseName);
		return {report, detail};
	}, 3);
	console.log(`  Compare pane first frame with data (release list + comparison + first case's chart of ${frame.result.detail.history.length} releases): ${fmt(frame.median)} [${fmt(frame.min)}–${fmt(frame.max)}] (target ≤ 1 s)`);
	const c0 = Date.now();
	const raw = await rawChart(store, names, caseName(0), c0 + PEER_LIMIT_S * 1000);
	const rawMs = Date.now() - c0;
	console.log(`    peer, today's chart (two queries per release): ${raw.isCut ? `> ${PEER_LIMIT_S} s (cut after ${raw.done} of ${names.length} releases; ~${fmt(rawMs / raw.done * names.length)} extrapolated)` : fmt(rawMs)}`);

	// 3. a new case selection's chart
	let next = 1;
	const selection = await timeIt(async () => loadCaseHistory(store, {caseName: caseName(next++ % CASES), metric: 'wall', mode: 'bare_metal', candidate: {release: candidate}}), 7);
	console.log(`  new case selection's chart (${selection.result.length} releases): ${fmt(selection.median)} [${fmt(selection.min)}–${fmt(selection.max)}] (target ≤ 100 ms); peer as above  (load ${load()})`);

	const compare = await timeIt(async () => loadComparison(store, {base, candidate}), 5);
	if (!url) await store.close();
	const compareCli = runCli(['compare', base, candidate, '--json'], cliEnv);
	console.log(`  compare ${base} ${candidate}: in-process ${fmt(compare.median)} [${fmt(compare.min)}–${fmt(compare.max)}], rqc compare --json process ${fmt(compareCli.median)} (target ≤ 1 s); today's compare reads the same raw samples  (load ${load()})`);
	if (url) await store.close();
}

const results = [];
for (const kind of stores) {
	if (kind === 'postgres' || kind === 'timescale') {
		const server = kind === 'postgres' ? process.env.RQC_TEST_DATABASE_URL : process.env.RQC_TEST_TIMESCALE_URL;
		if (!server) {
			console.log(`\n== ${kind}: skipped (${kind === 'postgres' ? 'RQC_TEST_DATABASE_URL' : 'RQC_TEST_TIMESCALE_URL'} is not set)`);
			continue;
		}

		const db = await createDatabase(server, 'rqc_hist', args.reuse);
		try {
			await measure(kind, {url: db.url, releases: Number(args.releases), isReused: args.reuse !== undefined});
		} finally {
			if (args.keep || args.reuse) console.log(`  kept database ${db.name} (measure again: --store ${kind} --reuse ${db.name})`);
			else await db.drop();
		}
	} else if (kind === 'pglite') {
		const dir = args.reuse ?? mkdtempSync(path.join(os.tmpdir(), 'rqc-history-pglite-'));
		try {
			await measure(kind, {pgliteDir: path.join(dir, 'pglite'), releases: Number(args['pglite-releases']), isReused: args.reuse !== undefined});
		} finally {
			if (args.keep || args.reuse) console.log(`  kept the embedded store in ${dir} (measure again: --store pglite --reuse ${dir})`);
			else rmSync(dir, {recursive: true, force: true});
		}
	}

	results.push(kind);
}

console.log(`\ndone (${results.join(', ')}); load ${load()}`);
