import {describe, expect, test} from 'vitest';
import {computeMedianCiSorted, computeQuantileCiOrders, minSamplesForMedianCi} from '../../../source/stats/median-ci.js';
import {sortAscending} from '../../../source/stats/descriptive.js';
import {normalCdf} from '../../../source/stats/distributions.js';

// Expected values: golang.org/x/perf/benchmath assumption_test.go (TestSummaryNone, TestMedianSamples)
// and github.com/aclements/go-moremath stats/quantileci_test.go (TestQuantileCI), the code benchstat uses.
describe('order-statistic interval of the median (benchstat)', () => {
	test('benchstat TestSummaryNone: {-10,2,3,4,5,6} at 0.95 → [-10, 6] @ 1 - 0.03125', () => {
		const ci = computeMedianCiSorted(sortAscending([-10, 2, 3, 4, 5, 6]), 0.95);
		expect(ci.median).toBe(3.5);
		expect(ci.low).toBe(-10);
		expect(ci.high).toBe(6);
		expect(ci.confidence).toBeCloseTo(1 - 0.03125, 14);
	});

	test('benchstat TestSummaryNone: too small for 0.99 → ±∞', () => {
		const ci = computeMedianCiSorted(sortAscending([-10, 2, 3, 4, 5, 6]), 0.99);
		expect(ci.low).toBe(Number.NEGATIVE_INFINITY);
		expect(ci.high).toBe(Number.POSITIVE_INFINITY);
		expect(ci.confidence).toBeCloseTo(1, 14);
		expect(computeMedianCiSorted([1, 2], 0)).toMatchObject({median: 1.5, low: 1, high: 2, confidence: 0.5});
	});

	// The orders are remembered per (n, confidence): interleaved sizes and confidences must each
	// get their own, equal to a fresh computation, also past the memo's bound (4,096 entries).
	test('the median\'s orders are remembered per sample size and confidence, never across them', () => {
		for (let round = 0; round < 2; round++) {
			for (let n = 1; n <= 5000; n += n < 60 ? 1 : 7) {
				for (const confidence of [0.95, 0.99, 0.5]) {
					const sorted = Array.from({length: n}, (_, i) => i);
					const orders = computeQuantileCiOrders(n, 0.5, confidence);
					const ci = computeMedianCiSorted(sorted, confidence);
					expect(ci.low).toBe(orders.loOrder < 1 ? Number.NEGATIVE_INFINITY : orders.loOrder - 1);
					expect(ci.high).toBe(orders.hiOrder > n ? Number.POSITIVE_INFINITY : orders.hiOrder - 1);
					expect(ci.confidence).toBe(orders.confidence);
				}
			}
		}
	});

	test.each([
		{confidence: 0.95, n: 6},
		{confidence: 0.99, n: 8},
		{confidence: 1, n: 51},
		{confidence: 0, n: 2},
	])('benchstat TestMedianSamples: $confidence needs $n', ({confidence, n}) => {
		expect(minSamplesForMedianCi(confidence)).toBe(n);
	});

	test.each([
		{n: 4, q: 0.5, c: 0.001, lo: 2, hi: 3, actual: 0.375, ambiguous: false},
		{n: 4, q: 0.25, c: 0.001, lo: 1, hi: 2, actual: 0.421875, ambiguous: false},
		{n: 4, q: 0, c: 0.001, lo: 0, hi: 1, actual: 1, ambiguous: false},
		{n: 4, q: 1, c: 0.001, lo: 4, hi: 5, actual: 1, ambiguous: false},
		{n: 4, q: 0.5, c: 0.375, lo: 2, hi: 3, actual: 0.375, ambiguous: false},
		{n: 4, q: 0.5, c: 0.3750001, lo: 1, hi: 3, actual: 0.625, ambiguous: true},
		{n: 4, q: 0.5, c: 0.99, lo: 0, hi: 5, actual: 1, ambiguous: false},
		{n: 4, q: 0.5, c: 0.99 - 0.0625, lo: 0, hi: 4, actual: 0.375 + 2 * 0.25 + 0.0625, ambiguous: true},
		{n: 5, q: 0.5, c: 0.001, lo: 2, hi: 3, actual: 0.3125, ambiguous: true},
		{n: 5, q: 0.5, c: 0.3125001, lo: 2, hi: 4, actual: 0.625, ambiguous: false},
		{n: 5, q: 0.5, c: 0.99 - 0.03125, lo: 0, hi: 5, actual: 1 - 0.03125, ambiguous: true},
	])('go-moremath TestQuantileCI: n=$n q=$q c=$c → [$lo,$hi]', ({n, q, c, lo, hi, actual, ambiguous}) => {
		const orders = computeQuantileCiOrders(n, q, c);
		expect(orders.loOrder).toBe(lo);
		expect(orders.hiOrder).toBe(hi);
		expect(orders.confidence).toBeCloseTo(actual, 12);
		expect(orders.isAmbiguous).toBe(ambiguous);
	});

	test('normal approximation (go-moremath TestQuantileCI with quantileCIApproxThreshold = 0)', () => {
		// normBuckets(4, 0.5): the mass of N(2, 1) on [k - 0.5, k + 0.5].
		const band = (k: number, n: number): number => normalCdf((k + 0.5 - n / 2) / Math.sqrt(n / 4)) - normalCdf((k - 0.5 - n / 2) / Math.sqrt(n / 4));
		const check = (n: number, c: number, lo: number, hi: number, actual: number, ambiguous: boolean): void => {
			const orders = computeQuantileCiOrders(n, 0.5, c, 0);
			expect([orders.loOrder, orders.hiOrder, orders.isAmbiguous]).toEqual([lo, hi, ambiguous]);
			expect(orders.confidence).toBeCloseTo(actual, 12);
		};

		check(4, 0.001, 2, 3, band(2, 4), false);
		check(4, band(2, 4) + 0.00001, 1, 3, band(1, 4) + band(2, 4), true);
		check(4, 0.99, 0, 5, 1, false);
		check(4, 0.9, 0, 4, band(0, 4) + band(1, 4) + band(2, 4) + band(3, 4), true);
		check(5, 0.001, 2, 3, band(2, 5), true);
		check(5, band(2, 5) + 0.00001, 2, 4, band(2, 5) + band(3, 5), false);
	});

	test('large samples use the approximation and reach the confidence asked', () => {
		const orders = computeQuantileCiOrders(1000, 0.5, 0.95);
		expect(orders.confidence).toBeGreaterThanOrEqual(0.95);
		expect(orders.confidence).toBeLessThan(0.96);
		expect(orders.loOrder + orders.hiOrder).toBeGreaterThanOrEqual(1000);
	});
});
