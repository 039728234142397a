// Import memory at history scale (issue 13, point 4: 4.5 million samples import in ≤ 300 MB).
// Builds RELEASES × CASES × SAMPLES in a PostgreSQL database through rqc's own write path (one
// transaction per release, as a nightly run writes), then for each format:
//   1. `rqc export --all` of it, under /usr/bin/time -v: peak RSS and wall time (the peer: the
//      export streams one release at a time);
//   2. `rqc import` of that file into an empty database, under /usr/bin/time -v: peak RSS (target
//      ≤ 300 MB), wall time, and the samples and summaries that arrived;
//   3. the peer in the same run: `psql \copy` of the same sample rows into an empty table like
//      samples in the same target server (time and psql's peak RSS).
// Prints figures, asserts nothing; the machine is shared, so the load average is printed beside each.
//
// Usage: npm run build && node scripts/perf/import-memory.mjs [--releases 3000] [--cases 50]
//          [--samples 30] [--format json,csv] [--source-url URL] [--keep]
// Needs RQC_TEST_DATABASE_URL (a server where it may create databases; they get a random suffix
// and are dropped after, unless --keep). --source-url reuses a store built before (with --keep).
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import pg from 'pg';
import {openStore} from '../../dist/store/open-store.js';
import {createDatabase} from './databases.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {values: args} = parseArgs({options: {
	releases: {type: 'string', default: '3000'},
	cases: {type: 'string', default: '50'},
	samples: {type: 'string', default: '30'},
	format: {type: 'string', default: 'json,csv'},
	'source-url': {type: 'string'},
	keep: {type: 'boolean', default: false},
}});
const RELEASES = Number(args.releases);
const CASES = Number(args.cases);
const PER_CASE = Number(args.samples);
const serverUrl = process.env.RQC_TEST_DATABASE_URL;
if (!serverUrl) {
	console.error('set RQC_TEST_DATABASE_URL (e.g. eval "$(cat /tmp/provision.env)")');
	process.exit(2);
}

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmtS = (v) => `${(v / 1000).toFixed(1)} s`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const day = 24 * 3600 * 1000;
const start = Date.UTC(2018, 0, 1);
const releaseName = (r) => `v${Math.floor(r / 100)}.${r % 100}`;
/** What a nightly run records about where it ran: every CSV row carries it. */
const environment = {
	runtime: 'bare_metal', hostFingerprint: '3f9a1c0e7b2d4e61', gitSha: '0123456789abcdef0123456789abcdef01234567',
	host: {hostname: 'bench-01', cpuModel: 'AMD EPYC 7B13', cores: 2, memoryBytes: 8_335_106_048, kernel: '6.1.0-27-amd64', governor: 'performance', loadAvgStart: [0.12, 0.3, 0.25], nodeVersion: 'v22.11.0'},
};

function samplesOf(runId, r, time) {
	const out = [];
	for (let c = 0; c < CASES; c++) {
		const level = 1e6 * (1 + c / 10) * (1 + 0.05 * Math.sin(r / 40 + c));
		for (let i = 0; i < PER_CASE; i++) {
			const noise = 1 + 0.02 * Math.sin(i * 12.9898 + r * 78.233 + c);
			out.push({runId, caseName: `case-${c + 1}`, iteration: i, time: new Date(time + (c * PER_CASE + i) * 1000), wallNs: Math.round(level * noise),
				userUs: Math.round(level / 1000 * noise), systemUs: 50 + i, maxRssBytes: 10_000_000 + c * 1000 + i, exitCode: 0, isWarmup: i === 0});
		}
	}

	return out;
}

/** Runs a command under GNU time -v: its peak RSS (bytes), wall time (ms) and output. */
function timed(command, argv, env = {}) {
	const t0 = process.hrtime.bigint();
	const result = spawnSync('/usr/bin/time', ['-v', command, ...argv], {env: {...process.env, ...env, NO_COLOR: '1'}, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
	const wall = ms(t0);
	if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
	const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
	return {rss: kb * 1024, ms: wall, stdout: result.stdout};
}

async function query(url, sql) {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		return (await client.query(sql)).rows;
	} finally {
		await client.end();
	}
}

async function buildSource(url) {
	const store = await openStore({databaseUrl: url, pgliteDir: ''});
	const t0 = process.hrtime.bigint();
	try {
		for (let r = 0; r < RELEASES; r++) {
			const time = start + r * day;
			await store.transaction(async (tx) => {
				const run = await tx.createRun({release: releaseName(r), suite: 'nightly', mode: 'bare_metal', environment, startedAt: new Date(time)});
				await tx.insertSamples(samplesOf(run.id, r, time));
				await tx.finishRun(run.id, 'completed', {endedAt: new Date(time + 3_600_000)});
			});
			if ((r + 1) % 500 === 0) console.log(`  built ${r + 1} releases in ${fmtS(ms(t0))} (load ${load()})`);
		}
	} finally {
		await store.close();
	}
}

const cli = path.join(root, 'dist/cli.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-import-memory-'));
const made = [];
try {
	console.log(`import memory: ${RELEASES} releases × ${CASES} cases × ${PER_CASE} samples = ${(RELEASES * CASES * PER_CASE).toLocaleString('en')} samples  (load ${load()})`);
	let sourceUrl = args['source-url'];
	if (!sourceUrl) {
		const source = await createDatabase(serverUrl, 'rqc_impmem_src');
		made.push(source);
		sourceUrl = source.url;
		console.log(`building the source store in ${source.name} through rqc's write path`);
		await buildSource(sourceUrl);
	}

	const [{n: sourceSamples}] = await query(sourceUrl, 'SELECT count(*)::bigint AS n FROM samples');
	console.log(`source: ${Number(sourceSamples).toLocaleString('en')} samples  (load ${load()})`);

	// The peer's rows: the source's samples as psql's COPY text, written once.
	const rowsFile = path.join(dir, 'samples.tsv');
	const columns = 'run_id,case_name,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics';
	const dumped = spawnSync('psql', [sourceUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy (SELECT ${columns} FROM samples) TO '${rowsFile}'`], {encoding: 'utf8'});
	if (dumped.status !== 0) throw new Error(`psql: ${dumped.stderr}`);

	for (const format of args.format.split(',')) {
		console.log(`\n== ${format}`);
		const file = path.join(dir, `all.${format}`);
		const exported = timed(process.execPath, [cli, 'export', '--all', '--format', format, '--output', file], {RQC_DATABASE_URL: sourceUrl});
		console.log(`  rqc export --all --format ${format}: peak RSS ${mb(exported.rss)}, ${fmtS(exported.ms)}, file ${mb(statSync(file).size)}  (load ${load()})`);

		const target = await createDatabase(serverUrl, 'rqc_impmem_dst');
		made.push(target);
		const imported = timed(process.execPath, [cli, 'import', file, '--json'], {RQC_DATABASE_URL: target.url});
		const [counts] = await query(target.url, `SELECT (SELECT count(*) FROM samples)::bigint AS samples, (SELECT count(*) FROM releases)::bigint AS releases,
			(SELECT count(*) FROM run_case_summaries WHERE metric = 'wall')::bigint AS pairs, (SELECT sum(sample_count) FROM runs)::bigint AS counted`);
		const summary = JSON.parse(imported.stdout);
		console.log(`  rqc import ${path.basename(file)}: peak RSS ${mb(imported.rss)} (target ≤ 300 MB), ${fmtS(imported.ms)} = ${Math.round(Number(counts.samples) / imported.ms * 1000).toLocaleString('en')} samples/s; `
			+ `stored ${Number(counts.samples).toLocaleString('en')} samples in ${counts.releases} releases, ${counts.pairs} (run, case) summaries, runs count ${Number(counts.counted).toLocaleString('en')}; reported ${summary.runs.length} runs  (load ${load()})`);

		const psql = (sql) => timed('psql', [target.url, '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
		psql('CREATE TABLE samples_copy_peer (LIKE samples INCLUDING ALL)');
		const peer = psql(`\\copy samples_copy_peer (${columns}) FROM '${rowsFile}'`);
		psql('DROP TABLE samples_copy_peer');
		console.log(`  peer: psql \\copy of the same ${Number(sourceSamples).toLocaleString('en')} rows into a table like samples: ${fmtS(peer.ms)}, psql peak RSS ${mb(peer.rss)}  (load ${load()})`);
		if (!args.keep) {
			await target.drop();
			made.splice(made.indexOf(target), 1);
		}

		rmSync(file, {force: true});
	}
} finally {
	rmSync(dir, {recursive: true, force: true});
	if (args.keep) {
		for (const db of made) console.log(`kept database ${db.name}: ${db.url.replace(/\/\/[^@]*@/, '//')}`);
	} else {
		for (const db of made) await db.drop();
	}
}
