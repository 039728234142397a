/**
 * Presentation of comparisons as plain strings (for the CLI table and the Compare pane):
 * verdict symbols that still read without colour, values in the metric's unit, intervals.
 * Labels, symbols and colours come from the one table in verdicts.ts.
 */
import {formatTableLines} from '../text/table.js';
import {formatBytes, formatDuration, formatPercent, nameSome, paint, type Color} from '../text/text.js';
import {UNDECIDED_COARSE, type CaseAdjustment, type CaseComparison, type SampleComparison, type SideSummary} from './compare-samples.js';
import type {ComparisonReport} from './load-comparison.js';
import {judgeGate, orderByVerdict, summarizeCounts, VERDICT_LABELS, VERDICTS, type Verdict} from './verdicts.js';

/** A symbol per verdict, so NO_COLOR output still says it. */
export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = Object.fromEntries(VERDICTS.map((v) => [v, VERDICT_LABELS[v].symbol])) as Record<Verdict, string>;

export const VERDICT_COLOR: Readonly<Record<Verdict, Color>> = Object.fromEntries(VERDICTS.map((v) => [v, VERDICT_LABELS[v].color])) as Record<Verdict, Color>;

/** A value in the report's unit: durations for ns/µs, binary sizes for bytes. */
export function formatValue(value: number | undefined, unit: ComparisonReport['unit']): string {
	if (value === undefined || !Number.isFinite(value)) return '-';
	if (unit === 'bytes') return formatBytes(value);
	return formatDuration(unit === 'us' ? value * 1000 : value);
}

/** A signed value in the report's unit: "+10.0 ms", "-3 ns". */
export function formatSignedValue(value: number | undefined, unit: ComparisonReport['unit']): string {
	if (value === undefined || !Number.isFinite(value)) return '-';
	return `${value < 0 ? '-' : '+'}${formatValue(Math.abs(value), unit)}`;
}

/** The half-width of a side's median interval relative to the median: "±1.2%", "±∞". */
export function formatSpread(side: SideSummary | undefined): string {
	if (!side) return '';
	if (!Number.isFinite(side.low) || !Number.isFinite(side.high) || side.median === 0) return '±∞';
	return `±${((Math.max(side.median - side.low, side.high - side.median) / Math.abs(side.median)) * 100).toFixed(1)}%`;
}

/** The change: "+6.5%", or the shift in the metric's unit when the base median is 0 ("+10.0 ms"). */
export function formatChange(row: CaseComparison, unit: ComparisonReport['unit']): string {
	if (row.changeBasis === 'shift') return formatSignedValue(row.shift?.estimate, unit);
	return formatPercent(row.changePct);
}

/** "[+4.1%, +8.8%]", or the shift's interval in the metric's unit when the base median is 0. */
export function formatChangeInterval(row: CaseComparison, unit: ComparisonReport['unit'] = 'ns'): string {
	if (row.changeBasis === 'shift') {
		return row.shift && !Number.isNaN(row.pValue ?? Number.NaN) ? `[${formatSignedValue(row.shift.low, unit)}, ${formatSignedValue(row.shift.high, unit)}]` : '';
	}

	if (row.changeLowPct === undefined || row.changeHighPct === undefined) return '';
	return `[${formatPercent(row.changeLowPct)}, ${formatPercent(row.changeHighPct)}]`;
}

/** p-values: 3 significant digits, "<0.001" below. */
export function formatP(p: number | undefined): string {
	if (p === undefined) return '-';
	return p < 0.001 ? '<0.001' : p.toFixed(3);
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

/**
 * A note naming the cases whose interval came from resampling whole runs (when a side has
 * several runs whose medians differ by more than their samples' spread), and what narrows it;
 * undefined when none did. Pure.
 */
export function describeRunIntervals(rows: readonly CaseComparison[]): string | undefined {
	const names = rows.filter((r) => r.intervalBasis === 'runs').map((r) => r.caseName);
	if (names.length === 0) return undefined;
	return `interval from whole runs for ${nameSome(names)}: their runs' medians differ by more than their samples' spread, so runs, not single samples, were resampled (more runs, alternated, narrow it)`;
}

/** Footnotes saying what the overhead sources mean, for the sources present. */
export function describeAdjustmentSources(rows: readonly CaseComparison[]): string[] {
	const sources = new Set(rows.map((r) => r.adjustment?.source));
	const notes: string[] = [];
	if (sources.has('case')) notes.push('overhead "own case": measured for this case by rqc calibrate --suite (the most faithful)');
	if (sources.has('workload')) notes.push('overhead named by a workload: the calibration workload whose profile (CPU/wall, system share, peak memory) fits the case; rqc calibrate --suite S --release R measures the case itself');
	if (sources.has('summary')) notes.push('* overhead from the calibration\'s geometric mean: the calibration has no case of this name and no workload profiles (run rqc calibrate again)');
	if (rows.some((r) => r.verdict === UNDECIDED_COARSE)) notes.push('~ undecided: the interval reaches past the threshold and the overhead alone is uncertain by more than half of it: calibrate longer (--max-time) on a quieter host, or the suite itself (rqc calibrate --suite)');
	return notes;
}

/** What a verdict needs said beside it: the failure count and first reason, a missing side. */
export function describeVerdict(row: CaseComparison): string {
	const failed = row.failures;
	if (row.verdict === 'failing' && failed) {
		const total = failed.candidate + (row.candidate?.n ?? 0);
		return `failing: ${failed.candidate}/${total} iterations failed (first: ${failed.firstReason ?? 'unknown'})`;
	}

	if (row.verdict === 'fixed' && failed) return `fixed: the base had ${failed.base} failed iteration(s) (${failed.firstReason ?? 'unknown'}), the candidate none`;
	if (row.verdict === 'missing') return 'missing: no sample in the candidate';
	if (row.verdict === 'new') return 'new: no sample in the base';
	const both = failed && failed.base > 0 && failed.candidate > 0 ? ` (failed iterations on both sides: ${failed.base}/${failed.candidate})` : '';
	return row.verdict + both;
}

const CORRECTION_NAME = {holm: 'Holm', bh: 'Benjamini-Hochberg', none: 'no'} as const;

/** "Holm correction over 12 cases" / "no correction (12 cases)". */
export function describeCorrection(result: SampleComparison): string {
	return result.correction === 'none' ? `no correction (${result.testedCases} tested cases)` : `${CORRECTION_NAME[result.correction]} correction over ${result.testedCases} case(s)`;
}

/** The decision rule in one phrase. */
export function describeRule(result: SampleComparison): string {
	return `alpha ${result.alpha}, threshold ±${result.thresholdPct}% (log-symmetric; ${result.isStrict ? 'strict: the whole interval beyond it' : 'the estimate beyond it'})`;
}

/** The summary line shared by every format: counts of every label, the correction and rule. */
export function summarizeComparison(result: SampleComparison): string {
	return `${summarizeCounts(result.counts)}; ${describeCorrection(result)}; ${describeRule(result)}; too few samples below ${result.minSamples} a side`;
}

/** "geomean of 12 cases", and the cases left out with why. */
export function describeGeomean(result: SampleComparison): string {
	const count = result.geomean?.cases ?? 0;
	const excluded = result.geomeanExcluded.length;
	return `geomean (${count} cases${excluded > 0 ? `, ${excluded} left out: median 0` : ''})`;
}

/** Whether --fail-on-regression applies, and whether removed cases are accepted. */
export interface GateOptions {
	readonly isGated?: boolean;
	readonly allowMissing?: boolean;
}

/** The human table for `rqc compare`: failing and missing first, then by verdict. */
export function formatComparisonTable(report: ComparisonReport, hasColor: boolean, options: GateOptions = {}): string {
	const {result, unit} = report;
	const lines: string[] = [];
	const header = `${report.base.selector} (${report.base.environmentLabel}) → ${report.candidate.selector} (${report.candidate.environmentLabel}), ${report.metric}`;
	lines.push(paint(header, 'bold', hasColor));
	if (report.isAdjusted) {
		lines.push(`candidate adjusted for overhead with calibration ${[report.base.calibrationId, report.candidate.calibrationId].filter((id) => id !== undefined).map((id) => `#${id}`).join(' and ')}; the change interval includes its uncertainty`);
	}

	for (const warning of report.warnings) lines.push(paint(`! ${warning}`, 'yellow', hasColor));

	const ordered = orderByVerdict(result.cases);
	const headings = ['', 'case', 'n', 'base', '', 'candidate', '', ...(report.isAdjusted ? ['overhead'] : []), 'change', 'interval', 'p', 'verdict'];
	const rows: string[][] = ordered.map((row) => [
		VERDICT_SYMBOL[row.verdict],
		row.caseName,
		`${row.base?.n ?? 0}/${row.candidate?.n ?? 0}`,
		formatValue(row.base?.median, unit),
		formatSpread(row.base),
		formatValue(row.candidate?.median, unit),
		formatSpread(row.candidate),
		...(report.isAdjusted ? [formatAdjustment(row.adjustment)] : []),
		formatChange(row, unit),
		formatChangeInterval(row, unit),
		formatP(row.pAdjusted),
		describeVerdict(row),
	]);
	if (result.geomean) {
		const g = result.geomean;
		rows.push(['', describeGeomean(result), '', '', '', '', '', ...(report.isAdjusted ? [''] : []), formatPercent(g.changePct), `[${formatPercent(g.changeLowPct)}, ${formatPercent(g.changeHighPct)}]`, '', '']);
	}

	const [headingLine = '', ...rendered] = formatTableLines(headings, rows, {align: [undefined, undefined, 'right', 'right', undefined, 'right']});
	lines.push(paint(headingLine, 'dim', hasColor));
	for (const [index, text] of rendered.entries()) {
		const row = ordered[index];
		lines.push(row ? paint(text, VERDICT_COLOR[row.verdict], hasColor && row.verdict !== 'no significant change') : paint(text, 'bold', hasColor));
	}

	if (!result.geomean && result.geomeanExcluded.length > 0) lines.push(`no geomean: ${result.geomeanExcluded.length} case(s) have a median of 0, which has no ratio`);
	lines.push(summarizeComparison(result));
	const gate = judgeGate(result.counts, result.commonCases, options);
	if (options.isGated && gate.isFailing) lines.push(paint(`gate: fails (${gate.reasons.join('; ')})`, 'red', hasColor));
	if (report.isAdjusted) lines.push(...describeAdjustmentSources(result.cases));
	const runIntervals = describeRunIntervals(result.cases);
	if (runIntervals) lines.push(runIntervals);

	return lines.join('\n');
}
