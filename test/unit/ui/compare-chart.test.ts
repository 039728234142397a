import {describe, expect, test} from 'vitest';
import {computeHistoryColumns, renderHistoryAxis, renderHistoryChart} from '../../../source/ui/compare/compare-chart.js';
import type {HistoryPoint} from '../../../source/compare/case-history.js';

const flat = (count: number, spikeAt = -1): HistoryPoint[] => Array.from({length: count}, (_, i) => ({
	release: `v${i + 1}`, median: i === spikeAt ? 500 : 100, low: i === spikeAt ? 490 : 98, high: i === spikeAt ? 510 : 102, n: 30,
}));

describe('history chart at thousands of releases (issue 13)', () => {
	test('one column per release while they fit', () => {
		expect(computeHistoryColumns(flat(3), 10).map((c) => c.release)).toEqual(['v1', 'v2', 'v3']);
	});

	test('more releases than columns: each column keeps its min and max, so a one-release spike stays', () => {
		const columns = computeHistoryColumns(flat(3000, 1777), 60);
		expect(columns).toHaveLength(60);
		expect(Math.max(...columns.map((c) => c.high))).toBe(510);
		expect(Math.min(...columns.map((c) => c.low))).toBe(98);
		// The middle line is the median of medians: the spike does not move it.
		expect(columns.every((c) => c.median === 100)).toBe(true);
		expect(columns[0]!.release).toBe('v1');
	});

	test('the chart of 3,000 releases draws the spike within the width', () => {
		const lines = renderHistoryChart(flat(3000, 2999), 80, 8, (v) => v.toFixed(0));
		expect(lines.length).toBe(8);
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
		expect(lines.join('\n')).toMatch(/5\d\d/);
	});

	test('the axis labels a few releases, first and last among them, without overlap', () => {
		const points = flat(3000).map((p, i) => ({...p, release: `release-${i + 1}`}));
		const axis = renderHistoryAxis(points, 80);
		const labels = axis.trim().split(/\s+/);
		expect(labels.length).toBeGreaterThanOrEqual(3);
		expect(labels[0]).toBe('release-1');
		expect(labels.at(-1)).toMatch(/^release-29\d\d$/);
		expect([...axis].length).toBeLessThanOrEqual(80);
	});

	test('few releases keep every name under its own columns', () => {
		expect(renderHistoryAxis(flat(3), 80).trim().split(/\s+/)).toEqual(['v1', 'v2', 'v3']);
	});
});
