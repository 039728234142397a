import {describe, expect, test} from 'vitest';
import {computeProfile, describeImprecision, getHalfWidthPct, getStopReason, listHalfWidths} from '../../../source/compare/calibration-quality.js';

describe('calibration precision (issue 15)', () => {
	test.each([
		[{ratio: 1, low: 0.99, high: 1.01}, 1.0101],
		[{ratio: 1.02, low: 1.01, high: 1.035}, 1.4706],
		[{ratio: 1.1, low: 1.1, high: 1.1}, 0],
		[{ratio: 1.1, low: 0, high: 2}, Number.POSITIVE_INFINITY],
	])('half-width of %o is %f%%', (estimate, expected) => {
		const value = getHalfWidthPct(estimate);
		if (Number.isFinite(expected)) expect(value).toBeCloseTo(expected, 3);
		else expect(value).toBe(expected);
	});

	test('lists wall and cpu widths, widest first, leaving rss out', () => {
		const widths = listHalfWidths({
			cases: {
				a: {wall: {ratio: 1, low: 0.95, high: 1.05}, cpu: {ratio: 1, low: 0.999, high: 1.001}, rss: {ratio: 1, low: 0.5, high: 2}},
				b: {cpu: {ratio: 1, low: 0.98, high: 1.02}},
			},
			summary: {},
		});
		expect(widths.map((w) => `${w.case} ${w.dimension}`)).toEqual(['a wall', 'b cpu', 'a cpu']);
	});

	test.each([
		['within target after the minimum rounds', {rounds: 3, widestPct: 0.8}, 'target'],
		['within target too early', {rounds: 2, widestPct: 0.8}, undefined],
		['wide, time left', {rounds: 5, widestPct: 3}, undefined],
		['wide, another round would not fit', {rounds: 5, widestPct: 3, elapsedMs: 250_000, lastRoundMs: 60_000}, 'time'],
	])('stop: %s', (_what, inputs, expected) => {
		expect(getStopReason({minRounds: 3, targetPct: 1, elapsedMs: 10_000, maxTimeMs: 300_000, lastRoundMs: 5000, ...inputs})).toBe(expected);
	});

	test('says why it is too wide: the load, the noisiest cases, the budget', () => {
		const widths = [{case: 'spawn', dimension: 'wall', halfWidthPct: 12.3}, {case: 'file-io', dimension: 'wall', halfWidthPct: 4}, {case: 'cpu-int', dimension: 'cpu', halfWidthPct: 0.4}];
		const reasons = describeImprecision(widths, {targetPct: 1, loadAverage: [9.5, 12], cores: 2, stoppedBy: 'time'});
		expect(reasons[0]).toContain('load average 9.50 at the start and 12.00 at the end on 2 core(s)');
		expect(reasons[1]).toBe('noisiest: spawn wall ±12.3%, file-io wall ±4.0% (target ±1%)');
		expect(reasons[2]).toContain('--max-time');
		expect(describeImprecision(widths, {targetPct: 20, loadAverage: [9.5, 12], cores: 2, stoppedBy: 'target'})).toEqual([]);
		// A quiet host is not blamed.
		expect(describeImprecision(widths, {targetPct: 1, loadAverage: [0.2, 0.3], cores: 2, stoppedBy: 'target'}).join(' ')).not.toContain('busy');
	});

	test('a profile from bare-metal points: CPU over wall, system share, peak memory', () => {
		const profile = computeProfile([
			{wall: 100_000_000, cpu: 50_000, rss: 1000, system: 40_000},
			{wall: 100_000_000, cpu: 60_000, rss: 3000, system: 48_000},
			{wall: 100_000_000, cpu: 70_000, rss: 2000, system: 56_000},
		])!;
		expect(profile.cpuPerWall).toBeCloseTo(0.6, 12);
		expect(profile.systemShare).toBeCloseTo(0.8, 12);
		expect(profile.peakRssBytes).toBe(3000);
		expect(computeProfile([])).toBeUndefined();
	});
});
