import {describe, expect, test} from 'vitest';
import {adjustBenjaminiHochberg, adjustPValues} from '../../../source/stats/multiple-testing.js';

describe('multiple-testing corrections', () => {
	// issue 12: --correction bh. R 4.2: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5, NA, 0.02), "BH")
	// → 0.030 0.048 0.045 0.030 0.500 NA 0.040.
	test('Benjamini-Hochberg equals R p.adjust(..., "BH"), NaN kept out of the count', () => {
		const adjusted = adjustBenjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, Number.NaN, 0.02]);
		const expected = [0.03, 0.048, 0.045, 0.03, 0.5, Number.NaN, 0.04];
		for (const [i, value] of expected.entries()) {
			if (Number.isNaN(value)) expect(adjusted[i]).toBeNaN();
			else expect(adjusted[i]).toBeCloseTo(value, 14);
		}
	});

	test('holm and none by name; none leaves the p-values as they are', () => {
		// R: p.adjust(c(0.01, 0.04, 0.03), "holm") → 0.03 0.06 0.06.
		const holm = adjustPValues([0.01, 0.04, 0.03], 'holm');
		expect(holm[0]).toBeCloseTo(0.03, 14);
		expect(holm[1]).toBeCloseTo(0.06, 14);
		expect(holm[2]).toBeCloseTo(0.06, 14);
		expect(adjustPValues([0.01, 0.04], 'none')).toEqual([0.01, 0.04]);
	});
});
