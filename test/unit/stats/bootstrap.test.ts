import {describe, expect, test} from 'vitest';
import {bootstrapRatioOfMedians, createMedianSampler, factorFromInterval, sampleMedianDirect} from '../../../source/stats/bootstrap.js';
import {quantileSorted, sortAscending} from '../../../source/stats/descriptive.js';
import {createRng} from '../../../source/stats/random.js';

function draws(sampler: (random: () => number) => number, count: number, seed: number): Float64Array {
	const random = createRng(seed);
	return Float64Array.from({length: count}, () => sampler(random)).sort();
}

describe('bootstrap median sampler', () => {
	// The fast sampler draws resample medians from their exact distribution; it must agree with
	// the plain bootstrap (n indices with replacement, then the median) in distribution.
	// Values 1..n make the median's value its order index, so quantiles compare in index units.
	test.each([101, 100, 7, 8, 2])('n = %d agrees with the plain bootstrap', (n) => {
		const sorted = sortAscending(Array.from({length: n}, (_, i) => i + 1));
		const fast = draws(createMedianSampler(sorted), 40_000, 1);
		const plain = draws((r) => sampleMedianDirect(sorted, r), 40_000, 2);
		for (const q of [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975]) {
			expect(Math.abs(quantileSorted(fast, q) - quantileSorted(plain, q))).toBeLessThanOrEqual(1);
		}

		// Half-integer medians (two different middle order statistics) happen as often in both.
		const halves = (values: Float64Array): number => values.filter((v) => v % 1 !== 0).length / values.length;
		expect(Math.abs(halves(fast) - halves(plain))).toBeLessThan(0.02);
	});
});

describe('ratio of medians', () => {
	const random = createRng(3);
	const base = sortAscending(Array.from({length: 200}, () => 100 + random() * 10));
	const slower = sortAscending(Array.from({length: 200}, () => 110 + random() * 10));

	test('same inputs and seed give the same interval; another seed a slightly different one', () => {
		const a = bootstrapRatioOfMedians(base, slower, {seed: 42});
		const b = bootstrapRatioOfMedians(base, slower, {seed: 42});
		const c = bootstrapRatioOfMedians(base, slower, {seed: 43});
		expect([a.low, a.high]).toEqual([b.low, b.high]);
		expect([a.low, a.high]).not.toEqual([c.low, c.high]);
		expect(a.low).toBeLessThan(a.ratio);
		expect(a.high).toBeGreaterThan(a.ratio);
		expect(a.ratio).toBeCloseTo(115 / 105, 1);
		expect(a.low).toBeGreaterThan(1);
	});

	test('a divisor with uncertainty shifts the ratio and widens the interval', () => {
		const plain = bootstrapRatioOfMedians(base, slower, {seed: 1});
		const factor = factorFromInterval(1.1, 1.05, 1.15);
		const adjusted = bootstrapRatioOfMedians(base, slower, {seed: 1, divideBy: factor});
		expect(adjusted.ratio).toBeCloseTo(plain.ratio / 1.1, 12);
		expect(adjusted.high / adjusted.low).toBeGreaterThan(plain.high / plain.low);
		expect(adjusted.low).toBeLessThan(1);
		expect(adjusted.high).toBeGreaterThan(1);
	});

	test('the log-normal width implied by an interval', () => {
		const factor = factorFromInterval(1, Math.exp(-1.959963984540054), Math.exp(1.959963984540054));
		expect(factor.logSd).toBeCloseTo(1, 12);
	});
});
