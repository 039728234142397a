import {describe, expect, it} from 'vitest';
import {computeModifiedZScores, flagOutliers, summarizeCase} from '../../../source/bench/statistics.js';

// issue 10: median and MAD come from stats/ (one copy); a case summary reports the raw MAD.
describe('median and MAD of a case summary', () => {
	const table: Array<[number[], number | undefined, number | undefined]> = [
		[[], undefined, undefined],
		[[5], 5, 0],
		[[3, 1, 2], 2, 1],
		[[1, 2, 3, 4], 2.5, 1],
		[[1, 1, 2, 2, 4, 6, 9], 2, 1],
	];
	for (const [values, median, mad] of table) {
		it(`${JSON.stringify(values)} → median ${median}, MAD ${mad}`, () => {
			const summary = summarizeCase('c', values.map((wallNs) => ({wallNs, exitCode: 0})));
			expect(summary.medianNs).toBe(median);
			expect(summary.madNs).toBe(mad);
		});
	}
});

describe('outliers by modified z-score (as hyperfine: (x - median) / (1.4826 MAD))', () => {
	it('scores like hyperfine', () => {
		// median 10, MAD 1 → z = (x - 10) / 1.4826
		const scores = computeModifiedZScores([9, 10, 11, 10, 20]);
		expect(scores[4]).toBeCloseTo(10 / 1.4826, 6);
		expect(scores[0]).toBeCloseTo(-1 / 1.4826, 6);
	});

	const table: Array<{name: string; values: number[]; expected: boolean[]}> = [
		{name: 'one slow run', values: [100, 101, 99, 100, 102, 98, 100, 250], expected: [false, false, false, false, false, false, false, true]},
		{name: 'one fast run too', values: [100, 101, 99, 100, 102, 98, 100, 20], expected: [false, false, false, false, false, false, false, true]},
		{name: 'no outliers in a spread', values: [90, 95, 100, 105, 110], expected: [false, false, false, false, false]},
		{name: 'MAD 0: the mean deviation stands in', values: [5, 5, 5, 5, 5, 5, 9], expected: [false, false, false, false, false, false, true]},
		{name: 'all equal', values: [7, 7, 7, 7, 7], expected: [false, false, false, false, false]},
		{name: 'too few to judge', values: [10, 10, 10, 100], expected: [false, false, false, false]},
	];
	for (const row of table) {
		it(row.name, () => {
			expect(flagOutliers(row.values)).toEqual(row.expected);
		});
	}
});

describe('summarizeCase', () => {
	it('leaves warmups out of every figure but their count', () => {
		const summary = summarizeCase('c', [
			{wallNs: 1000, isWarmup: true, exitCode: 0, maxRssBytes: 9_999_999},
			{wallNs: 10, userUs: 1, systemUs: 2, maxRssBytes: 100, exitCode: 0},
			{wallNs: 20, userUs: 3, systemUs: 4, maxRssBytes: 300, exitCode: 0, isOutlier: true},
			{wallNs: 30, userUs: 5, systemUs: 6, maxRssBytes: 200, exitCode: 1},
		]);
		expect(summary).toMatchObject({count: 3, warmups: 1, outliers: 1, failures: 1, medianNs: 20, meanNs: 20, minNs: 10, maxNs: 30, medianUserUs: 3, medianSystemUs: 4, maxRssBytes: 300, madNs: 10});
		expect(summary.stddevNs).toBeCloseTo(10, 9);
	});
});
