/**
 * Presentation of comparisons as plain strings (for the CLI table and the Compare pane):
 * verdict symbols that still read without colour, values in the metric's unit, intervals.
 */
import {formatBytes, formatDuration, paint, type Color} from '../ui/text.js';
import {UNDECIDED_COARSE, type CaseAdjustment, type CaseComparison, type SideSummary, type Verdict} from './compare-samples.js';
import type {ComparisonReport} from './load-comparison.js';

/** A symbol per verdict, so NO_COLOR output still says it. */
export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = {
	'regression': '✗',
	'improvement': '✓',
	'no significant change': '=',
	'too few samples': '?',
	'undecided: calibration too coarse': '~',
};

export const VERDICT_COLOR: Readonly<Record<Verdict, Color>> = {
	'regression': 'red',
	'improvement': 'green',
	'no significant change': 'gray',
	'too few samples': 'yellow',
	'undecided: calibration too coarse': 'yellow',
};

/** A value in the report's unit: durations for ns/µs, binary sizes for bytes. */
export function formatValue(value: number | undefined, unit: ComparisonReport['unit']): string {
	if (value === undefined || !Number.isFinite(value)) return '-';
	if (unit === 'bytes') return formatBytes(value);
	return formatDuration(unit === 'us' ? value * 1000 : value);
}

/** "+6.5%", "-0.3%". */
export function formatPercent(value: number | undefined, digits = 1): string {
	if (value === undefined || !Number.isFinite(value)) return value === undefined ? '-' : (value > 0 ? '+∞%' : '-∞%');
	const fixed = value.toFixed(digits);
	return `${value >= 0 && !fixed.startsWith('-') ? '+' : ''}${fixed}%`;
}

/** The half-width of a side's median interval relative to the median: "±1.2%", "±∞". */
export function formatSpread(side: SideSummary | undefined): string {
	if (!side) return '';
	if (!Number.isFinite(side.low) || !Number.isFinite(side.high) || side.median === 0) return '±∞';
	return `±${((Math.max(side.median - side.low, side.high - side.median) / Math.abs(side.median)) * 100).toFixed(1)}%`;
}

/** "[+4.1%, +8.8%]". */
export function formatChangeInterval(row: CaseComparison): string {
	if (row.changeLowPct === undefined || row.changeHighPct === undefined) return '';
	return `[${formatPercent(row.changeLowPct)}, ${formatPercent(row.changeHighPct)}]`;
}

/** p-values: 3 significant digits, "<0.001" below. */
export function formatP(p: number | undefined): string {
	if (p === undefined) return '-';
	return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
	const length = [...text].length;
	if (length >= width) return text;
	return align === 'left' ? text + ' '.repeat(width - length) : ' '.repeat(width - length) + text;
}

/**
 * The overhead column (issue 15): the factor, its 95% interval as ±%, and where it came from:
 * "÷1.012 ±0.6% own case", "÷1.020 ±0.9% cpu-int" (the matched workload), "÷1.066 ±9.1% mean*".
 */
export function formatAdjustment(adjustment: CaseAdjustment | undefined): string {
	if (!adjustment) return '-';
	const halfWidth = Math.max(adjustment.factor / adjustment.low - 1, adjustment.high / adjustment.factor - 1) * 100;
	const source = adjustment.source === 'case' ? 'own case' : (adjustment.source === 'workload' ? adjustment.workload ?? 'workload' : 'mean*');
	return `÷${adjustment.factor.toFixed(3)} ±${Number.isFinite(halfWidth) ? halfWidth.toFixed(1) : '∞'}% ${source}`;
}

/** Footnotes saying what the overhead sources mean, for the sources present. */
function describeAdjustmentSources(rows: readonly CaseComparison[]): string[] {
	const sources = new Set(rows.map((r) => r.adjustment?.source));
	const notes: string[] = [];
	if (sources.has('case')) notes.push('overhead "own case": measured for this case by rqc calibrate --suite (the most faithful)');
	if (sources.has('workload')) notes.push('overhead named by a workload: the calibration workload whose profile (CPU/wall, system share, peak memory) fits the case; rqc calibrate --suite S --release R measures the case itself');
	if (sources.has('summary')) notes.push('* overhead from the calibration\'s geometric mean: the calibration has no case of this name and no workload profiles (run rqc calibrate again)');
	if (rows.some((r) => r.verdict === UNDECIDED_COARSE)) notes.push(`~ undecided: the interval reaches past the threshold and the overhead alone is uncertain by more than half of it: calibrate longer (--max-time) on a quieter host`);
	return notes;
}

/** The human table for `rqc compare`. */
export function formatComparisonTable(report: ComparisonReport, hasColor: boolean): string {
	const {result, unit} = report;
	const lines: string[] = [];
	const header = `${report.base.selector} (${report.base.environmentLabel}) → ${report.candidate.selector} (${report.candidate.environmentLabel}), ${report.metric}`;
	lines.push(paint(header, 'bold', hasColor));
	if (report.isAdjusted) {
		lines.push(`candidate adjusted for overhead with calibration ${[report.base.calibrationId, report.candidate.calibrationId].filter((id) => id !== undefined).map((id) => `#${id}`).join(' and ')}; the change interval includes its uncertainty`);
	}

	for (const warning of report.warnings) lines.push(paint(`! ${warning}`, 'yellow', hasColor));

	const headings = ['', 'case', 'n', 'base', '', 'candidate', '', ...(report.isAdjusted ? ['overhead'] : []), 'change', 'interval', 'p', 'verdict'];
	const rows: string[][] = result.cases.map((row) => [
		VERDICT_SYMBOL[row.verdict],
		row.caseName,
		`${row.base?.n ?? 0}/${row.candidate?.n ?? 0}`,
		formatValue(row.base?.median, unit),
		formatSpread(row.base),
		formatValue(row.candidate?.median, unit),
		formatSpread(row.candidate),
		...(report.isAdjusted ? [formatAdjustment(row.adjustment)] : []),
		formatPercent(row.changePct),
		formatChangeInterval(row),
		formatP(row.pAdjusted),
		row.verdict,
	]);
	if (result.geomean) {
		const g = result.geomean;
		rows.push(['', `geomean (${g.cases} cases)`, '', '', '', '', '', ...(report.isAdjusted ? [''] : []), formatPercent(g.changePct), `[${formatPercent(g.changeLowPct)}, ${formatPercent(g.changeHighPct)}]`, '', '']);
	}

	const widths = headings.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
	const rightAligned = new Set([2, 3, 5]);
	const render = (cells: readonly string[]): string => cells.map((cell, i) => pad(cell, widths[i]!, rightAligned.has(i) ? 'right' : 'left')).join('  ').trimEnd();
	lines.push(paint(render(headings), 'dim', hasColor));
	for (const [index, cells] of rows.entries()) {
		const row = result.cases[index];
		const text = render(cells);
		lines.push(row ? paint(text, VERDICT_COLOR[row.verdict], hasColor && row.verdict !== 'no significant change') : paint(text, 'bold', hasColor));
	}

	const c = result.counts;
	const undecided = c[UNDECIDED_COARSE] > 0 ? `, ${c[UNDECIDED_COARSE]} undecided (calibration too coarse)` : '';
	lines.push(`${c.regression} regression(s), ${c.improvement} improvement(s), ${c['no significant change']} without significant change${undecided}, ${c['too few samples']} with too few samples (need ${result.minSamples} a side); alpha ${result.alpha} (Holm-adjusted p), threshold ${result.thresholdPct}%`);
	if (report.isAdjusted) lines.push(...describeAdjustmentSources(result.cases));

	return lines.join('\n');
}
