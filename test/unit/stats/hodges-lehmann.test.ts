import {describe, expect, test} from 'vitest';
import {computeHodgesLehmann, selectPairwiseDifference} from '../../../source/stats/hodges-lehmann.js';
import {sortAscending} from '../../../source/stats/descriptive.js';
import {createRng} from '../../../source/stats/random.js';

describe('Hodges-Lehmann shift', () => {
	test('R ?wilcox.test example (Hollander & Wolfe 1973, p. 69): estimate 0.305, 95% CI [-0.15, 0.76]', () => {
		// Output of R 4.2.2: wilcox.test(x, y, conf.int = TRUE) → "difference in location 0.305",
		// "95 percent confidence interval: -0.15 0.76".
		const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
		const y = [1.15, 0.88, 0.9, 0.74, 1.21];
		const shift = computeHodgesLehmann(x, y);
		expect(shift.method).toBe('exact');
		expect(shift.estimate).toBeCloseTo(0.305, 12);
		expect(shift.low).toBeCloseTo(-0.15, 12);
		expect(shift.high).toBeCloseTo(0.76, 12);
		expect(shift.confidence).toBeGreaterThanOrEqual(0.95);
	});

	test('selection agrees with sorting all m·n differences (random data, every rank checked)', () => {
		const random = createRng(7);
		for (const [m, n] of [[30, 41], [97, 53], [5, 200]] as const) {
			const x = sortAscending(Array.from({length: m}, () => Math.round(random() * 50)));
			const y = sortAscending(Array.from({length: n}, () => Math.round(random() * 50)));
			const all: number[] = [];
			for (const a of x) for (const b of y) all.push(a - b);
			all.sort((a, b) => a - b);
			for (let k = 0; k < all.length; k += 37) expect(selectPairwiseDifference(x, y, k)).toBe(all[k]);
			expect(selectPairwiseDifference(x, y, all.length - 1)).toBe(all.at(-1));
		}
	});

	test('large tied samples: normal-approximation interval brackets the median of all differences', () => {
		const random = createRng(11);
		const base = Array.from({length: 800}, () => Math.round(100 + random() * 20));
		const shifted = Array.from({length: 900}, () => Math.round(105 + random() * 20));
		const shift = computeHodgesLehmann(shifted, base);
		const all: number[] = [];
		for (const a of shifted) for (const b of base) all.push(a - b);
		all.sort((a, b) => a - b);
		expect(shift.method).toBe('normal');
		expect(shift.estimate).toBe((all[all.length / 2 - 1]! + all[all.length / 2]!) / 2);
		expect(shift.low).toBeLessThanOrEqual(shift.estimate);
		expect(shift.high).toBeGreaterThanOrEqual(shift.estimate);
		expect(shift.low).toBeGreaterThan(3);
		expect(shift.high).toBeLessThan(8);
	});
});
