import {describe, expect, test} from 'vitest';
import {computeCalibration, computeRoundInterval, type CalibrationPoint} from '../../../source/compare/calibration.js';
import {createRng} from '../../../source/stats/random.js';

function points(n: number, wall: number, cpu: number, rss: number, seed: number): CalibrationPoint[] {
	const random = createRng(seed);
	const jitter = () => 1 + 0.02 * (random() * 2 - 1);
	return Array.from({length: n}, () => ({wall: wall * jitter(), cpu: cpu * jitter(), rss: rss * jitter()}));
}

describe('computeCalibration', () => {
	test('per-case overhead = docker / bare metal per dimension, with an interval around it', () => {
		const result = computeCalibration(new Map([
			['a', {bare: points(20, 100, 50, 1000, 1), docker: points(20, 120, 55, 1000, 2)}],
			['b', {bare: points(20, 200, 80, 2000, 3), docker: points(20, 240, 88, 2000, 4)}],
		]));
		expect(result.cases.a!.wall!.ratio).toBeCloseTo(1.2, 1);
		expect(result.cases.a!.cpu!.ratio).toBeCloseTo(1.1, 1);
		expect(result.cases.a!.rss!.ratio).toBeCloseTo(1, 1);
		for (const estimate of [result.cases.a!.wall!, result.summary.wall!]) {
			expect(estimate.low).toBeLessThan(estimate.ratio);
			expect(estimate.high).toBeGreaterThan(estimate.ratio);
		}

		expect(result.summary.wall!.ratio).toBeCloseTo(Math.sqrt((120 / 100) * (240 / 200)), 1);
		expect(result.summary.wall!.n).toBe(2);
	});

	test('a dimension nobody measured (zeros) is left out; same inputs, same result', () => {
		const measured = new Map([['a', {bare: points(10, 100, 0, 1000, 1), docker: points(10, 110, 0, 1000, 2)}]]);
		const result = computeCalibration(measured);
		expect(result.cases.a!.cpu).toBeUndefined();
		expect(result.summary.cpu).toBeUndefined();
		expect(computeCalibration(measured)).toEqual(result);
	});

	test('drift between rounds widens the interval beyond the within-round bootstrap', () => {
		const rounds = [1.2, 1.26, 1.32].map((factor, i) => ({bare: points(6, 100, 50, 1000, 10 + i), docker: points(6, 100 * factor, 50, 1000, 20 + i)}));
		const all = {bare: rounds.flatMap((r) => r.bare), docker: rounds.flatMap((r) => r.docker)};
		const pooled = computeCalibration(new Map([['a', all]]));
		const withRounds = computeCalibration(new Map([['a', {...all, rounds}]]));
		expect(withRounds.cases.a!.wall!.ratio).toBe(pooled.cases.a!.wall!.ratio);
		expect(withRounds.cases.a!.wall!.low).toBeLessThan(pooled.cases.a!.wall!.low);
		expect(withRounds.cases.a!.wall!.high).toBeGreaterThan(pooled.cases.a!.wall!.high);
	});

	// Student t: mean ± t(0.975, k-1)·sd/√k on the logs; for ratios e^-1, e^0, e^1: mean 0, sd 1, k 3 → ±4.303/√3.
	test('round interval uses the t table (df = 2: 4.303)', () => {
		const interval = computeRoundInterval([Math.exp(-1), 1, Math.exp(1)])!;
		expect(Math.log(interval.high)).toBeCloseTo(4.303 / Math.sqrt(3), 10);
		expect(Math.log(interval.low)).toBeCloseTo(-4.303 / Math.sqrt(3), 10);
		expect(computeRoundInterval([1.2])).toBeUndefined();
	});
});
