/**
 * Pure text pictures for the Compare pane: a case's median across releases with its interval
 * drawn as upper and lower lines (asciichart), and both sides' distributions as a two-row text
 * histogram on shared bins.
 */
import asciichart from 'asciichart';
import type {HistoryPoint} from '../../compare/case-history.js';

export type {HistoryPoint} from '../../compare/case-history.js';

const LABEL_WIDTH = 9;

function fitLine(text: string, width: number): string {
	const chars = [...text];
	return chars.length > width ? chars.slice(0, width).join('') : text;
}

/**
 * The median (middle line) and its interval (upper and lower lines) across releases, each
 * release widened to the same number of columns so a few releases still fill the width.
 */
export function renderHistoryChart(points: readonly HistoryPoint[], width: number, height: number, format: (value: number) => string): string[] {
	if (points.length === 0 || height < 2 || width < LABEL_WIDTH + 6) return [];
	const plotWidth = width - LABEL_WIDTH - 2;
	const perPoint = Math.max(1, Math.floor(plotWidth / points.length));
	const shown = points.slice(-Math.max(1, Math.floor(plotWidth / perPoint)));
	const widen = (values: number[]): number[] => values.flatMap((v) => Array.from({length: perPoint}, () => v));
	const medians = shown.map((p) => p.median);
	const lows = shown.map((p) => (Number.isFinite(p.low) ? p.low : p.median));
	const highs = shown.map((p) => (Number.isFinite(p.high) ? p.high : p.median));
	const min = Math.min(...lows);
	const max = Math.max(...highs);
	const span = max - min || Math.abs(max) * 0.01 || 1;
	const text = asciichart.plot([widen(highs), widen(medians), widen(lows)], {
		min: min - span * 0.05,
		max: max + span * 0.05,
		height: height - 1,
		offset: 2,
		padding: ' '.repeat(LABEL_WIDTH),
		format: (value) => fitLine(format(value), LABEL_WIDTH).padStart(LABEL_WIDTH),
	});
	return text.split('\n').slice(0, height).map((line) => fitLine(line, width));
}

/** The release names under the chart, each at the start of its columns. */
export function renderHistoryAxis(points: readonly HistoryPoint[], width: number): string {
	const plotWidth = width - LABEL_WIDTH - 2;
	if (points.length === 0 || plotWidth < 4) return '';
	const perPoint = Math.max(1, Math.floor(plotWidth / points.length));
	const shown = points.slice(-Math.max(1, Math.floor(plotWidth / perPoint)));
	let line = ' '.repeat(LABEL_WIDTH + 2);
	for (const point of shown) line += fitLine(point.release, perPoint - 1).padEnd(perPoint);
	return fitLine(line.trimEnd(), width);
}

const BARS = ' ▁▂▃▄▅▆▇█';

/**
 * Both sides' distributions on the same bins (range of both, central 98% to keep one outlier
 * from flattening the rest), one row of bars per side.
 */
export function renderHistograms(base: readonly number[], candidate: readonly number[], bins: number): {base: string; candidate: string; low: number; high: number} | undefined {
	const all = [...base, ...candidate].sort((a, b) => a - b);
	if (all.length === 0 || bins < 2) return undefined;
	const low = all[Math.floor(all.length * 0.01)]!;
	const high = all[Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)]!;
	const span = high - low || 1;
	const count = (values: readonly number[]): number[] => {
		const counts = Array.from({length: bins}, () => 0);
		for (const v of values) {
			const bin = Math.min(bins - 1, Math.max(0, Math.floor(((v - low) / span) * bins)));
			counts[bin]!++;
		}

		return counts;
	};

	const row = (counts: number[], total: number): string => {
		const peak = Math.max(...counts, 1);
		return counts.map((c) => (c === 0 || total === 0 ? ' ' : BARS[Math.max(1, Math.round((c / peak) * (BARS.length - 1)))]!)).join('');
	};

	return {base: row(count(base), base.length), candidate: row(count(candidate), candidate.length), low, high};
}
