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

/** One column of the chart: the points it stands for and the values it draws. */
export interface HistoryColumn {
	/** The first release of the column (the axis labels it). */
	readonly release: string;
	readonly median: number;
	readonly low: number;
	readonly high: number;
}

/**
 * Points to at most `columns` columns. With more releases than columns each column keeps the
 * minimum and the maximum of the releases it stands for (lower line: lowest interval bound or
 * median; upper line: highest), so a one-release spike is never averaged away; the middle line
 * is the median of their medians. Pure.
 */
export function computeHistoryColumns(points: readonly HistoryPoint[], columns: number): HistoryColumn[] {
	const lowOf = (p: HistoryPoint): number => Math.min(p.median, Number.isFinite(p.low) ? p.low : p.median);
	const highOf = (p: HistoryPoint): number => Math.max(p.median, Number.isFinite(p.high) ? p.high : p.median);
	if (points.length <= columns) return points.map((p) => ({release: p.release, median: p.median, low: lowOf(p), high: highOf(p)}));
	const result: HistoryColumn[] = [];
	for (let c = 0; c < columns; c++) {
		const group = points.slice(Math.floor((c * points.length) / columns), Math.floor(((c + 1) * points.length) / columns));
		if (group.length === 0) continue;
		const medians = group.map((p) => p.median).sort((a, b) => a - b);
		const mid = medians.length >> 1;
		result.push({
			release: group[0]!.release,
			median: medians.length % 2 === 1 ? medians[mid]! : (medians[mid - 1]! + medians[mid]!) / 2,
			low: Math.min(...group.map((p) => lowOf(p))),
			high: Math.max(...group.map((p) => highOf(p))),
		});
	}

	return result;
}

/** How many columns each release (or group of releases) gets. */
function layout(count: number, width: number): {columns: number; perColumn: number} {
	const plotWidth = width - LABEL_WIDTH - 2;
	const columns = Math.min(count, Math.max(1, plotWidth));
	return {columns, perColumn: Math.max(1, Math.floor(plotWidth / columns))};
}

/**
 * The median (middle line) and its interval (upper and lower lines) across releases, each
 * release widened to the same number of columns so a few releases still fill the width; more
 * releases than columns share columns (see computeHistoryColumns).
 */
export function renderHistoryChart(points: readonly HistoryPoint[], width: number, height: number, format: (value: number) => string): string[] {
	if (points.length === 0 || height < 2 || width < LABEL_WIDTH + 6) return [];
	const {columns, perColumn} = layout(points.length, width);
	const shown = computeHistoryColumns(points, columns);
	const widen = (values: number[]): number[] => values.flatMap((v) => Array.from({length: perColumn}, () => v));
	const medians = shown.map((p) => p.median);
	const lows = shown.map((p) => p.low);
	const highs = shown.map((p) => p.high);
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

/**
 * Release names under the chart: every release when each has room for its name, else a few,
 * spread along the axis (the first and the last among them), each under its column.
 */
export function renderHistoryAxis(points: readonly HistoryPoint[], width: number): string {
	const plotWidth = width - LABEL_WIDTH - 2;
	if (points.length === 0 || plotWidth < 4) return '';
	const {columns, perColumn} = layout(points.length, width);
	const shown = computeHistoryColumns(points, columns);
	const start = LABEL_WIDTH + 2;
	const cells = Array.from({length: start + columns * perColumn}, () => ' ');
	const put = (at: number, text: string): void => {
		[...text].forEach((char, i) => {
			if (at + i < cells.length) cells[at + i] = char;
		});
	};

	if (shown.every((p) => [...p.release].length < perColumn)) {
		shown.forEach((p, i) => put(start + i * perColumn, p.release));
		return fitLine(cells.join('').trimEnd(), width);
	}

	// A few labels spread along the axis: the last release's right-aligned at the end, then the
	// others from the left wherever they fit before it with a gap.
	const widest = Math.max(...shown.map((p) => [...p.release].length)) + 2;
	const count = Math.max(1, Math.min(shown.length, Math.floor((columns * perColumn) / widest)));
	const last = shown.at(-1)!.release;
	const lastAt = Math.max(start, cells.length - [...last].length);
	put(lastAt, last);
	let free = start;
	for (let k = 0; k < count - 1; k++) {
		const index = Math.round((k * (shown.length - 1)) / Math.max(1, count - 1));
		const label = shown[index]!.release;
		const at = Math.max(free, start + index * perColumn);
		if (at + [...label].length >= lastAt) break;
		put(at, label);
		free = at + [...label].length + 1;
	}

	return fitLine(cells.join('').trimEnd(), width);
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
