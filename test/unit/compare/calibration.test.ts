import {describe, expect, test} from 'vitest';
import {computeCalibration, type CalibrationPoint} from '../../../source/compare/calibration.js';
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
});
