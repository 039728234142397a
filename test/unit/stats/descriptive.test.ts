import {describe, expect, test} from 'vitest';
import {geometricMean, mad, median, quantile, quantiles, sampleVariance, sortAscending} from '../../../source/stats/descriptive.js';
import {adjustHolm} from '../../../source/stats/holm.js';

describe('median and quantiles (type 7, as R quantile() and numpy percentile())', () => {
	test.each([
		// numpy.percentile docs: a = [[10, 7, 4], [3, 2, 1]]; np.percentile(a, 50) → 3.5
		{values: [10, 7, 4, 3, 2, 1], q: 0.5, expected: 3.5, source: 'numpy percentile docs, flattened'},
		// numpy.percentile docs: np.percentile(a, 50, axis=0) → [6.5, 4.5, 2.5]
		{values: [10, 3], q: 0.5, expected: 6.5, source: 'numpy percentile docs, axis=0 column 1'},
		{values: [7, 2], q: 0.5, expected: 4.5, source: 'numpy percentile docs, axis=0 column 2'},
		// R 4.2.2: quantile(1:10, c(.1, .25, .5, .9)) → 1.90 3.25 5.50 9.10
		{values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q: 0.1, expected: 1.9, source: 'R quantile(1:10)'},
		{values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q: 0.25, expected: 3.25, source: 'R quantile(1:10)'},
		{values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q: 0.9, expected: 9.1, source: 'R quantile(1:10)'},
		{values: [5], q: 0.3, expected: 5, source: 'one value'},
	])('$source: q=$q → $expected', ({values, q, expected}) => {
		expect(quantile(values, q)).toBeCloseTo(expected, 12);
	});

	test('median of odd and even samples, input left untouched', () => {
		const values = [3, 1, 2];
		expect(median(values)).toBe(2);
		expect(values).toEqual([3, 1, 2]);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(quantiles([4, 1, 3, 2], [0, 1])).toEqual([1, 4]);
	});

	test('sorts numerically, not as strings', () => {
		expect([...sortAscending([10, 9, 100])]).toEqual([9, 10, 100]);
	});

	test('empty input is an error', () => {
		expect(() => median([])).toThrow(RangeError);
	});
});

describe('MAD', () => {
	// R ?mad examples: mad(c(1:9)) → 2.9652; "mad(c(1:9), constant = 1) == mad(c(1:8, 100), constant = 1)  # = 2"
	test('R documented examples', () => {
		expect(mad([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeCloseTo(2.9652, 10);
		expect(mad([1, 2, 3, 4, 5, 6, 7, 8, 9], 1)).toBe(2);
		expect(mad([1, 2, 3, 4, 5, 6, 7, 8, 100], 1)).toBe(2);
	});
});

describe('sample variance (n − 1, as R var())', () => {
	test('var(c(2,4,4,4,5,5,7,9)) = 4.571429 in R; fewer than two values is an error', () => {
		expect(sampleVariance([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(32 / 7, 12);
		expect(() => sampleVariance([1])).toThrow(RangeError);
	});
});

describe('geometric mean', () => {
	// scipy.stats.gmean docs: gmean([1, 4]) → 2.0; gmean([1, 2, 3, 4, 5, 6, 7]) → 3.3800151591412964
	test.each([
		{values: [1, 4], expected: 2},
		{values: [1, 2, 3, 4, 5, 6, 7], expected: 3.3800151591412964},
	])('scipy gmean docs: $values → $expected', ({values, expected}) => {
		expect(geometricMean(values)).toBeCloseTo(expected, 13);
	});

	test('refuses non-positive ratios', () => {
		expect(() => geometricMean([1, 0])).toThrow(RangeError);
	});
});

describe("Holm's correction", () => {
	// Wikipedia "Holm–Bonferroni method" example: p = 0.01, 0.04, 0.03, 0.005 at α = 0.05 rejects H1 and H4;
	// adjusted values as R 4.2.2 p.adjust(c(0.01,0.04,0.03,0.005), "holm") → 0.03 0.06 0.06 0.02
	test('Wikipedia / R p.adjust example', () => {
		const adjusted = adjustHolm([0.01, 0.04, 0.03, 0.005]);
		expect(adjusted[0]).toBeCloseTo(0.03, 15);
		expect(adjusted[1]).toBeCloseTo(0.06, 15);
		expect(adjusted[2]).toBeCloseTo(0.06, 15);
		expect(adjusted[3]).toBeCloseTo(0.02, 15);
		expect(adjusted.map((p) => p < 0.05)).toEqual([true, false, false, true]);
	});

	test('caps at 1 and leaves NaN (test not run) out of the count', () => {
		expect(adjustHolm([0.5, Number.NaN, 0.9])).toEqual([1, Number.NaN, 1]);
		expect(adjustHolm([0.02, Number.NaN])).toEqual([0.02, Number.NaN]);
	});
});
