import {describe, expect, it} from 'vitest';
import {mad, quantile} from '../../../source/stats/descriptive.js';
import {computeMedianCiSorted} from '../../../source/stats/median-ci.js';
import {summarizeValues} from '../../../source/stats/summary.js';

describe('summarizeValues', () => {
	it('is undefined for an empty sample', () => {
		expect(summarizeValues([])).toBeUndefined();
	});

	it('gives one value its own figures with an unbounded interval', () => {
		expect(summarizeValues([7])).toEqual({
			n: 1, median: 7, medianLow: Number.NEGATIVE_INFINITY, medianHigh: Number.POSITIVE_INFINITY,
			q1: 7, q3: 7, mean: 7, stddev: 0, mad: 0, min: 7, max: 7,
		});
	});

	it.each([
		[[5, 1, 4, 2, 3]],
		[[10, 12, 11, 13, 100, 9, 10, 11, 12, 10, 11, 14]],
		[Array.from({length: 40}, (_, i) => ((i * 37) % 41) + 0.5)],
	])('agrees with the stats/ functions for %j', (values) => {
		const summary = summarizeValues(values)!;
		const sorted = [...values].sort((a, b) => a - b);
		const ci = computeMedianCiSorted(sorted, 0.95);
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
		expect(summary).toMatchObject({n: values.length, median: ci.median, medianLow: ci.low, medianHigh: ci.high, min: sorted[0], max: sorted.at(-1)});
		expect(summary.q1).toBeCloseTo(quantile(values, 0.25), 12);
		expect(summary.q3).toBeCloseTo(quantile(values, 0.75), 12);
		expect(summary.mean).toBeCloseTo(mean, 9);
		expect(summary.stddev).toBeCloseTo(sd, 9);
		expect(summary.mad).toBeCloseTo(mad(values, 1), 12);
	});

	it('does not reorder its input', () => {
		const values = [3, 1, 2];
		summarizeValues(values);
		expect(values).toEqual([3, 1, 2]);
	});
});
