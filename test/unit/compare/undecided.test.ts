// issue 15: when the calibration's own uncertainty hides a change of the threshold's size, the
// verdict says so instead of "no significant change".
import {describe, expect, test} from 'vitest';
import {compareSampleSets, isCalibrationTooCoarse, UNDECIDED_COARSE} from '../../../source/compare/compare-samples.js';
import {formatAdjustment} from '../../../source/compare/format.js';
import {createRng} from '../../../source/stats/random.js';

function noisy(center: number, n: number, seed: number, spread = 0.01): number[] {
	const random = createRng(seed);
	return Array.from({length: n}, () => center * (1 + spread * (random() * 2 - 1)));
}

describe('undecided: calibration too coarse', () => {
	test.each([
		['no adjustment', undefined, {low: 0.9, high: 1.1}, false],
		['a precise adjustment, a wide interval (the samples\' noise)', {factor: 1.1, low: 1.095, high: 1.105, source: 'workload' as const}, {low: 0.97, high: 1.03}, false],
		['a coarse adjustment, an interval past the threshold', {factor: 1.1, low: 1.05, high: 1.15, source: 'summary' as const}, {low: 0.95, high: 1.05}, true],
		['a coarse adjustment, an interval within the threshold', {factor: 1.1, low: 1.08, high: 1.12, source: 'case' as const}, {low: 0.99, high: 1.01}, false],
	])('%s', (_what, adjustment, ratio, expected) => {
		expect(isCalibrationTooCoarse(adjustment, ratio, 2)).toBe(expected);
	});

	test('the same data: decided with a precise calibration, undecided with a coarse one', () => {
		const base = new Map([['a', noisy(100, 40, 1)]]);
		const candidate = new Map([['a', noisy(110, 40, 2)]]);
		const precise = compareSampleSets(base, candidate, {adjustmentFor: () => ({factor: 1.1, low: 1.097, high: 1.103, source: 'workload', workload: 'cpu-int'})});
		expect(precise.cases[0]!.verdict).toBe('no significant change');
		const coarse = compareSampleSets(base, candidate, {adjustmentFor: () => ({factor: 1.1, low: 1.0, high: 1.21, source: 'summary'})});
		expect(coarse.cases[0]!.verdict).toBe(UNDECIDED_COARSE);
		expect(coarse.counts[UNDECIDED_COARSE]).toBe(1);
		expect(coarse.counts['no significant change']).toBe(0);
	});

	test('the overhead column names the factor, its uncertainty and its source', () => {
		expect(formatAdjustment({factor: 1.012, low: 1.006, high: 1.018, source: 'case'})).toBe('÷1.012 ±0.6% own case');
		expect(formatAdjustment({factor: 1.02, low: 1.011, high: 1.029, source: 'workload', workload: 'cpu-int'})).toBe('÷1.020 ±0.9% cpu-int');
		expect(formatAdjustment({factor: 1.066, low: 0.962, high: 1.157, source: 'summary'})).toBe('÷1.066 ±10.8% mean*');
		expect(formatAdjustment(undefined)).toBe('-');
	});
});
