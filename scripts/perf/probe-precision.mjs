// How precisely this host lets rqc adjust for the container (issue 15, point 5), measured outside
// the tests, which assert only what rqc does with what it measured. Calibrates with rqc's own
// workloads (cpu-float, syscalls, file-io), then measures rqc-probe (a static program rqc never
// calibrated: a CPU-bound and an I/O-bound case) in attempts: each alternates the same release
// bare metal and in a pinned container, and a 5% slower release in the container. Prints, per
// attempt and probe, the adjusted same-release change with its interval and verdict, and the 5%
// slower one's; then how many attempts met the issue's bounds (same release within ±3% and not a
// change, the slower one a regression), against the raw (unadjusted) comparison of the same runs
// as the peer: what adjusting bought on this host, in the same minutes. A second peer is the
// adjusted comparison with single samples resampled only (withRunIntervals: false), as rqc did
// before it resampled whole runs too: what that bought against spells, on the same runs.
//
// Usage: npm run build && node scripts/perf/probe-precision.mjs [--attempts 3] [--alternations 8]
//          [--calibration-s 150] [--image rqc-busybox:test]
// The image must have a shell (scripts/ci/provision.sh builds rqc-busybox:test); a C compiler
// builds rqc-probe. Uses an embedded store in a temporary directory. Prints the load average:
// the machine is shared.
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {runCalibration} from '../../dist/bench/run-calibration.js';
import {runBenchmark} from '../../dist/bench/runner.js';
import {loadSuite} from '../../dist/bench/suite.js';
import {ensureStaticProgram} from '../../dist/bench/workloads.js';
import {loadComparison} from '../../dist/compare/load-comparison.js';
import {openStore} from '../../dist/store/open-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {values: args} = parseArgs({options: {
	'attempts': {type: 'string', default: '3'},
	'alternations': {type: 'string', default: '8'},
	'calibration-s': {type: 'string', default: '150'},
	'image': {type: 'string', default: 'rqc-busybox:test'},
}});
const ATTEMPTS = Number(args.attempts);
const ALTERNATIONS = Number(args.alternations);
const limits = {cpus: 1, memory: '512m'};
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const pct = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;
// The quartiles of each side (µs of CPU time) show a spell: a side whose p75 stands far above its median.
const quartiles = (side) => `${Math.round(side.p25)}/${Math.round(side.median)}/${Math.round(side.p75)}`;
const describe = (row) => `${pct(row.changePct)} [${pct(row.changeLowPct)}, ${pct(row.changeHighPct)}] ${row.verdict}${row.intervalBasis === 'runs' ? ' (from runs)' : ''} (p25/median/p75 ${quartiles(row.base)} vs ${quartiles(row.candidate)})`;
const VARIANTS = [
	{label: 'adjusted', request: {}},
	{label: 'adjusted, samples only', request: {withRunIntervals: false}},
	{label: 'raw', request: {noAdjust: true}},
];

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-probe-precision-'));
const store = await openStore({databaseUrl: undefined, pgliteDir: path.join(dataDir, 'pglite')});
try {
	const probe = await ensureStaticProgram(path.join(root, 'test/integration/calibration/rqc-probe.c'), 'rqc-probe', dataDir);
	copyFileSync(probe, path.join(dataDir, 'rqc-probe'));
	const suiteFile = (scalePct) => {
		const file = path.join(dataDir, `probe-${scalePct}.yaml`);
		const command = (kind) => `["./rqc-probe", "${kind}", "--scale", "${scalePct}"]`;
		// The same iterations as the test: the I/O probe spreads more and needs more samples.
		writeFileSync(file, `name: probe\ndefaults:\n  warmup: 1\ncases:\n  - name: probe-cpu\n    command: ${command('cpu')}\n    cwd: .\n    iterations: 4\n  - name: probe-io\n    command: ${command('io')}\n    cwd: .\n    iterations: 12\n`);
		return file;
	};

	const same = await loadSuite(suiteFile(100));
	const slower = await loadSuite(suiteFile(105));
	const deps = {store, config: {dataDir, dockerHost: undefined}, signal: new AbortController().signal};
	console.log(`calibrating ${args['calibration-s']} s with cpu-float, syscalls, file-io in ${args.image} (${limits.cpus} cpu, ${limits.memory}); load ${load()}`);
	const calibration = await runCalibration({image: args.image, limits, workloads: ['cpu-float', 'syscalls', 'file-io'], rounds: 3, iterationsPerRound: 2, maxTimeMs: Number(args['calibration-s']) * 1000}, deps);
	for (const workload of ['cpu-float', 'file-io']) {
		const cpu = calibration.cases[workload]?.cpu;
		console.log(`  ${workload} cpu ×${cpu?.ratio.toFixed(3)} [${cpu?.low.toFixed(3)}, ${cpu?.high.toFixed(3)}] drift ${((cpu?.drift ?? Number.NaN) * 100).toFixed(2)}%`);
	}

	const met = Object.fromEntries(VARIANTS.map((v) => [v.label, {'probe-cpu': 0, 'probe-io': 0}]));
	const falseChanges = Object.fromEntries(VARIANTS.map((v) => [v.label, {'probe-cpu': 0, 'probe-io': 0}]));
	const meets = (sameRow, slowerRow) => sameRow.changeLowPct >= -3 && sameRow.changeHighPct <= 3 && !['regression', 'improvement'].includes(sameRow.verdict) && slowerRow.verdict === 'regression';
	for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
		const base = `base-${attempt}`;
		const next = `next-${attempt}`;
		for (let i = 0; i < ALTERNATIONS; i++) {
			await runBenchmark({suite: same, mode: 'bare_metal', release: base, isInterleaved: true}, deps);
			await runBenchmark({suite: same, mode: 'docker', release: base, image: args.image, limits, isInterleaved: true}, deps);
			await runBenchmark({suite: slower, mode: 'docker', release: next, image: args.image, limits, isInterleaved: true}, deps);
		}

		console.log(`attempt ${attempt}: ${ALTERNATIONS} alternations; load ${load()}`);
		for (const variant of VARIANTS) {
			const sameReport = await loadComparison(store, {base: `${base}@bare-metal`, candidate: `${base}@docker`, metric: 'cpu', ...variant.request});
			const slowerReport = await loadComparison(store, {base: `${base}@bare-metal`, candidate: `${next}@docker`, metric: 'cpu', ...variant.request});
			for (const caseName of ['probe-cpu', 'probe-io']) {
				const sameRow = sameReport.result.cases.find((r) => r.caseName === caseName);
				const slowerRow = slowerReport.result.cases.find((r) => r.caseName === caseName);
				const isMet = meets(sameRow, slowerRow);
				if (isMet) met[variant.label][caseName]++;
				if (['regression', 'improvement'].includes(sameRow.verdict)) falseChanges[variant.label][caseName]++;
				console.log(`  ${variant.label.padEnd(22)} ${caseName}: same ${describe(sameRow)}; 5% slower ${describe(slowerRow)}${isMet ? '; meets the bounds' : ''}`);
			}
		}
	}

	console.log(`attempts meeting issue 15's bounds (same release within ±3% and no change, 5% slower a regression), of ${ATTEMPTS}:`);
	for (const caseName of ['probe-cpu', 'probe-io']) console.log(`  ${caseName}: ${VARIANTS.map((v) => `${v.label} ${met[v.label][caseName]}`).join(', ')}`);
	console.log(`same release read as a change ("regression" or "improvement": false), of ${ATTEMPTS}:`);
	for (const caseName of ['probe-cpu', 'probe-io']) console.log(`  ${caseName}: ${VARIANTS.map((v) => `${v.label} ${falseChanges[v.label][caseName]}`).join(', ')}`);
} finally {
	await store.close();
	rmSync(dataDir, {recursive: true, force: true});
}
