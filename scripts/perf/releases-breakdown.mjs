// Where `rqc releases --json` spends its time (issue 13, point 2): runs the command's steps in a
// fresh Node process, the way dist/cli.js runs them, N times, and prints each step's fastest and
// median time beside Node's own start (node -e 0's wall time) and the whole process.
//
// Usage: npm run build && node scripts/perf/releases-breakdown.mjs --database-url URL [--runs 9]
// The machine is shared: the load average is printed; the fastest run is the least disturbed.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (file) => path.join(root, 'dist', file);
const {values: args} = parseArgs({options: {'database-url': {type: 'string'}, runs: {type: 'string', default: '9'}, step: {type: 'boolean', default: false}}});
const url = args['database-url'];
if (!url) throw new Error('--database-url URL is needed (a store built by history-scale.mjs --keep)');

if (args.step) {
	// One run, in this process: each step timed from the end of the one before.
	const times = {};
	let last = performance.now();
	times['Node start to first line'] = last;
	const mark = (what) => {
		const now = performance.now();
		times[what] = now - last;
		last = now;
	};

	const {pathToFileURL} = await import('node:url');
	const load = async (file) => import(pathToFileURL(dist(file)).href);
	await load('main.js');
	mark('load main (registry, config, errors, text)');
	await load('commands/releases.js');
	mark('load the releases command');
	const {openPgDriver} = await load('store/pg-driver.js');
	const {migrate, SqlStore} = await load('store/sql-store.js');
	mark('load the store modules (pg-driver, sql-store)');
	// pg itself, as openStore loads it: the bundle with its code cache in the data directory.
	const cacheDir = path.join(process.env.RQC_DATA_DIR, 'cache');
	(await load('store/pg-load.js')).loadPg({cacheDir});
	mark('load pg (dist/vendor/pg.cjs, code cache)');
	const {toReleaseListing, releasesJson} = await load('commands/releases.js');
	const driver = await openPgDriver(url, {cacheDir});
	mark('connect (TCP, authentication)');
	await migrate(driver, {sampleRetention: process.env.RQC_SAMPLE_RETENTION});
	mark('schema check');
	const store = new SqlStore(driver);
	const releases = await store.listReleasesWithRuns({runLimit: 100_000});
	mark('listing query, JSON.parse, counts');
	const listing = toReleaseListing(releases);
	mark('environment descriptions');
	const text = releasesJson(listing) + '\n';
	mark(`JSON text (${(text.length / 1e6).toFixed(1)} MB)`);
	await new Promise((resolve) => {
		process.stdout.write(text.slice(0, 0), resolve);
	});
	await store.close();
	mark('close');
	process.stderr.write(JSON.stringify(times) + '\n');
} else {
	const runs = Number(args.runs);
	// One data directory for every run, so pg's code cache is the one the first run wrote.
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-breakdown-'));
	process.on('exit', () => rmSync(dataDir, {recursive: true, force: true}));
	const spawn = (argv, env = {}) => {
		const t0 = performance.now();
		const result = spawnSync(process.execPath, argv, {encoding: 'utf8', env: {...process.env, RQC_DATA_DIR: dataDir, ...env}, maxBuffer: 256 * 1024 * 1024});
		if (result.status !== 0) throw new Error(`${argv.join(' ').slice(0, 80)} exited ${result.status}: ${result.stderr}`);
		return {ms: performance.now() - t0, stderr: result.stderr};
	};

	const steps = [];
	const floor = [];
	const whole = [];
	// A first run, not counted, writes pg's code cache (as a user's first command does once).
	spawn([dist('cli.js'), 'releases', '--json'], {RQC_DATABASE_URL: url});
	for (let i = 0; i < runs; i++) {
		floor.push(spawn(['-e', '0']).ms);
		whole.push(spawn([dist('cli.js'), 'releases', '--json'], {RQC_DATABASE_URL: url}).ms);
		steps.push(JSON.parse(spawn([fileURLToPath(import.meta.url), '--step', '--database-url', url]).stderr.trim().split('\n').at(-1)));
	}

	const stat = (values) => {
		const sorted = [...values].sort((a, b) => a - b);
		return `fastest ${sorted[0].toFixed(1).padStart(6)} ms   median ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(6)} ms`;
	};

	console.log(`rqc releases --json, ${runs} runs each (load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`);
	console.log(`  ${'node -e 0 (the floor)'.padEnd(46)} ${stat(floor)}`);
	console.log(`  ${'rqc releases --json (the whole process)'.padEnd(46)} ${stat(whole)}`);
	console.log('  its steps in one process:');
	for (const key of Object.keys(steps[0])) console.log(`    ${key.padEnd(44)} ${stat(steps.map((s) => s[key]))}`);
	console.log(`  (load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`);
}
