import {describe, expect, test} from 'vitest';
import {compareSampleSets, getMinSamples} from '../../../source/compare/compare-samples.js';
import {createRng} from '../../../source/stats/random.js';

/** n values around center with ±spread uniform noise, reproducible. */
function noisy(center: number, n: number, seed: number, spread = 0.02): number[] {
	const random = createRng(seed);
	return Array.from({length: n}, () => center * (1 + spread * (random() * 2 - 1)));
}

describe('compareSampleSets', () => {
	test('a clear slowdown is a regression, a clear speedup an improvement, the same distribution no change', () => {
		const base = new Map([['slow', noisy(100, 40, 1)], ['fast', noisy(100, 40, 2)], ['same', noisy(100, 40, 3)]]);
		const candidate = new Map([['slow', noisy(110, 40, 4)], ['fast', noisy(90, 40, 5)], ['same', noisy(100, 40, 6)]]);
		const result = compareSampleSets(base, candidate, {alpha: 0.05, thresholdPct: 2});
		const byName = Object.fromEntries(result.cases.map((c) => [c.caseName, c]));
		expect(byName.slow!.verdict).toBe('regression');
		expect(byName.slow!.changePct).toBeGreaterThan(8);
		expect(byName.slow!.changeLowPct).toBeGreaterThan(2);
		expect(byName.fast!.verdict).toBe('improvement');
		expect(byName.fast!.changeHighPct).toBeLessThan(0);
		expect(byName.same!.verdict).toBe('no significant change');
		expect(result.counts).toEqual({'regression': 1, 'improvement': 1, 'no significant change': 1, 'too few samples': 0, 'undecided: calibration too coarse': 0});
		expect(byName.slow!.shift!.estimate).toBeGreaterThan(5);
		expect(result.geomean!.cases).toBe(3);
		expect(result.geomean!.ratio).toBeCloseTo(Math.cbrt((110 / 100) * (90 / 100) * 1), 1);
	});

	test('a significant change below the threshold is not a regression', () => {
		const result = compareSampleSets(new Map([['a', noisy(100, 200, 1, 0.005)]]), new Map([['a', noisy(101, 200, 2, 0.005)]]), {thresholdPct: 2});
		expect(result.cases[0]!.isSignificant).toBe(true);
		expect(result.cases[0]!.verdict).toBe('no significant change');
		const strict = compareSampleSets(new Map([['a', noisy(100, 200, 1, 0.005)]]), new Map([['a', noisy(101, 200, 2, 0.005)]]), {thresholdPct: 0.5});
		expect(strict.cases[0]!.verdict).toBe('regression');
	});

	test('too few samples: fewer than needed on either side, or a case missing on one side', () => {
		expect(getMinSamples(0.05)).toBe(6);
		const result = compareSampleSets(new Map([['few', [1, 2, 3, 4, 5]], ['gone', [1, 2, 3, 4, 5, 6]]]), new Map([['few', [9, 9, 9, 9, 9, 9, 9]], ['new', [1, 2, 3, 4, 5, 6]]]));
		expect(result.cases.map((c) => [c.caseName, c.verdict])).toEqual([['few', 'too few samples'], ['gone', 'too few samples'], ['new', 'too few samples']]);
		expect(result.geomean).toBeUndefined();
		expect(result.cases[0]!.pValue).toBeUndefined();
	});

	test('the overhead adjustment divides the candidate and widens the interval by its uncertainty', () => {
		const base = new Map([['a', noisy(100, 60, 1)]]);
		const candidate = new Map([['a', noisy(120, 60, 2)]]);
		const raw = compareSampleSets(base, candidate);
		expect(raw.cases[0]!.verdict).toBe('regression');
		const adjusted = compareSampleSets(base, candidate, {adjustmentFor: () => ({factor: 1.2, low: 1.19, high: 1.21, source: 'case'})});
		const row = adjusted.cases[0]!;
		expect(row.verdict).toBe('no significant change');
		expect(row.adjustedCandidateMedian).toBeCloseTo(row.candidate!.median / 1.2, 10);
		expect(Math.abs(row.changePct!)).toBeLessThan(2);
		expect(row.changeHighPct! - row.changeLowPct!).toBeGreaterThan(raw.cases[0]!.changeHighPct! - raw.cases[0]!.changeLowPct!);
	});

	test('Holm adjustment across many cases: one borderline p among many is not significant', () => {
		const base = new Map<string, number[]>();
		const candidate = new Map<string, number[]>();
		for (let i = 0; i < 20; i++) {
			base.set(`c${i}`, noisy(100, 8, i));
			candidate.set(`c${i}`, noisy(100, 8, 100 + i));
		}

		const result = compareSampleSets(base, candidate);
		for (const row of result.cases) expect(row.pAdjusted!).toBeGreaterThanOrEqual(row.pValue!);
		expect(result.counts.regression + result.counts.improvement).toBe(0);
	});

	test('reproducible: same inputs and seed, same intervals', () => {
		const base = new Map([['a', noisy(100, 50, 1)]]);
		const candidate = new Map([['a', noisy(103, 50, 2)]]);
		expect(compareSampleSets(base, candidate, {seed: 5})).toEqual(compareSampleSets(base, candidate, {seed: 5}));
	});
});
