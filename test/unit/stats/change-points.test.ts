/**
 * Change points (issue 14): expected values come from the truth of generated series (known step
 * positions and sizes), never from another implementation's output.
 */
import {describe, expect, it} from 'vitest';
import {computeChangePoints} from '../../../source/stats/change-points.js';
import {createRng} from '../../../source/stats/random.js';

/** Release medians around 100 with relative noise cv, multiplied by (1 + change) at each step. */
function makeSeries(length: number, cv: number, steps: ReadonlyArray<{at: number; change: number}>, seed: number, spreadFrom?: number): number[] {
	const random = createRng(seed);
	let level = 100;
	const values: number[] = [];
	for (let i = 0; i < length; i++) {
		for (const step of steps) if (step.at === i) level *= 1 + step.change;
		const u = 1 - random();
		const v = random();
		const noise = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		values.push(level * (1 + (spreadFrom !== undefined && i >= spreadFrom ? cv * 4 : cv) * noise));
	}

	return values;
}

describe('computeChangePoints', () => {
	it('finds none in pure noise (1% and 2%, 400 releases, 20 series each)', () => {
		for (const cv of [0.01, 0.02]) {
			for (let seed = 1; seed <= 20; seed++) expect(computeChangePoints(makeSeries(400, cv, [], seed * 31 + cv * 1000))).toEqual([]);
		}
	});

	it('finds a 5% step at 2% noise where it is, with the medians either side and an interval covering 5%', () => {
		const points = computeChangePoints(makeSeries(200, 0.02, [{at: 120, change: 0.05}], 7));
		expect(points).toHaveLength(1);
		const [point] = points;
		expect(Math.abs(point!.index - 120)).toBeLessThanOrEqual(2);
		expect(point!.direction).toBe('slower');
		expect(point!.medianBefore).toBeGreaterThan(98);
		expect(point!.medianBefore).toBeLessThan(102);
		expect(point!.medianAfter / point!.medianBefore).toBeGreaterThan(1.03);
		expect(point!.changeLow).toBeLessThanOrEqual(0.05);
		expect(point!.changeHigh).toBeGreaterThanOrEqual(0.05);
		expect(point!.changeLow).toBeGreaterThan(0);
		expect(point!.pValue).toBeLessThan(1e-4);
	});

	it('finds two steps of 3% at 1% noise, one up and one down, in order', () => {
		const points = computeChangePoints(makeSeries(300, 0.01, [{at: 100, change: 0.03}, {at: 200, change: -0.03}], 11));
		expect(points.map((p) => p.direction)).toEqual(['slower', 'faster']);
		expect(Math.abs(points[0]!.index - 100)).toBeLessThanOrEqual(2);
		expect(Math.abs(points[1]!.index - 200)).toBeLessThanOrEqual(2);
		expect(points[0]!.change).toBeCloseTo(0.03, 1);
		expect(points[1]!.change).toBeCloseTo(-0.03, 1);
	});

	it('finds a step only four releases before the end (is the change still there)', () => {
		const points = computeChangePoints(makeSeries(100, 0.01, [{at: 96, change: 0.05}], 3));
		expect(points.map((p) => [p.index, p.direction, p.countAfter])).toEqual([[96, 'slower', 4]]);
	});

	it('calls a change of spread alone noisier (most of 10 series), never slower or faster', () => {
		let found = 0;
		for (let seed = 1; seed <= 10; seed++) {
			const points = computeChangePoints(makeSeries(200, 0.005, [], seed, 100));
			expect(points.filter((p) => p.direction !== 'noisier')).toEqual([]);
			if (points.some((p) => Math.abs(p.index - 100) <= 3)) found++;
		}

		// scripts/stats/change-point-rates.mjs: 18 of 30 such series (spread ×4) are found.
		expect(found).toBeGreaterThanOrEqual(5);
	});

	it('keeps old change points where they are when releases are added', () => {
		const full = makeSeries(400, 0.02, [{at: 60, change: 0.06}, {at: 170, change: -0.05}, {at: 330, change: 0.08}], 23);
		const before = computeChangePoints(full.slice(0, 250));
		const after = computeChangePoints(full);
		const old = (points: ReturnType<typeof computeChangePoints>) => points.filter((p) => p.index < 200).map((p) => p.index);
		expect(old(before).length).toBe(2);
		expect(old(after)).toEqual(old(before));
		expect(after.some((p) => Math.abs(p.index - 330) <= 2)).toBe(true);
	});

	it('is deterministic for a seed, and honours minChange', () => {
		const series = makeSeries(200, 0.01, [{at: 100, change: 0.02}], 17);
		expect(computeChangePoints(series)).toEqual(computeChangePoints(series));
		expect(computeChangePoints(series)).toHaveLength(1);
		expect(computeChangePoints(series, {minChange: 0.05})).toEqual([]);
	});

	it('needs two segments of data, and finite values', () => {
		expect(computeChangePoints([1, 2, 3, 50, 60, 70])).toEqual([]);
		expect(() => computeChangePoints([1, Number.NaN, 3])).toThrow(/finite/);
		expect(() => computeChangePoints([1, 2, 3], {windowLength: 6, minSegment: 4})).toThrow(/window/);
	});
});
