/**
 * `rqc compare --format markdown`: a GitHub-flavoured table for a pull-request comment or
 * $GITHUB_STEP_SUMMARY. Verdict symbols, medians, change with interval, corrected p, a summary
 * line, the environments and any adjustment. Pure: a report in, text out. Every cell is
 * escaped, so a case name can never break the table or inject markup.
 */
import type {ComparisonReport} from './load-comparison.js';
import {
	describeCorrection, describeGeomean, describeRunIntervals, describeVerdict, formatChange, formatChangeInterval, formatP,
	formatValue, summarizeComparison, VERDICT_SYMBOL, type GateOptions,
} from './format.js';
import {formatPercent} from '../text/text.js';
import {judgeGate, orderByVerdict} from './verdicts.js';

/** Text safe in a table cell: pipes, backslashes and emphasis escaped, HTML's <>& as entities, one line. */
export function escapeMarkdownCell(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replace(/[\\|*_`[\]]/g, (c) => `\\${c}`)
		.replace(/[\r\n\t]+/g, ' ')
		.replace(/\p{Cc}/gu, '\uFFFD');
}

/** The markdown report. */
export function formatComparisonMarkdown(report: ComparisonReport, options: GateOptions = {}): string {
	const {result, unit} = report;
	const cell = escapeMarkdownCell;
	const lines: string[] = [];
	lines.push(`### rqc compare: ${cell(report.base.selector)} → ${cell(report.candidate.selector)} (${report.metric})`, '');
	const gate = judgeGate(result.counts, result.commonCases, options);
	if (options.isGated) lines.push(gate.isFailing ? `**Gate: fails** (${cell(gate.reasons.join('; '))})` : '**Gate: passes**', '');
	lines.push(`| | case | n | base | candidate | change | interval | p (${cell(result.correction)}) | verdict |`);
	lines.push('|:-:|:--|--:|--:|--:|--:|:--|--:|:--|');
	for (const row of orderByVerdict(result.cases)) {
		lines.push(`| ${[
			VERDICT_SYMBOL[row.verdict],
			row.caseName,
			`${row.base?.n ?? 0}/${row.candidate?.n ?? 0}`,
			formatValue(row.base?.median, unit),
			formatValue(row.adjustedCandidateMedian ?? row.candidate?.median, unit),
			formatChange(row, unit),
			formatChangeInterval(row, unit),
			formatP(row.pAdjusted),
			describeVerdict(row),
		].map((text) => cell(text)).join(' | ')} |`);
	}

	if (result.geomean) {
		const g = result.geomean;
		lines.push(`| | **${cell(describeGeomean(result))}** | | | | ${cell(formatPercent(g.changePct))} | ${cell(`[${formatPercent(g.changeLowPct)}, ${formatPercent(g.changeHighPct)}]`)} | | |`);
	}

	lines.push('', `**Summary:** ${cell(summarizeComparison(result))}`, '');
	const environment = (side: ComparisonReport['base']): string => `${cell(side.selector)}: ${cell(side.environmentLabel)}, runs ${side.runIds.map((id) => `#${id}`).join(', ')}, ${side.sampleCount} samples`;
	lines.push(`- **Base** ${environment(report.base)}`, `- **Candidate** ${environment(report.candidate)}`);
	if (report.isAdjusted) {
		const ids = [report.base.calibrationId, report.candidate.calibrationId].filter((id) => id !== undefined).map((id) => `#${id}`).join(' and ');
		lines.push(`- **Adjustment:** the candidate divided by the overhead of calibration ${ids}; the change interval includes its uncertainty`);
	} else if (report.isRawAcrossEnvironments) {
		lines.push('- **Adjustment:** none (--no-adjust): raw numbers across different environments');
	}

	lines.push(`- **Correction:** ${cell(describeCorrection(result))}`);
	const runIntervals = describeRunIntervals(result.cases);
	if (runIntervals) lines.push(`- **Intervals:** ${cell(runIntervals)}`);
	for (const warning of report.warnings) lines.push(`- ⚠ ${cell(warning)}`);
	return lines.join('\n') + '\n';
}
