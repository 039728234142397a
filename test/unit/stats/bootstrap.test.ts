import {describe, expect, test} from 'vitest';
import {bootstrapRatioOfMedians, createMedianSampler, createRunMedianSampler, factorFromInterval, sampleMedianDirect, sampleRunMedianDirect} from '../../../source/stats/bootstrap.js';
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

describe('run median sampler', () => {
	// It draws the runs as the plain version does (one uniform a run, in order), so with the same
	// generator each draw must be the very median of the pooled runs the plain version sorts.
	const random = createRng(11);
	// Small layouts are walked whole; larger ones use the checkpoints (every 64 pooled values).
	const layouts: Record<string, number[]> = {
		'two runs of 30': [30, 30],
		'eight runs of 4': [4, 4, 4, 4, 4, 4, 4, 4],
		'unequal runs, odd totals': [5, 12, 1, 7],
		'ties across runs': [6, 6, 6],
		'twenty runs of 30 (checkpoints)': Array.from({length: 20}, () => 30),
		'unequal large runs (checkpoints)': [100, 3, 250, 77, 1],
		'ties across large runs (checkpoints)': [90, 120, 64],
	};
	test.each(Object.entries(layouts))('%s: every draw is the plain resample\'s median', (name, lengths) => {
		const runs = lengths.map((n, r) => sortAscending(Array.from({length: n}, () => (name.startsWith('ties') ? Math.floor(random() * 4) : 100 + r * 3 + random() * 10))));
		const fast = createRunMedianSampler(runs);
		const a = createRng(5);
		const b = createRng(5);
		for (let i = 0; i < 2000; i++) expect(fast(a)).toBe(sampleRunMedianDirect(runs, b));
	});

	test('an empty run is refused', () => {
		expect(() => createRunMedianSampler([sortAscending([1, 2]), new Float64Array(0)])).toThrow(RangeError);
	});
});

describe('ratio of medians over runs', () => {
	// Eight runs a side of 30 samples each, every run's samples spread ±2% about the run's level.
	const random = createRng(21);
	const run = (level: number) => sortAscending(Array.from({length: 30}, () => level * (0.98 + random() * 0.04)));
	const pool = (runs: Float64Array[]) => sortAscending(runs.flatMap((r) => Array.from(r)));

	test('runs whose medians agree keep the samples\' interval, exactly as without runs', () => {
		// One spread of 240 values dealt out in turn to eight runs: their medians barely differ.
		const deal = (values: Float64Array) => Array.from({length: 8}, (_, r) => values.filter((_v, i) => i % 8 === r));
		const base = deal(pool(Array.from({length: 8}, () => run(100))));
		const candidate = deal(pool(Array.from({length: 8}, () => run(100))));
		const plain = bootstrapRatioOfMedians(pool(base), pool(candidate), {seed: 7});
		const withRuns = bootstrapRatioOfMedians(pool(base), pool(candidate), {seed: 7, runs: {base, candidate}});
		expect(withRuns.basis).toBe('samples');
		expect([withRuns.low, withRuns.high]).toEqual([plain.low, plain.high]);
		expect(withRuns.replicates).toEqual(plain.replicates);
	});

	test('runs that differ from run to run more than their samples spread widen the interval to cover it (the samples alone read a false change)', () => {
		// The same program on both sides, each run at its own level, ±3% or so from run to run, as
		// on a host whose CPU time comes and goes in spells. By chance the base's runs sit higher.
		const base = [103, 97, 101, 106, 99, 104, 100, 102].map(run);
		const candidate = [98, 101, 96, 100, 103, 97, 99, 100].map(run);
		const plain = bootstrapRatioOfMedians(pool(base), pool(candidate), {seed: 7});
		const withRuns = bootstrapRatioOfMedians(pool(base), pool(candidate), {seed: 7, runs: {base, candidate}});
		// Sample by sample, the candidate looks faster beyond doubt.
		expect(plain.high).toBeLessThan(1);
		expect(withRuns.basis).toBe('runs');
		expect(withRuns.ratio).toBe(plain.ratio);
		expect(withRuns.low).toBeLessThan(plain.low);
		expect(withRuns.high).toBeGreaterThan(1);
	});

	test('one run on a side: only the other side\'s runs are resampled whole', () => {
		const base = [run(100)];
		const candidate = [run(100), run(110), run(100), run(110)];
		const withRuns = bootstrapRatioOfMedians(pool(base), pool(candidate), {seed: 3, runs: {base, candidate}});
		expect(withRuns.basis).toBe('runs');
		expect(withRuns.low).toBeLessThan(1.02);
		expect(withRuns.high).toBeGreaterThan(1.08);
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
