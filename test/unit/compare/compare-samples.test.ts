import {describe, expect, test} from 'vitest';
import {compareSampleSets, getMinSamples, splitRuns} from '../../../source/compare/compare-samples.js';
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
		expect(result.counts).toMatchObject({'regression': 1, 'improvement': 1, 'no significant change': 1, 'too few samples': 0, 'failing': 0, 'missing': 0, 'undecided: calibration too coarse': 0});
		expect(byName.slow!.shift!.estimate).toBeGreaterThan(5);
		expect(result.geomean!.cases).toBe(3);
		expect(result.geomean!.ratio).toBeCloseTo(Math.cbrt((110 / 100) * (90 / 100) * 1), 1);
	});

	// issue 12: a significant change within the threshold has its own label, not "no significant change".
	test('a significant change below the threshold is "slower, within threshold", not a regression', () => {
		const result = compareSampleSets(new Map([['a', noisy(100, 200, 1, 0.005)]]), new Map([['a', noisy(101, 200, 2, 0.005)]]), {thresholdPct: 2});
		expect(result.cases[0]!.isSignificant).toBe(true);
		expect(result.cases[0]!.verdict).toBe('slower, within threshold');
		const faster = compareSampleSets(new Map([['a', noisy(101, 200, 2, 0.005)]]), new Map([['a', noisy(100, 200, 1, 0.005)]]), {thresholdPct: 2});
		expect(faster.cases[0]!.verdict).toBe('faster, within threshold');
		const strict = compareSampleSets(new Map([['a', noisy(100, 200, 1, 0.005)]]), new Map([['a', noisy(101, 200, 2, 0.005)]]), {thresholdPct: 0.5});
		expect(strict.cases[0]!.verdict).toBe('regression');
	});

	// issue 12: a case on one side only is missing or new, never "too few samples".
	test('too few samples: fewer than needed on either side; a case on one side only is missing or new', () => {
		expect(getMinSamples(0.05)).toBe(6);
		const result = compareSampleSets(new Map([['few', [1, 2, 3, 4, 5]], ['gone', [1, 2, 3, 4, 5, 6]]]), new Map([['few', [9, 9, 9, 9, 9, 9, 9]], ['new', [1, 2, 3, 4, 5, 6]]]));
		expect(result.cases.map((c) => [c.caseName, c.verdict])).toEqual([['few', 'too few samples'], ['gone', 'missing'], ['new', 'new']]);
		expect(result.commonCases).toBe(1);
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

	// issue 12: base all 0, candidate ~10 ms was "no significant change", +∞% [-∞%, -∞%], out of the gate.
	test('a zero base is decided on the test and the shift, shown in the unit, left out of the geomean', () => {
		const base = new Map([['zero', Array.from({length: 20}, () => 0)], ['plain', noisy(100, 20, 7)]]);
		const candidate = new Map([['zero', noisy(10e6, 20, 8)], ['plain', noisy(100, 20, 9)]]);
		const result = compareSampleSets(base, candidate);
		const zero = result.cases.find((c) => c.caseName === 'zero')!;
		expect(zero.verdict).toBe('regression');
		expect(zero.changeBasis).toBe('shift');
		expect(zero.changePct).toBeUndefined();
		expect(zero.pAdjusted!).toBeLessThan(0.001);
		expect(zero.shift!.low).toBeGreaterThan(9.7e6);
		expect(zero.shift!.high).toBeLessThan(10.3e6);
		expect(zero.isInGeomean).toBe(false);
		expect(result.geomean!.cases).toBe(1);
		expect(result.geomeanExcluded).toEqual(['zero']);
	});

	// issue 12: 15 of 20 candidate iterations exiting 1 read "too few samples (20/5)".
	test('failed iterations the base did not have make the case failing; the reverse is fixed', () => {
		const base = new Map([['a', noisy(100, 20, 1)], ['b', noisy(100, 20, 2)], ['c', noisy(100, 20, 3)]]);
		const candidate = new Map([['a', noisy(100, 5, 4)], ['b', noisy(100, 20, 5)], ['c', noisy(100, 20, 6)]]);
		const result = compareSampleSets(base, candidate, {failures: {
			candidate: new Map([['a', {count: 15, firstReason: 'exit code 1'}], ['c', {count: 1, firstReason: 'exit code 2'}]]),
			base: new Map([['b', {count: 3, firstReason: 'timed out'}], ['c', {count: 2, firstReason: 'exit code 2'}]]),
		}});
		const byName = Object.fromEntries(result.cases.map((c) => [c.caseName, c]));
		expect(byName.a!.verdict).toBe('failing');
		expect(byName.a!.failures).toEqual({base: 0, candidate: 15, firstReason: 'exit code 1'});
		expect(byName.b!.verdict).toBe('fixed');
		// Failures on both sides: the samples decide, the counts stay visible.
		expect(byName.c!.verdict).toBe('no significant change');
		expect(byName.c!.failures).toEqual({base: 2, candidate: 1, firstReason: 'exit code 2'});
		// A case whose every candidate iteration failed is failing, not missing.
		const allFailed = compareSampleSets(new Map([['a', noisy(100, 20, 1)]]), new Map(), {failures: {candidate: new Map([['a', {count: 20, firstReason: 'exit code 1'}]])}});
		expect(allFailed.cases[0]!.verdict).toBe('failing');
		expect(allFailed.commonCases).toBe(1);
	});

	// issue 12: the threshold is symmetric on the log scale: 2% means above 1.02 or below 1/1.02.
	test('a ratio of 0.98 is an improvement beyond a 2% threshold (1/1.02 = 0.9804)', () => {
		const result = compareSampleSets(new Map([['a', noisy(100, 200, 1, 0.001)]]), new Map([['a', noisy(98, 200, 2, 0.001)]]), {thresholdPct: 2});
		expect(result.cases[0]!.changePct!).toBeGreaterThan(-2.02);
		expect(result.cases[0]!.verdict).toBe('improvement');
	});

	// issue 12: --strict needs the whole interval beyond the threshold.
	test('strict: a regression needs the whole interval beyond the threshold', () => {
		const base = new Map([['a', noisy(100, 30, 11)]]);
		const candidate = new Map([['a', noisy(102.6, 30, 12)]]);
		const loose = compareSampleSets(base, candidate);
		expect(loose.cases[0]!.changePct!).toBeGreaterThan(2);
		expect(loose.cases[0]!.changeLowPct!).toBeLessThan(2);
		expect(loose.cases[0]!.verdict).toBe('regression');
		const strict = compareSampleSets(base, candidate, {isStrict: true});
		expect(strict.isStrict).toBe(true);
		expect(strict.cases[0]!.verdict).toBe('slower, within threshold');
	});

	// issue 12: the correction is chosen and reported with the number of cases it covered.
	test('correction: holm (default), bh or none, over the cases that were tested', () => {
		const base = new Map<string, number[]>();
		const candidate = new Map<string, number[]>();
		for (let i = 0; i < 10; i++) {
			base.set(`c${i}`, noisy(100, 12, i));
			candidate.set(`c${i}`, noisy(100 + i, 12, 50 + i));
		}

		base.set('few', [1, 2, 3]);
		candidate.set('few', [1, 2, 3]);
		const holm = compareSampleSets(base, candidate);
		const bh = compareSampleSets(base, candidate, {correction: 'bh'});
		const none = compareSampleSets(base, candidate, {correction: 'none'});
		expect([holm.correction, holm.testedCases]).toEqual(['holm', 10]);
		expect(bh.correction).toBe('bh');
		for (const [i, row] of none.cases.entries()) {
			expect(row.pAdjusted).toBe(row.pValue);
			if (row.pValue !== undefined) expect(bh.cases[i]!.pAdjusted!).toBeLessThanOrEqual(holm.cases[i]!.pAdjusted! + 1e-15);
		}
	});
});

describe('runs as the unit of the interval', () => {
	// The same program on both sides, eight runs a side of 30 samples, each run at its own level
	// (±3% or so from run to run, as on a host whose CPU time comes and goes in spells); within a
	// run the samples spread ±2%. By chance the base's runs sit higher.
	const random = createRng(21);
	const run = (level: number) => Array.from({length: 30}, () => level * (0.98 + random() * 0.04));
	const baseRuns = [103, 97, 101, 106, 99, 104, 100, 102].map(run);
	const candidateRuns = [98, 101, 96, 100, 103, 97, 99, 100].map(run);
	const base = new Map([['spelled', baseRuns.flat()]]);
	const candidate = new Map([['spelled', candidateRuns.flat()]]);
	const lengths = (runs: number[][]) => new Map([['spelled', runs.map((r) => r.length)]]);

	test('samples alone read a false improvement; with the runs known it is no significant change, its interval resampling runs', () => {
		const alone = compareSampleSets(base, candidate).cases[0]!;
		expect(alone.verdict).toBe('improvement');
		expect(alone.intervalBasis).toBe('samples');
		const byRun = compareSampleSets(base, candidate, {runLengths: {base: lengths(baseRuns), candidate: lengths(candidateRuns)}}).cases[0]!;
		expect(byRun.verdict).toBe('no significant change');
		expect(byRun.intervalBasis).toBe('runs');
		expect(byRun.changePct).toBe(alone.changePct);
		expect(byRun.changeLowPct!).toBeLessThan(alone.changeLowPct!);
		expect(byRun.changeHighPct!).toBeGreaterThan(0);
	});

	test('a real 5% slowdown through the same spells is still a regression', () => {
		const slower = new Map([['spelled', candidateRuns.flat().map((v) => v * 1.05 * 1.03)]]);
		const row = compareSampleSets(base, slower, {runLengths: {base: lengths(baseRuns), candidate: lengths(candidateRuns)}}).cases[0]!;
		expect(row.intervalBasis).toBe('runs');
		expect(row.verdict).toBe('regression');
	});

	test('run lengths that do not add up to the values are not trusted: the side is one block of samples', () => {
		expect(splitRuns(baseRuns.flat(), [30, 30])).toHaveLength(1);
		expect(splitRuns(baseRuns.flat(), undefined)).toHaveLength(1);
		expect(splitRuns(baseRuns.flat(), baseRuns.map((r) => r.length))).toHaveLength(8);
		// Each run ascending; a run without values left out.
		expect(splitRuns([3, 1, 2, 9], [3, 0, 1])).toEqual([Float64Array.from([1, 2, 3]), Float64Array.from([9])]);
	});
});
