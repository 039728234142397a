/**
 * Presentation of comparisons as plain strings (for the CLI table and the Compare pane):
 * verdict symbols that still read without colour, values in the metric's unit, intervals.
 */
import {formatTableLines} from '../text/table.js';
import {formatBytes, formatDuration, paint, type Color} from '../text/text.js';
import type {CaseComparison, SideSummary, Verdict} from './compare-samples.js';
import type {ComparisonReport} from './load-comparison.js';

/** A symbol per verdict, so NO_COLOR output still says it. */
export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = {
	'regression': '✗',
	'improvement': '✓',
	'no significant change': '=',
	'too few samples': '?',
};

export const VERDICT_COLOR: Readonly<Record<Verdict, Color>> = {
	'regression': 'red',
	'improvement': 'green',
	'no significant change': 'gray',
	'too few samples': 'yellow',
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
		...(report.isAdjusted ? [row.adjustment ? `÷${row.adjustment.factor.toFixed(3)} [${row.adjustment.low.toFixed(3)}, ${row.adjustment.high.toFixed(3)}]${row.adjustment.source === 'summary' ? '*' : ''}` : '-'] : []),
		formatPercent(row.changePct),
		formatChangeInterval(row),
		formatP(row.pAdjusted),
		row.verdict,
	]);
	if (result.geomean) {
		const g = result.geomean;
		rows.push(['', `geomean (${g.cases} cases)`, '', '', '', '', '', ...(report.isAdjusted ? [''] : []), formatPercent(g.changePct), `[${formatPercent(g.changeLowPct)}, ${formatPercent(g.changeHighPct)}]`, '', '']);
	}

	const [headingLine = '', ...rendered] = formatTableLines(headings, rows, {align: [undefined, undefined, 'right', 'right', undefined, 'right']});
	lines.push(paint(headingLine, 'dim', hasColor));
	for (const [index, text] of rendered.entries()) {
		const row = result.cases[index];
		lines.push(row ? paint(text, VERDICT_COLOR[row.verdict], hasColor && row.verdict !== 'no significant change') : paint(text, 'bold', hasColor));
	}

	const c = result.counts;
	lines.push(`${c.regression} regression(s), ${c.improvement} improvement(s), ${c['no significant change']} without significant change, ${c['too few samples']} with too few samples (need ${result.minSamples} a side); alpha ${result.alpha} (Holm-adjusted p), threshold ${result.thresholdPct}%`);
	if (report.isAdjusted && result.cases.some((r) => r.adjustment?.source === 'summary')) {
		lines.push('* overhead from the calibration\'s geometric mean: the calibration has no case of this name');
	}

	return lines.join('\n');
}
