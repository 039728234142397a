import {describe, expect, test} from 'vitest';
import {exactUCdf, mannWhitneyU, minSamplesForUTest} from '../../../source/stats/mann-whitney.js';

// Hollander & Wolfe (1973) p. 69, the example in R's ?wilcox.test.
const permeabilityTerm = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const permeabilityEarly = [1.15, 0.88, 0.9, 0.74, 1.21];
// scipy.stats.mannwhitneyu docs example (Shier 2004): ages at diagnosis.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

describe('Mann-Whitney U, exact (small samples, no ties)', () => {
	test('scipy docs: mannwhitneyu(males, females, method="exact") → U1 = 17, p = 0.1111111111111111', () => {
		const result = mannWhitneyU(males, females);
		expect(result.method).toBe('exact');
		expect(result.u).toBe(17);
		expect(result.pValue).toBeCloseTo(0.1111111111111111, 14);
	});

	test('R ?wilcox.test (Hollander & Wolfe): W = 35, one-sided p = 0.1272 so two-sided 0.2544', () => {
		const result = mannWhitneyU(permeabilityTerm, permeabilityEarly);
		expect(result.u).toBe(35);
		expect(result.pValue).toBeCloseTo(0.2544, 4);
		// R 4.2.2 wilcox.test(x, y)$p.value, full precision.
		expect(result.pValue).toBeCloseTo(0.254412254412254, 13);
	});

	test.each([
		{x: [2, 1, 3, 5], y: [12, 11, 13, 15], u: 0, p: 0.028571428571428577},
		{x: [12, 11, 13, 15], y: [2, 1, 3, 5], u: 16, p: 0.028571428571428577},
		{x: [2, 1, 3, 5], y: [0, 4, 6, 7], u: 5, p: 0.48571428571428577},
	])('go-moremath utest_test.go: U=$u p=$p', ({x, y, u, p}) => {
		const result = mannWhitneyU(x, y);
		expect(result.u).toBe(u);
		expect(result.pValue).toBeCloseTo(p, 14);
	});

	// Two-tailed critical values of U at α = 0.05 from the standard Mann-Whitney table
	// (e.g. Siegel & Castellan, Table J): reject when U <= critical value.
	test.each([
		{n: 5, critical: 2},
		{n: 8, critical: 13},
		{n: 10, critical: 23},
		{n: 20, critical: 127},
	])('critical-value table: n1 = n2 = $n → U <= $critical', ({n, critical}) => {
		expect(2 * exactUCdf(critical, n, n)).toBeLessThanOrEqual(0.05);
		expect(2 * exactUCdf(critical + 1, n, n)).toBeGreaterThan(0.05);
	});

	test('R 4.2.2: 2 * pwilcox(23, 10, 10) = 0.0432570525449782, 2 * pwilcox(24, 10, 10) = 0.0524259022711035', () => {
		expect(2 * exactUCdf(23, 10, 10)).toBeCloseTo(0.0432570525449782, 14);
		expect(2 * exactUCdf(24, 10, 10)).toBeCloseTo(0.0524259022711035, 14);
	});

	test('benchstat uTestSamples: 4 per side to reach 0.05, 5 to reach 0.01; minimum p for n = 4 is 0.02857142857142857', () => {
		expect(minSamplesForUTest(0.05)).toBe(4);
		expect(minSamplesForUTest(0.01)).toBe(5);
		expect(2 * exactUCdf(0, 4, 4)).toBeCloseTo(0.02857142857142857, 15);
	});
});

describe('Mann-Whitney U, normal approximation', () => {
	test('scipy docs: method="asymptotic" → 0.11134688653314041; without continuity → 0.0864107329737', () => {
		expect(mannWhitneyU(males, females, {method: 'normal'}).pValue).toBeCloseTo(0.11134688653314041, 13);
		expect(mannWhitneyU(males, females, {method: 'normal', continuity: false}).pValue).toBeCloseTo(0.0864107329737, 12);
	});

	// go-moremath utest_test.go large samples, checked there against R's wilcox.test:
	// l1 <- seq(0, 499)*2; l2 <- seq(0,599)*2-41; l3 <- l2; for (i in 1:30) l3[i] = l1[i]
	const l1 = Array.from({length: 500}, (_, i) => i * 2);
	const l2 = Array.from({length: 600}, (_, i) => i * 2 - 41);
	const l3 = [...l2];
	for (let i = 0; i < 30; i++) l3[i] = l1[i]!;

	test('no ties: U = 135250, p = 0.0049335360814172224', () => {
		const result = mannWhitneyU(l1, l2);
		expect(result.method).toBe('normal');
		expect(result.u).toBe(135_250);
		expect(result.pValue).toBeCloseTo(0.0049335360814172224, 14);
	});

	test('with ties (tie-corrected variance): U = 134845, p = 0.0038703814239617884', () => {
		const result = mannWhitneyU(l1, l3);
		expect(result.hasTies).toBe(true);
		expect(result.u).toBe(134_845);
		expect(result.pValue).toBeCloseTo(0.0038703814239617884, 14);
	});

	test('identical samples: p = 1; all values equal: p = 1 (no variance)', () => {
		expect(mannWhitneyU(l1, l1).pValue).toBe(1);
		expect(mannWhitneyU([2, 2, 2, 2], [2, 2, 2, 2]).pValue).toBe(1);
	});

	test('ties in small samples switch to the normal method (as R)', () => {
		expect(mannWhitneyU([1, 2, 2, 3], [2, 4, 5, 6]).method).toBe('normal');
	});
});

describe('Mann-Whitney U, tiny exact p-values', () => {
	// issue 12: base 1..30, candidate base + 100 printed p = 0 in one direction.
	// R 4.2: wilcox.test(b + 100, b)$p.value with b <- 1:30 → 1.6911233892144776e-17 (both orders).
	test('the smaller tail is computed directly, in both directions', () => {
		const base = Array.from({length: 30}, (_, i) => i + 1);
		const candidate = base.map((v) => v + 100);
		for (const [x, y] of [[candidate, base], [base, candidate]] as const) {
			const result = mannWhitneyU(x, y);
			expect(result.method).toBe('exact');
			expect(result.pValue / 1.6911233892144776e-17).toBeCloseTo(1, 10);
		}
	});
});
