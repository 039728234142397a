import {describe, expect, test} from 'vitest';
import {compareSampleSets} from '../../../source/compare/compare-samples.js';
import {toSideEnvironment} from '../../../source/compare/environment.js';
import {describeRunIntervals, formatComparisonTable, formatSpread} from '../../../source/compare/format.js';
import {formatPercent} from '../../../source/text/text.js';
import type {ComparisonReport} from '../../../source/compare/load-comparison.js';
import {parseAlpha, parseCorrection, parseFormat, parseThreshold, toComparisonJson} from '../../../source/commands/compare.js';
import {UserError} from '../../../source/errors.js';

const slow = Array.from({length: 20}, (_, i) => 110 + (i % 5));
const fast = Array.from({length: 20}, (_, i) => 100 + (i % 5));

function report(): ComparisonReport {
	const result = compareSampleSets(new Map([['a', fast], ['b', fast]]), new Map([['a', slow], ['b', fast]]));
	const env = toSideEnvironment({runtime: 'bare_metal'}, 'bare_metal');
	const side = (release: string) => ({selector: release, release, mode: undefined, runIds: [1], suites: ['s'], sampleCount: 40, environment: env, environmentLabel: 'bare metal', calibrationId: undefined});
	return {base: side('v1'), candidate: side('v2'), metric: 'wall', unit: 'ns', isAdjusted: false, isRawAcrossEnvironments: false, warnings: ['the two sides ran on different hosts'], result, hasRegression: true, isCached: false};
}

describe('the compare table and JSON', () => {
	test('symbols say the verdict without colour; warnings and the geomean row are shown', () => {
		const text = formatComparisonTable(report(), false);
		expect(text).not.toContain('\u001B[');
		expect(text).toMatch(/✗ +a +20\/20 .*regression/);
		expect(text).toMatch(/= +b .*no significant change/);
		expect(text).toContain('! the two sides ran on different hosts');
		expect(text).toContain('geomean (2 cases)');
		expect(formatComparisonTable(report(), true)).toContain('\u001B[31m');
	});

	test('JSON: one entry per case with stable names, unbounded values as null', () => {
		const json = JSON.parse(JSON.stringify(toComparisonJson(report()), (_k, v: unknown) => (v === undefined ? null : v))) as {cases: Array<Record<string, unknown>>; hasRegression: boolean};
		expect(json.hasRegression).toBe(true);
		expect(json.cases.map((c) => [c.case, c.verdict])).toEqual([['a', 'regression'], ['b', 'no significant change']]);
		// One run a side: the interval resampled single samples.
		expect(json.cases.map((c) => c.intervalBasis)).toEqual(['samples', 'samples']);
	});

	test('flag parsing: threshold as a percentage, alpha in (0, 0.5)', () => {
		expect(parseThreshold('2%')).toBe(2);
		expect(parseThreshold('0.5 %')).toBe(0.5);
		expect(parseThreshold(5)).toBe(5);
		expect(() => parseThreshold('lots')).toThrow(UserError);
		expect(parseAlpha(0.01)).toBe(0.01);
		expect(() => parseAlpha(0.7)).toThrow(UserError);
	});

	test('percent and spread formatting', () => {
		expect(formatPercent(1.234)).toBe('+1.2%');
		expect(formatPercent(-0.04)).toBe('-0.0%');
		expect(formatSpread({n: 3, median: 100, low: Number.NEGATIVE_INFINITY, high: 120, min: 90, max: 120, p25: 95, p75: 110})).toBe('±∞');
		expect(formatSpread({n: 9, median: 100, low: 98, high: 103, min: 90, max: 120, p25: 95, p75: 110})).toBe('±3.0%');
	});

	// issue 12: a zero base printed +∞% [-∞%, -∞%]; the correction and its case count were not said.
	test('a zero base shows the shift in the unit; the summary names the correction, its cases and every label', () => {
		const zero = Array.from({length: 20}, () => 0);
		const late = Array.from({length: 20}, (_, i) => 10e6 + i * 1000);
		const result = compareSampleSets(new Map([['a', fast], ['z', zero]]), new Map([['a', slow], ['z', late]]), {correction: 'bh'});
		const base = report();
		const text = formatComparisonTable({...base, result}, false, {isGated: true});
		expect(text).toMatch(/✗ +z +20\/20 +0 ns .*\+10\.\d+ ms +\[\+10\.\d+ ms, \+10\.\d+ ms\] .*regression/);
		expect(text).not.toContain('∞%');
		expect(text).toContain('geomean (1 cases, 1 left out: median 0)');
		expect(text).toContain('2 regression; Benjamini-Hochberg correction over 2 case(s); alpha 0.05, threshold ±2% (log-symmetric; the estimate beyond it)');
		expect(text).toContain('gate: fails (2 regression)');
		expect(formatComparisonTable({...base, result}, false)).not.toContain('gate:');
	});

	test('flag parsing: --format (and --json), --correction', () => {
		expect(parseFormat(undefined, false)).toBe('table');
		expect(parseFormat(undefined, true)).toBe('json');
		expect(parseFormat('junit', false)).toBe('junit');
		expect(parseFormat('json', true)).toBe('json');
		expect(() => parseFormat('html', false)).toThrow(/must be table, json, markdown or junit/);
		expect(() => parseFormat('markdown', true)).toThrow(/two formats/);
		expect(parseCorrection(undefined)).toBe('holm');
		expect(parseCorrection('BH')).toBe('bh');
		expect(() => parseCorrection('bonferroni')).toThrow(UserError);
	});
});

describe('intervals from whole runs', () => {
	const row = (caseName: string, intervalBasis: 'samples' | 'runs' | undefined) => ({caseName, intervalBasis}) as Parameters<typeof describeRunIntervals>[0][number];
	test('names the cases whose interval resampled runs, three and a count; nothing when none did', () => {
		expect(describeRunIntervals([row('a', 'samples'), row('b', undefined)])).toBeUndefined();
		expect(describeRunIntervals([row('a', 'runs'), row('b', 'samples')])).toMatch(/^interval from whole runs for a: their runs' medians differ/);
		expect(describeRunIntervals(['a', 'b', 'c', 'd', 'e'].map((n) => row(n, 'runs')))).toContain('for a, b, c and 2 more:');
	});
});
