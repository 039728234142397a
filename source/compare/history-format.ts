/** Text and JSON forms of case histories for `rqc history`. Pure. */
import asciichart from 'asciichart';
import {paint} from '../text/text.js';
import type {Metric} from './environment.js';
import {formatP, formatValue} from './format.js';
import {formatPercent} from '../text/text.js';
import type {CaseHistory, ReleaseChangePoint} from './history.js';

const SPARKS = '▁▂▃▄▅▆▇█';

export function getMetricUnit(metric: Metric): 'ns' | 'us' | 'bytes' {
	return metric === 'wall' ? 'ns' : (metric === 'cpu' ? 'us' : 'bytes');
}

/**
 * Values squeezed into at most `width` columns, each column the median of the values it covers
 * (a trend line; the chart of one case keeps extremes, see below).
 */
export function bucketValues(values: readonly number[], width: number): number[] {
	if (values.length <= width) return [...values];
	const out: number[] = [];
	for (let column = 0; column < width; column++) {
		const from = Math.floor((column * values.length) / width);
		const to = Math.max(from + 1, Math.floor(((column + 1) * values.length) / width));
		const bucket = values.slice(from, to).sort((a, b) => a - b);
		out.push(bucket[bucket.length >> 1]!);
	}

	return out;
}

/** A one-line trend: ▁▂▃▅▇ scaled between the series' own minimum and maximum. */
export function formatSparkline(values: readonly number[], width: number): string {
	const columns = bucketValues(values, width);
	if (columns.length === 0) return '';
	const low = Math.min(...columns);
	const high = Math.max(...columns);
	return columns.map((v) => SPARKS[high === low ? 0 : Math.round(((v - low) / (high - low)) * (SPARKS.length - 1))]).join('');
}

/** "+8.1% [+7.2%, +9.0%]". */
export function formatChange(point: ReleaseChangePoint): string {
	return `${formatPercent(point.change * 100)} [${formatPercent(point.changeLow * 100)}, ${formatPercent(point.changeHigh * 100)}]`;
}

/** "p < 0.001", "p = 0.004". */
export function formatPValue(p: number): string {
	const text = formatP(p);
	return text.startsWith('<') ? `p ${text.replace('<', '< ')}` : `p = ${text}`;
}

/** One line per change point: where, how much, how sure, the medians either side. */
export function formatChangePointLine(point: ReleaseChangePoint, metric: Metric, hasColor: boolean): string {
	const unit = getMetricUnit(metric);
	const color = point.direction === 'slower' ? 'red' : (point.direction === 'faster' ? 'green' : 'yellow');
	return [
		paint(point.direction.padEnd(7), color, hasColor),
		`at ${point.releaseAfter}`,
		point.direction === 'noisier' ? 'spread at least doubled' : formatChange(point),
		formatPValue(point.pValue),
		`${formatValue(point.medianBefore, unit)} → ${formatValue(point.medianAfter, unit)}`,
		paint(`(after ${point.releaseBefore})`, 'dim', hasColor),
	].join('  ');
}

/**
 * A chart of one case's medians (asciichart), at most `width` columns: with more releases than
 * columns each column draws its bucket's minimum and maximum as two lines, so a one-release
 * spike is never averaged away. Change points are marked with ^ on a row under the plot.
 */
export function formatHistoryChart(history: CaseHistory, metric: Metric, options: {readonly width: number; readonly height?: number}): string {
	const unit = getMetricUnit(metric);
	const values = history.points.map((p) => p.median);
	if (values.length === 0) return '';
	const labelWidth = 12;
	const columns = Math.max(8, options.width - labelWidth - 2);
	const perColumn = Math.max(1, values.length / columns);
	const width = Math.min(columns, values.length);
	const lows: number[] = [];
	const highs: number[] = [];
	for (let column = 0; column < width; column++) {
		const from = Math.floor(column * perColumn);
		const to = Math.max(from + 1, Math.floor((column + 1) * perColumn));
		const bucket = values.slice(from, to);
		lows.push(Math.min(...bucket));
		highs.push(Math.max(...bucket));
	}

	const series = perColumn > 1 ? [highs, lows] : [lows];
	const plot = asciichart.plot(series, {
		height: options.height ?? 8,
		format: (v: number) => formatValue(v, unit).padStart(labelWidth - 2).slice(-(labelWidth - 2)),
	});
	const marks = Array.from({length: width}, () => ' ');
	for (const point of history.changePoints) marks[Math.min(width - 1, Math.floor(point.index / perColumn))] = '^';
	const offset = ' '.repeat(labelWidth);
	const first = history.points[0]!.release;
	const last = history.points.at(-1)!.release;
	const axis = first + ' '.repeat(Math.max(1, width - first.length - last.length)) + last;
	return [plot, offset + marks.join('').trimEnd(), offset + axis].join('\n');
}

/** The text report: per case its newest change points, and a trend line (a chart with one case). */
export function formatHistories(histories: readonly CaseHistory[], options: {readonly metric: Metric; readonly hasColor: boolean; readonly width: number; readonly isChart: boolean; readonly getChangePoints: (history: CaseHistory) => ReleaseChangePoint[]}): string {
	if (histories.length === 0) return 'no history yet: each case needs completed runs in at least one release (rqc bench run, rqc import)';
	const lines: string[] = [];
	const sparkWidth = Math.max(10, Math.min(40, options.width - 50));
	let withChange = 0;
	for (const history of histories) {
		const points = options.getChangePoints(history).reverse();
		if (points.length > 0) withChange++;
		const latest = history.points.at(-1)!;
		lines.push(`${paint(history.caseName, 'bold', options.hasColor)}  ${paint(`${history.suite} · ${history.setup} · ${history.points.length} releases`, 'dim', options.hasColor)}`);
		lines.push(`  ${formatSparkline(history.points.map((p) => p.median), sparkWidth)}  ${formatValue(latest.median, getMetricUnit(options.metric))} at ${latest.release}`);
		for (const point of points) lines.push(`  ${formatChangePointLine(point, options.metric, options.hasColor)}`);
		if (options.isChart) lines.push('', formatHistoryChart(history, options.metric, {width: options.width}));
	}

	lines.push('', `${histories.length} series, ${withChange} with change points (newest first)`);
	return lines.join('\n');
}

/** The JSON form: every series with its change points; points (every release) with `withPoints`. */
export function toHistoryJson(histories: readonly CaseHistory[], options: {readonly metric: Metric; readonly withPoints: boolean; readonly getChangePoints: (history: CaseHistory) => ReleaseChangePoint[]}): unknown[] {
	return histories.map((history) => ({
		suite: history.suite,
		case: history.caseName,
		setup: history.setup,
		releases: history.points.length,
		latest: history.points.length > 0 ? {release: history.points.at(-1)!.release, median: history.points.at(-1)!.median} : null,
		changePoints: options.getChangePoints(history).reverse().map((point) => ({
			releaseBefore: point.releaseBefore,
			releaseAfter: point.releaseAfter,
			direction: point.direction,
			medianBefore: point.medianBefore,
			medianAfter: point.medianAfter,
			changePct: point.change * 100,
			changeLowPct: point.changeLow * 100,
			changeHighPct: point.changeHigh * 100,
			pValue: point.pValue,
			releasesBefore: point.countBefore,
			releasesAfter: point.countAfter,
		})),
		...(options.withPoints ? {points: history.points.map((p) => ({release: p.release, median: p.median, runs: p.runs, samples: p.samples, firstRunAt: p.firstRunAt}))} : {}),
	}));
}
