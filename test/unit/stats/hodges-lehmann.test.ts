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

	// issue 12: with ties the interval inverts the tied test as R does; counting the cross ties at
	// d = 0 gave [0, 0] here. R 4.2: wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)
	// with x = c(rep(100, 13), rep(105, 7)), y = c(rep(95, 4), rep(100, 45), rep(105, 4)) →
	// p 0.0026443280997836254, conf.int 5.3122852060663925e-05 4.9999975341889202 (uniroot, tol 1e-4),
	// estimate 4.7260704823887559e-05.
	test('tied samples: the interval R finds by inverting the test (R to its uniroot tolerance 1e-4)', () => {
		// The last number is R's $estimate: the shift where the statistic (no continuity correction) crosses 0, by uniroot to 1e-4.
		const cases: Array<{x: number[]; y: number[]; confidence: number; r: [number, number, number]}> = [
			{x: [...Array(13).fill(100), ...Array(7).fill(105)], y: [...Array(4).fill(95), ...Array(45).fill(100), ...Array(4).fill(105)], confidence: 0.95, r: [5.3122852060663925e-5, 4.9999975341889202, 4.7260704823887559e-5]},
			// set.seed(3); x3 <- round(rnorm(30, 10, 2)); y3 <- round(rnorm(25, 9, 2));
			// wilcox.test(x3, y3, conf.int = TRUE, exact = FALSE, correct = TRUE)$conf.int → -0.99998070149315699 1.99997781483845793,
			// $estimate → 3.1152138543238286e-05
			{
				x: [8, 9, 11, 8, 10, 10, 10, 12, 8, 13, 9, 8, 9, 11, 10, 9, 8, 9, 12, 10, 9, 8, 10, 7, 9, 9, 12, 12, 10, 8],
				y: [11, 11, 10, 10, 8, 10, 12, 9, 7, 11, 11, 8, 12, 7, 10, 4, 9, 11, 8, 7, 10, 7, 10, 6, 6],
				confidence: 0.95,
				r: [-0.99998070149315699, 1.99997781483845793, 3.1152138543238286e-5],
			},
			// wilcox.test(c(1,2,2,3,3,3,4,5,5,9), c(2,2,3,4,4,4,6,7,7,7,8), conf.int = TRUE, exact = FALSE,
			// correct = TRUE, conf.level = 0.9)$conf.int → -3.00003318779161532 0.99996402506402227, $estimate → -1.0000722794601047
			{x: [1, 2, 2, 3, 3, 3, 4, 5, 5, 9], y: [2, 2, 3, 4, 4, 4, 6, 7, 7, 7, 8], confidence: 0.9, r: [-3.00003318779161532, 0.99996402506402227, -1.0000722794601047]},
		];
		for (const {x, y, confidence, r} of cases) {
			const shift = computeHodgesLehmann(x, y, confidence);
			expect(shift.method).toBe('normal');
			expect(Math.abs(shift.low - r[0])).toBeLessThan(1e-4);
			expect(Math.abs(shift.high - r[1])).toBeLessThan(1e-4);
			expect(Math.abs(shift.estimate - r[2])).toBeLessThan(1e-4);
		}
	});
});
