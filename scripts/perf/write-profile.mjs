// Profiles the nightly write path (issue 13, point 2): per release, createRun, insertSamples
// (CASES × SAMPLES rows) and finishRun, as a nightly run writes; counts the round trips to the
// server, times each statement kind and measures this process's CPU time per phase (the client's
// share: encoding, summaries, the protocol), averaged over the releases written after a warm-up.
//
// Usage: npm run build && node scripts/perf/write-profile.mjs [--store postgres,timescale] [--releases 40]
//          [--cases 50] [--samples 30]
// Writes into a random database on RQC_TEST_DATABASE_URL's (or RQC_TEST_TIMESCALE_URL's) server,
// dropped after. Prints the load average: the machine is shared.
import os from 'node:os';
import {parseArgs} from 'node:util';
import {openStore} from '../../dist/store/open-store.js';
// The pg rqc uses: the build's bundle (dist/vendor/pg.cjs), loaded once per process.
import {loadPg} from '../../dist/store/pg-load.js';

const pg = loadPg();

const {values: args} = parseArgs({options: {
	store: {type: 'string', default: 'postgres,timescale'},
	releases: {type: 'string', default: '40'},
	cases: {type: 'string', default: '50'},
	samples: {type: 'string', default: '30'},
}});
const RELEASES = Number(args.releases);
const CASES = Number(args.cases);
const PER_CASE = Number(args.samples);
const WARMUP = Math.min(5, Math.floor(RELEASES / 4));
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Every statement the store sends goes through pg.Client#query (COPY and the driver's copy script
// too, as submittables): time each from send to its result. A copy script (BEGIN, COPYs and a
// statement in one message) counts as one round trip.
let log;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
	const text = typeof config === 'string' ? config : (config?.text ?? (config?.constructor?.name === 'CopyStreamQuery' ? 'COPY … FROM STDIN' : '?'));
	const t0 = process.hrtime.bigint();
	const label = text.replace(/\s+/g, ' ').trim().slice(0, 60);
	// Pool#query hands a callback (as the last argument): wrap it.
	const last = typeof values === 'function' ? 'values' : (typeof callback === 'function' ? 'callback' : undefined);
	if (log && last) {
		const entries = log;
		const original = last === 'values' ? values : callback;
		const wrapped = (...results) => {
			entries.push({label, ms: ms(t0)});
			return original(...results);
		};
		if (last === 'values') values = wrapped;
		else callback = wrapped;
	}

	const result = originalQuery.call(this, config, values, callback);
	if (log && last) {
		// Logged by the callback.
	} else if (log && result && typeof result.then === 'function') {
		result.then(() => log?.push({label, ms: ms(t0)}), () => log?.push({label: `${label} (failed)`, ms: ms(t0)}));
	} else if (log && config?.done && typeof config.done.then === 'function') {
		config.done.then(() => log?.push({label, ms: ms(t0)}), () => log?.push({label: `${label} (failed)`, ms: ms(t0)}));
	} else if (log && config && typeof config.on === 'function') {
		const done = () => log?.push({label, ms: ms(t0)});
		config.on('finish', done);
		config.on('error', done);
	}

	return result;
};

function samplesOf(runId, r, time) {
	const out = [];
	for (let c = 0; c < CASES; c++) {
		const level = 1e6 * (1 + c / 10);
		for (let i = 0; i < PER_CASE; i++) {
			const noise = 1 + 0.02 * Math.sin(i * 12.9898 + r * 78.233 + c);
			out.push({runId, caseName: `case-${c + 1}`, iteration: i, time: new Date(time + (c * PER_CASE + i) * 1000), wallNs: Math.round(level * noise),
				userUs: Math.round(level / 1000 * noise), systemUs: 50 + i, maxRssBytes: 10_000_000 + c * 1000 + i, exitCode: 0});
		}
	}

	return out;
}

async function profile(kind, serverUrl) {
	const name = `rqc_wprof_${Math.random().toString(36).slice(2, 8)}`;
	const admin = new pg.Client({connectionString: serverUrl});
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	try {
		const store = await openStore({databaseUrl: url.toString(), pgliteDir: ''});
		const phases = {createRun: [], insertSamples: [], finishRun: []};
		const statements = new Map();
		for (let r = 0; r < RELEASES; r++) {
			const time = Date.UTC(2020, 0, 1) + r * 86_400_000;
			const isCounted = r >= WARMUP;
			const step = async (phase, fn) => {
				log = [];
				const c0 = process.cpuUsage();
				const t0 = process.hrtime.bigint();
				const result = await fn();
				const took = ms(t0);
				const used = process.cpuUsage(c0);
				await new Promise((resolve) => setImmediate(resolve));
				if (isCounted) {
					phases[phase].push({ms: took, trips: log.length, cpu: (used.user + used.system) / 1000});
					for (const entry of log) {
						const key = `${phase}: ${entry.label}`;
						const s = statements.get(key) ?? {n: 0, ms: 0};
						s.n++;
						s.ms += entry.ms;
						statements.set(key, s);
					}
				}

				log = undefined;
				return result;
			};

			const run = await step('createRun', () => store.createRun({release: `v${r}`, suite: 'nightly', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt: new Date(time)}));
			const rows = samplesOf(run.id, r, time);
			await step('insertSamples', () => store.insertSamples(rows));
			await step('finishRun', () => store.finishRun(run.id, 'completed', {endedAt: new Date(time + 3_600_000)}));
		}

		await store.close();
		const counted = RELEASES - WARMUP;
		const rowsPerRelease = CASES * PER_CASE;
		console.log(`\n== ${kind}: ${counted} releases of ${rowsPerRelease} rows profiled (after ${WARMUP} warm-up)  (load ${load()})`);
		let total = 0;
		for (const [phase, list] of Object.entries(phases)) {
			const mean = list.reduce((a, b) => a + b.ms, 0) / list.length;
			total += mean;
			const cpu = list.map((e) => e.cpu).sort((a, b) => a - b);
			console.log(`  ${phase.padEnd(14)} ${mean.toFixed(2).padStart(7)} ms a release, ${(list.reduce((a, b) => a + b.trips, 0) / list.length).toFixed(1)} round trips; this process's CPU ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(2)} ms (median ${cpu[cpu.length >> 1].toFixed(2)})`);
		}

		console.log(`  ${'all three'.padEnd(14)} ${total.toFixed(2).padStart(7)} ms a release = ${Math.round(rowsPerRelease / total * 1000).toLocaleString('en')} rows/s; insertSamples alone ${Math.round(rowsPerRelease / (phases.insertSamples.reduce((a, b) => a + b.ms, 0) / counted) * 1000).toLocaleString('en')} rows/s`);
		console.log('  statements (mean ms each, per release):');
		for (const [key, s] of statements) console.log(`    ${(s.ms / s.n).toFixed(2).padStart(7)} ms ×${(s.n / counted).toFixed(1)}  ${key}`);
	} finally {
		// Another role's session (a monitor visiting every database) can hold it a moment.
		for (let attempt = 1; ; attempt++) {
			try {
				await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
				break;
			} catch (error) {
				if (attempt >= 10) {
					console.error(`could not drop database ${name}: ${error.message}; drop it by hand`);
					process.exitCode = 1;
					break;
				}
				await new Promise((resolve) => setTimeout(resolve, 2000));
			}
		}

		await admin.end();
	}
}

for (const kind of args.store.split(',')) {
	const server = kind === 'postgres' ? process.env.RQC_TEST_DATABASE_URL : process.env.RQC_TEST_TIMESCALE_URL;
	if (!server) {
		console.log(`\n== ${kind}: skipped (${kind === 'postgres' ? 'RQC_TEST_DATABASE_URL' : 'RQC_TEST_TIMESCALE_URL'} is not set)`);
		continue;
	}

	await profile(kind, server);
}
