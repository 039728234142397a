import {describe, expect, test} from 'vitest';
import {binomialPmf, binomialUpperTail, logGamma, normalCdf, normalQuantile} from '../../../source/stats/distributions.js';

// Reference values: scipy 1.17 norm.cdf / norm.ppf / special.gammaln / binom (well-known implementation).
describe('standard normal', () => {
	test.each([
		[-10, 7.61985302416047e-24],
		[-5, 2.866515718791933e-7],
		[-3, 0.0013498980316300933],
		[-0.5, 0.3085375387259869],
		[0, 0.5],
		[2.9, 0.998134186699616],
		[4, 0.9999683287581669],
	])('Φ(%d)', (z, expected) => {
		expect(normalCdf(z) / expected).toBeCloseTo(1, 12);
	});

	test.each([
		[1e-12, -7.034483825301131],
		[0.001, -3.090232306167813],
		[0.025, -1.9599639845400545],
		[0.3, -0.5244005127080409],
		[0.975, 1.959963984540054],
		[0.999999, 4.753424308817087],
	])('Φ⁻¹(%d)', (p, expected) => {
		expect(normalQuantile(p)).toBeCloseTo(expected, 12);
	});
});

describe('gamma and binomial', () => {
	test.each([
		[0.5, 0.5723649429247],
		[3, 0.6931471805599453],
		[10.5, 13.940625219403763],
		[1000.3, 5907.292644785879],
	])('lnΓ(%d)', (x, expected) => {
		expect(logGamma(x)).toBeCloseTo(expected, 11);
	});

	test('binomial pmf and upper tail', () => {
		expect(binomialPmf(10, 0.5, 5)).toBeCloseTo(0.24609375, 14);
		expect(binomialUpperTail(1000, 0.47, 500)).toBeCloseTo(0.030886420650887574, 12);
		expect(binomialUpperTail(11, 0.3, 4)).toBeCloseTo(0.43043766119999977, 12);
		expect(binomialUpperTail(5, 0.3, 0)).toBe(1);
		expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
	});
});
