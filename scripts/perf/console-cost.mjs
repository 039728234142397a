#!/usr/bin/env node
/**
 * Console cost (issue 10 point 7): what an open rqc console costs the host it measures, beside
 * peers measured in the same run and the same terminal size (tmux, private socket):
 *   - `top -d 1` (a terminal program that redraws every second),
 *   - a minimal Ink app that redraws a clock every second (Ink's own floor for a live screen),
 *   - rqc idle on each pane (Services, Benchmarks, Compare) with the embedded store and PostgreSQL,
 *   - rqc on the Services pane watching N busy containers, plus what dockerd, containerd and the
 *     containers' shims spend above their baseline without a console, beside a minimal Ink app that
 *     draws a table of N rows with new numbers every second (Ink's floor for such a screen),
 *   - with --quiet-check: the median of a CPU-bound bare-metal case with a console open on the
 *     Services pane (N containers) against no console, in alternating runs.
 * CPU is utime+stime from /proc/<pid>/stat over the window (% of one core), RSS is VmRSS at the
 * end, and "bytes drawn" is what the program wrote to its terminal during the window (tmux
 * pipe-pane): 0 means nothing was redrawn.
 *
 * Usage: npm run build && node scripts/perf/console-cost.mjs [--window 30] [--warmup 10] [--n 20]
 *        [--stores pglite,postgres] [--panes 1,2,3] [--no-busy] [--quiet-check] [--rounds 5]
 *        [--cli dist/cli.js] [--node-options="--max-semi-space-size=4"] (given to every rqc process)
 *        [--busy-only] [--alt-cli other/dist/cli.js] [--alt-node-options="…"] [--busy-rounds 3]
 * --busy-only measures the busy case alone (no idle panes, no top or clock peers); with --alt-cli
 * the busy case alternates the two builds --busy-rounds times each (an A/B of a change: the CPU
 * of one 30 s window moves by ±0.5 % of a core from run to run, more than many changes);
 * --alt-node-options replaces --node-options for the alternate build.
 * PostgreSQL: RQC_PERF_DATABASE_URL or RQC_TEST_DATABASE_URL (a database rqc_perf_<random> is
 * created on that server and dropped after). Docker: a local engine and the rqc-busybox:test image.
 * Targets: idle <= 0.3 % of a core on every pane, either store; N = 20 busy containers: rqc plus
 * the engine's extra <= 2 %; RSS with PostgreSQL <= 120 MB; bytes drawn when idle: 0.
 * Other people share this machine: read the figures beside the peers of the same run and the
 * load average printed with them.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {cpuSeconds, engineCpu, rssMiB} from './proc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {values: args} = parseArgs({
	options: {
		window: {type: 'string', default: '30'},
		warmup: {type: 'string', default: '10'},
		n: {type: 'string', default: '20'},
		stores: {type: 'string', default: 'pglite,postgres'},
		panes: {type: 'string', default: '1,2,3'},
		'no-busy': {type: 'boolean', default: false},
		'quiet-check': {type: 'boolean', default: false},
		rounds: {type: 'string', default: '5'},
		cli: {type: 'string', default: ''},
		'node-options': {type: 'string', default: ''},
		'busy-only': {type: 'boolean', default: false},
		'alt-cli': {type: 'string', default: ''},
		'alt-node-options': {type: 'string', default: ''},
		'busy-rounds': {type: 'string', default: '1'},
		columns: {type: 'string', default: '120'},
		rows: {type: 'string', default: '40'},
	},
});
const WINDOW_S = Number(args.window);
const WARMUP_S = Number(args.warmup);
const N = Number(args.n);
const COLUMNS = Number(args.columns);
const ROWS = Number(args.rows);
const cli = args.cli ? path.resolve(args.cli) : path.join(root, 'dist/cli.js');
const altCli = args['alt-cli'] ? path.resolve(args['alt-cli']) : '';
const suffix = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const socket = `rqcperf-${suffix}`;
const temp = mkdtempSync(path.join(os.tmpdir(), 'rqc-console-cost-'));
const sleep = (ms) => new Promise((resolve) => {
	setTimeout(resolve, ms);
});
const log = (text) => process.stderr.write(`[console-cost] ${text}\n`);
const paneNames = {1: 'Services', 2: 'Benchmarks', 3: 'Compare'};

function fileSize(file) {
	try {
		return statSync(file).size;
	} catch {
		return 0;
	}
}

function tmux(...argv) {
	return execFileSync('tmux', ['-L', socket, ...argv], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
}

let sessionCount = 0;
/** Starts a command in a detached tmux session of the fixed size; returns its pid and output log. */
async function startInTmux(command, env = {}) {
	const name = `s${++sessionCount}`;
	// The environment goes through a private script, never a command line (it may hold a database password).
	const script = path.join(temp, `${name}.sh`);
	writeFileSync(script, `${Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n')}\nexec ${command}\n`, {mode: 0o600});
	tmux('new-session', '-d', '-s', name, '-x', String(COLUMNS), '-y', String(ROWS), `exec sh ${script}`);
	const pid = Number(tmux('list-panes', '-t', name, '-F', '#{pane_pid}'));
	const output = path.join(temp, `${name}.out`);
	tmux('pipe-pane', '-o', '-t', name, `cat >> ${output}`);
	return {name, pid, output, keys: (...keys) => tmux('send-keys', '-t', name, ...keys), stop: () => tmux('kill-session', '-t', name)};
}

function shellQuote(value) {
	return `'${String(value).replaceAll("'", "'\\''")}'`;
}

/** The containers whose shims count as the engine's cost. */
let watchedIds = new Set();

/** Measures a started program over the window: its CPU, RSS, bytes drawn, and the engine's CPU. */
async function measure(label, program) {
	await sleep(WARMUP_S * 1000);
	const cpu0 = cpuSeconds(program.pid);
	const engine0 = engineCpu(watchedIds);
	const bytes0 = fileSize(program.output);
	const t0 = performance.now();
	await sleep(WINDOW_S * 1000);
	const seconds = (performance.now() - t0) / 1000;
	const row = {
		label,
		cpuPercent: ((cpuSeconds(program.pid) - cpu0) / seconds) * 100,
		engineCpuPercent: ((engineCpu(watchedIds) - engine0) / seconds) * 100,
		rssMiB: rssMiB(program.pid),
		bytesDrawn: fileSize(program.output) - bytes0,
		load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
	};
	log(`${label}: ${row.cpuPercent.toFixed(2)} % CPU, ${row.rssMiB.toFixed(0)} MiB, ${row.bytesDrawn} bytes drawn (load ${row.load})`);
	return row;
}

async function measureCommand(label, command, env, keys = []) {
	const program = await startInTmux(command, env);
	try {
		if (keys.length > 0) {
			await sleep(2000);
			program.keys(...keys);
		}

		return await measure(label, program);
	} finally {
		program.stop();
	}
}

const inkClock = path.join(temp, 'ink-clock.mjs');
writeFileSync(inkClock, `
import React, {useEffect, useState} from ${JSON.stringify(path.join(root, 'node_modules/react/index.js'))};
import {render, Box, Text} from ${JSON.stringify(path.join(root, 'node_modules/ink/build/index.js'))};
process.env.NODE_ENV ??= 'production';
function Clock() {
	const [now, setNow] = useState(new Date());
	useEffect(() => {
		const timer = setInterval(() => setNow(new Date()), 1000);
		return () => clearInterval(timer);
	}, []);
	return React.createElement(Box, {flexDirection: 'column'}, React.createElement(Text, null, 'a console that redraws every second'), React.createElement(Text, null, now.toISOString()));
}
render(React.createElement(Clock));
`);

// The busy case's peer: Ink drawing a screen like the Services pane's (a table of N rows, coloured
// cells, every number new every second) with nothing behind it: Ink's own floor for that screen.
const inkTable = path.join(temp, 'ink-table.mjs');
writeFileSync(inkTable, `
import React, {useEffect, useState} from ${JSON.stringify(path.join(root, 'node_modules/react/index.js'))};
import {render, Box, Text} from ${JSON.stringify(path.join(root, 'node_modules/ink/build/index.js'))};
process.env.NODE_ENV ??= 'production';
const h = React.createElement;
function Table() {
	const [t, setT] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setT((x) => x + 1), 1000);
		return () => clearInterval(timer);
	}, []);
	const rows = [];
	for (let i = 0; i < ${N}; i++) {
		const cpu = ((i * 7 + t * 13) % 50 + 40 + (t % 10) / 10).toFixed(1);
		rows.push(h(Box, {key: i},
			h(Text, null, ('busy-' + i).padEnd(33)),
			h(Text, {color: 'green'}, 'running'.padEnd(11)),
			h(Text, {dimColor: true}, 'none'.padEnd(10)),
			h(Text, null, cpu.padStart(6) + '  ' + String(600 + (i + t) % 40).padStart(5) + ' KiB / 2.0 GiB' + String(t).padStart(6) + 's  0' + String((t * 31 + i) % 900).padStart(8) + ' B/s' + '0 B/s'.padStart(10) + '  2')));
	}
	return h(Box, {flexDirection: 'column'}, h(Text, {bold: true}, 'NAME'.padEnd(33) + 'STATE'.padEnd(11) + 'HEALTH'.padEnd(10) + '  CPU%   MEM/LIMIT'), ...rows);
}
render(h(Table));
`);

function rqcEnv(store, extra = {}) {
	return {
		HOME: temp,
		XDG_CONFIG_HOME: path.join(temp, 'config'),
		RQC_DATA_DIR: path.join(temp, `data-${store.name}`),
		RQC_PROJECT: project,
		// A lock directory of this run's own: another user's benchmark run holding the host's lock
		// would make the measured console quiet (no sampling) and its figure meaningless.
		RQC_LOCK_DIR: temp,
		TERM: 'xterm-256color',
		NODE_ENV: 'production',
		...(args['node-options'] ? {NODE_OPTIONS: args['node-options']} : {}),
		...(store.url ? {RQC_DATABASE_URL: store.url} : {}),
		...extra,
	};
}

const project = `rqcperf${suffix}`;

async function withPostgres(body) {
	const base = process.env.RQC_PERF_DATABASE_URL ?? process.env.RQC_TEST_DATABASE_URL;
	if (!base) {
		log('no RQC_PERF_DATABASE_URL / RQC_TEST_DATABASE_URL: PostgreSQL cases skipped');
		return;
	}

	const {default: pg} = await import(path.join(root, 'node_modules/pg/lib/index.js'));
	const name = `rqc_perf_${suffix}`;
	const admin = new pg.Client({connectionString: base});
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	try {
		await body(url.toString());
	} finally {
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
		await admin.end();
	}
}

function startContainers() {
	const ids = [];
	// Each does a little work every second (the figures on screen move), about 1-2 % of a core in all.
	const script = 'while :; do i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; sleep 1; done';
	for (let i = 0; i < N; i++) {
		ids.push(execFileSync('docker', ['run', '-d', '--name', `${project}-busy-${i}`, '--label', `com.docker.compose.project=${project}`,
			'--label', `com.docker.compose.service=busy-${i}`, 'rqc-busybox:test', 'sh', '-c', script], {encoding: 'utf8'}).trim());
	}

	watchedIds = new Set(ids);
	return ids;
}

function removeContainers(ids) {
	if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], {stdio: 'ignore'});
}

/** A bare-metal run of a CPU-bound case; returns its median wall time in ms (from --json). */
function runCpuBound(store) {
	const suite = path.join(temp, 'cpu-bound.yaml');
	writeFileSync(suite, 'name: cpu-bound\ncases:\n  - {name: spin, command: [sh, -c, "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"], iterations: 15, warmup: 2}\n');
	const result = spawnSync('node', [cli, 'bench', 'run', suite, '--release', `perf-${suffix}`, '--mode', 'bare-metal', '--json'], {
		encoding: 'utf8', env: {...process.env, ...rqcEnv(store)},
	});
	if (result.status !== 0) throw new Error(`bench run failed: ${result.stderr}`);
	const json = JSON.parse(result.stdout);
	const ns = json.run?.summaries?.find((c) => c.caseName === 'spin' || c.name === 'spin')?.medianNs;
	if (typeof ns !== 'number') throw new Error(`no median in: ${result.stdout.slice(0, 400)}`);
	return ns / 1e6;
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function mad(values) {
	const m = median(values);
	return median(values.map((v) => Math.abs(v - m)));
}

async function main() {
	// A session that lives for the whole run: tmux's server exits with its last session.
	tmux('new-session', '-d', '-s', 'keeper', 'sleep 86400');
	const rows = [];
	log(`${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; window ${WINDOW_S} s after ${WARMUP_S} s; terminal ${COLUMNS}x${ROWS}; ${cli}`);
	if (!args['busy-only']) {
		rows.push(await measureCommand('peer: top -d 1', 'top -d 1', {TERM: 'xterm-256color'}));
		rows.push(await measureCommand('peer: Ink clock (redraws every second)', `node ${inkClock}`, {TERM: 'xterm-256color'}));
	}

	const stores = [];
	const wanted = args.stores.split(',');
	const panes = args.panes.split(',').filter((p) => p in paneNames);
	const runStore = async (store) => {
		stores.push(store);
		// Create the store (and apply migrations) first: the idle figure is not the first start's work.
		const prepared = spawnSync('node', [cli, 'releases', '--json'], {encoding: 'utf8', env: {...process.env, ...rqcEnv(store)}});
		if (prepared.status !== 0) throw new Error(`cannot prepare the ${store.name} store: ${prepared.stderr}`);
		if (args['busy-only']) return;
		for (const pane of panes) {
			rows.push(await measureCommand(`rqc idle, ${paneNames[pane]} pane, ${store.name}`, `node ${cli}`, rqcEnv(store), [pane]));
		}
	};

	if (wanted.includes('pglite')) await runStore({name: 'embedded'});
	const ids = [];
	try {
		if (wanted.includes('postgres')) {
			await withPostgres(async (url) => {
				await runStore({name: 'postgres', url});
				if (!args['no-busy'] || args['quiet-check']) ids.push(...startContainers());
				if (!args['no-busy']) {
					await sleep(3000);
					rows.push(await measureCommand('engine baseline: N busy containers, no console', 'sleep 3600', {}));
					for (let round = 0; round < Number(args['busy-rounds']); round++) {
						rows.push(await measureCommand(`rqc, Services pane, ${N} busy containers, postgres${altCli ? ', --cli' : ''}`, `node ${cli}`, rqcEnv({name: 'postgres', url}), ['1']));
						if (altCli) rows.push(await measureCommand(`rqc, Services pane, ${N} busy containers, postgres, --alt-cli`, `node ${altCli}`, {...rqcEnv({name: 'postgres', url}), NODE_OPTIONS: args['alt-node-options'] || args['node-options']}, ['1']));
					}

					rows.push(await measureCommand(`peer: Ink table of ${N} rows, new numbers every second`, `node ${inkTable}`, {TERM: 'xterm-256color', NODE_ENV: 'production'}));
				}

				if (args['quiet-check']) await quietCheck({name: 'postgres', url});
			});
		}
	} finally {
		removeContainers(ids);
	}

	process.stdout.write(`\nconsole cost, ${COLUMNS}x${ROWS}, window ${WINDOW_S} s (after ${WARMUP_S} s), ${os.cpus().length} cores\n`);
	process.stdout.write(`${'case'.padEnd(56)} ${'CPU %'.padStart(7)} ${'engine %'.padStart(9)} ${'RSS MiB'.padStart(8)} ${'bytes drawn'.padStart(12)}  load\n`);
	for (const row of rows) {
		process.stdout.write(`${row.label.padEnd(56)} ${row.cpuPercent.toFixed(2).padStart(7)} ${row.engineCpuPercent.toFixed(2).padStart(9)} ${row.rssMiB.toFixed(0).padStart(8)} ${String(row.bytesDrawn).padStart(12)}  ${row.load}\n`);
	}

	const baseline = rows.find((r) => r.label.startsWith('engine baseline'));
	const busy = rows.find((r) => r.label.includes('busy containers, postgres'));
	if (baseline && busy) {
		const extra = busy.engineCpuPercent - baseline.engineCpuPercent;
		// Other people's containers and API calls make the engine's own figure noisy: below its baseline means "not measurable".
		const engineText = extra > 0 ? `engine extra ${extra.toFixed(2)} %` : `engine extra not measurable (${extra.toFixed(2)} % against its baseline)`;
		process.stdout.write(`\nwatching ${N} busy containers: rqc ${busy.cpuPercent.toFixed(2)} % + ${engineText} = ${(busy.cpuPercent + Math.max(0, extra)).toFixed(2)} % of a core (target <= 2 %)\n`);
	}

	for (const which of altCli ? ['--cli', '--alt-cli'] : []) {
		const mine = rows.filter((r) => r.label.endsWith(`, ${which}`));
		process.stdout.write(`busy, ${which} ${which === '--cli' ? cli : altCli}: CPU median ${median(mine.map((r) => r.cpuPercent)).toFixed(2)} % (${mine.map((r) => r.cpuPercent.toFixed(2)).join(' ')}), RSS median ${median(mine.map((r) => r.rssMiB)).toFixed(0)} MiB (${mine.map((r) => r.rssMiB.toFixed(0)).join(' ')})\n`);
	}
}

/** Alternating runs of a CPU-bound case without and with a console (Services pane, N containers). */
async function quietCheck(store) {
	const rounds = Number(args.rounds);
	const without = [];
	const withConsole = [];
	runCpuBound(store); // builds the measuring helper into the data directory; not counted
	for (let round = 0; round < rounds; round++) {
		without.push(runCpuBound(store));
		const program = await startInTmux(`node ${cli}`, rqcEnv(store));
		try {
			await sleep(5000);
			program.keys('1');
			await sleep(2000);
			const bytes0 = fileSize(program.output);
			withConsole.push(runCpuBound(store));
			log(`round ${round + 1}: without ${without.at(-1).toFixed(2)} ms, with console ${withConsole.at(-1).toFixed(2)} ms (console drew ${fileSize(program.output) - bytes0} bytes during the run)`);
			const screen = tmux('capture-pane', '-p', '-t', program.name);
			if (round === 0) log(`status line during the run: ${screen.split('\n').filter((line) => line.trim() !== '').at(-1)}`);
		} finally {
			program.stop();
		}
	}

	process.stdout.write(`\nquiet-mode check (${rounds} alternating rounds, CPU-bound bare-metal case, median ms ± MAD of the per-run medians)\n`);
	process.stdout.write(`  no console:                          ${median(without).toFixed(2)} ± ${mad(without).toFixed(2)}\n`);
	process.stdout.write(`  console on Services, ${N} containers:  ${median(withConsole).toFixed(2)} ± ${mad(withConsole).toFixed(2)}\n`);
}

try {
	await main();
} finally {
	spawnSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
	rmSync(temp, {recursive: true, force: true});
}
