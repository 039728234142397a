import {describe, expect, test} from 'vitest';
import {computeCaseAdjustment, computeProfileDistance, getDriftWarning, getLoadWarning, getSideOverhead, matchWorkload} from '../../../source/compare/adjustment.js';
import type {Calibration, CaseProfile, Run} from '../../../source/store/records.js';

const MiB = 1024 * 1024;
const profiles: Record<string, CaseProfile> = {
	'cpu-int': {cpuPerWall: 0.99, systemShare: 0.01, peakRssBytes: 0.6 * MiB},
	'syscalls': {cpuPerWall: 0.98, systemShare: 0.85, peakRssBytes: 0.6 * MiB},
	'memory-bandwidth': {cpuPerWall: 0.97, systemShare: 0.3, peakRssBytes: 65 * MiB},
	'file-io': {cpuPerWall: 0.4, systemShare: 0.95, peakRssBytes: 1.6 * MiB},
};

function calibration(overrides: Partial<Calibration>): Calibration {
	return {
		id: 1, createdAt: new Date('2026-01-01'), hostFingerprint: 'h1', image: 'rqc-busybox:test', engineVersion: '20.10.24',
		limits: {cpus: 1, memoryBytes: 512 * MiB}, isDemo: false,
		cases: {
			'cpu-int': {cpu: {ratio: 1.004, low: 1.0, high: 1.008}},
			'syscalls': {cpu: {ratio: 1.127, low: 1.12, high: 1.134}},
			'memory-bandwidth': {cpu: {ratio: 0.99, low: 0.97, high: 1.01}},
			'file-io': {cpu: {ratio: 1.02, low: 1.0, high: 1.04}},
		},
		summary: {cpu: {ratio: 1.03, low: 0.95, high: 1.11}},
		details: {kind: 'workloads', profiles},
		...overrides,
	};
}

describe('matching a case to a calibration workload (issue 15)', () => {
	test.each([
		['a CPU-bound program', {cpuPerWall: 1, systemShare: 0.02, peakRssBytes: 0.5 * MiB}, 'cpu-int'],
		['a syscall-heavy program', {cpuPerWall: 0.95, systemShare: 0.7, peakRssBytes: 1 * MiB}, 'syscalls'],
		['a big-memory program', {cpuPerWall: 0.95, systemShare: 0.25, peakRssBytes: 200 * MiB}, 'memory-bandwidth'],
		['an fsync-bound program', {cpuPerWall: 0.3, systemShare: 0.99, peakRssBytes: 0.6 * MiB}, 'file-io'],
	])('%s matches %s', (_what, profile, expected) => {
		expect(matchWorkload(profile, profiles)?.name).toBe(expected);
	});

	test('distance is symmetric and zero for equal profiles; no workloads, no match', () => {
		const a = profiles['cpu-int']!;
		const b = profiles['file-io']!;
		expect(computeProfileDistance(a, a)).toBe(0);
		expect(computeProfileDistance(a, b)).toBeCloseTo(computeProfileDistance(b, a), 12);
		expect(matchWorkload(a, {})).toBeUndefined();
	});
});

describe('the overhead for a case', () => {
	const cpuBound: CaseProfile = {cpuPerWall: 1, systemShare: 0.02, peakRssBytes: 0.5 * MiB};

	test('the user suite\'s own case comes first, then the matched workload, then the mean of an old calibration', () => {
		const suite = calibration({id: 7, suite: 'api', release: 'v1', cases: {'probe': {cpu: {ratio: 1.05, low: 1.04, high: 1.06}}}, details: {kind: 'suite'}});
		const workloads = calibration({id: 6});
		const old = calibration({id: 5, details: undefined});
		expect(getSideOverhead([suite, workloads], 'probe', 'cpu', cpuBound)).toMatchObject({source: 'case', calibrationId: 7, estimate: {ratio: 1.05}});
		expect(getSideOverhead([suite, workloads], 'other', 'cpu', cpuBound)).toMatchObject({source: 'workload', workload: 'cpu-int', calibrationId: 6});
		expect(getSideOverhead([old], 'other', 'cpu', cpuBound)).toMatchObject({source: 'summary', calibrationId: 5});
		// Without a profile (e.g. no bare-metal samples), the mean.
		expect(getSideOverhead([workloads], 'other', 'cpu', undefined)).toMatchObject({source: 'summary'});
		expect(getSideOverhead([], 'other', 'cpu', cpuBound)).toBeUndefined();
	});

	test('bare metal → docker: divide by the docker overhead, its interval carried', () => {
		const adjustment = computeCaseAdjustment('probe', 'cpu', {base: [], candidate: [calibration({id: 3})]}, cpuBound)!;
		expect(adjustment).toMatchObject({source: 'workload', workload: 'cpu-int', calibrationIds: [3]});
		expect(adjustment.factor).toBeCloseTo(1.004, 12);
		expect(adjustment.low).toBeLessThan(1.004);
		expect(adjustment.high).toBeGreaterThan(1.004);
		expect(adjustment.high / adjustment.factor - 1).toBeCloseTo(1.008 / 1.004 - 1, 3);
	});

	test('an overhead that drifted between rounds widens the adjustment by its drift, the factor unchanged', () => {
		const steady = computeCaseAdjustment('probe', 'cpu', {base: [], candidate: [calibration({})]}, {cpuPerWall: 0.3, systemShare: 0.99, peakRssBytes: MiB})!;
		const cases = {...calibration({}).cases, 'file-io': {cpu: {ratio: 1.02, low: 1.0, high: 1.04, drift: 0.03}}};
		const drifting = computeCaseAdjustment('probe', 'cpu', {base: [], candidate: [calibration({cases})]}, {cpuPerWall: 0.3, systemShare: 0.99, peakRssBytes: MiB})!;
		expect(drifting.factor).toBe(steady.factor);
		// Log-space standard deviations add in quadrature: the interval's (≈ 0.0100) and the drift's 0.03.
		const sdOf = (a: {factor: number; high: number}) => Math.log(a.high / a.factor) / 1.959_963_984_540_054;
		expect(sdOf(drifting)).toBeCloseTo(Math.hypot(sdOf(steady), 0.03), 10);
		expect(drifting.low).toBeLessThan(steady.low);
		// The drift's part is reported on its own; a steady calibration reports none.
		expect(drifting.driftPct).toBeCloseTo(3, 10);
		expect(steady.driftPct).toBeUndefined();
	});

	test('undecided cases whose drift alone is wider than half the threshold get one warning naming them', () => {
		const adjustment = (driftPct: number | undefined) => ({factor: 1.02, low: 0.95, high: 1.09, source: 'workload' as const, workload: 'file-io', ...(driftPct === undefined ? {} : {driftPct})});
		const cases = [
			{caseName: 'write-log', verdict: 'undecided: calibration too coarse', adjustment: adjustment(3.3)},
			// Undecided for the interval's width, not the drift (1.96 · 0.3% < 1%).
			{caseName: 'parse', verdict: 'undecided: calibration too coarse', adjustment: adjustment(0.3)},
			{caseName: 'sort', verdict: 'no significant change', adjustment: adjustment(3.3)},
		];
		const warning = getDriftWarning(cases, 2)!;
		expect(warning).toMatch(/^1 case\(s\) undecided because the container's overhead for them moved between calibration rounds/);
		expect(warning).toContain('write-log (as file-io, ±6.5%)');
		expect(warning).not.toContain('parse');
		expect(warning).not.toContain('sort');
		expect(getDriftWarning(cases.slice(1), 2)).toBeUndefined();
		// At a 20% threshold the same drift decides nothing.
		expect(getDriftWarning(cases, 20)).toBeUndefined();
	});

	test('docker → bare metal: the inverse', () => {
		const adjustment = computeCaseAdjustment('probe', 'cpu', {base: [calibration({})], candidate: []}, {cpuPerWall: 0.3, systemShare: 0.99, peakRssBytes: MiB})!;
		expect(adjustment.workload).toBe('file-io');
		expect(adjustment.factor).toBeCloseTo(1 / 1.02, 12);
	});

	test('no calibration, no adjustment', () => {
		expect(computeCaseAdjustment('probe', 'cpu', {base: [], candidate: []}, cpuBound)).toBeUndefined();
	});
});

describe('wall time and load', () => {
	const quality = {targetPct: 1, widestPct: 5, widest: undefined, isWithinTarget: false, rounds: 6, elapsedMs: 290_000, loadAverage: [20.1, 25.9] as const, reasons: []};
	const run = (start: number, end: number): Run => ({
		id: 1, releaseId: 1, releaseName: 'v1', suite: 's', mode: 'docker', status: 'completed', statusReason: undefined, startedAt: new Date(0), endedAt: undefined, isDemo: false,
		environment: {runtime: 'docker', host: {cores: 2, loadAvgStart: [start, 1, 1], loadAvgEnd: [end, 1, 1]}},
	});

	test('warns when the docker runs saw another load than the calibration, for wall time only', () => {
		const c = calibration({id: 9, details: {kind: 'workloads', profiles, quality}});
		expect(getLoadWarning(c, [run(1, 2)], 'wall')).toContain('calibration #9 ran at load average 23.0 and the docker runs at 1.5 on 2 core(s)');
		expect(getLoadWarning(c, [run(1, 2)], 'cpu')).toBeUndefined();
		expect(getLoadWarning(c, [run(22.5, 23.5)], 'wall')).toBeUndefined();
		expect(getLoadWarning(calibration({details: undefined}), [run(1, 2)], 'wall')).toBeUndefined();
		expect(getLoadWarning(undefined, [run(1, 2)], 'wall')).toBeUndefined();
	});
});
