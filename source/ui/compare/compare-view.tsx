/**
 * The Compare pane's screen: two releases picked by keyboard (default the two latest), the case
 * table coloured by verdict and marked by symbol, and for the selected case its median across
 * releases with the interval drawn around it, plus both sides' distributions. Fits 80×24.
 */
import React, {useEffect, useMemo, useReducer, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {filterCases, orderCases} from '../../compare/case-order.js';
import type {CaseComparison} from '../../compare/compare-samples.js';
import {formatP, formatValue, VERDICT_COLOR, VERDICT_SYMBOL} from '../../compare/format.js';
import type {ComparisonReport} from '../../compare/load-comparison.js';
import {isRqcError} from '../../errors.js';
import {renderHistograms, renderHistoryAxis, renderHistoryChart} from './compare-chart.js';
import type {CaseDetail, CompareSource} from './compare-source.js';
import {getPickerChoices, initialCompareState, reduceCompare} from './compare-state.js';

export interface CompareViewProps {
	readonly source: CompareSource;
	readonly isActive: boolean;
	readonly width: number;
	readonly height: number;
	/** Told when typed text (the / filter, a release picker) takes the keys, so global keys step aside. */
	readonly onCaptureInput?: (isCaptured: boolean) => void;
}

const SHORT_VERDICT: Readonly<Record<CaseComparison['verdict'], string>> = {
	'regression': 'slower',
	'improvement': 'faster',
	'no significant change': 'same',
	'too few samples': 'too few',
};

function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const chars = [...text];
	if (chars.length > width) return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
	return align === 'left' ? text + ' '.repeat(width - chars.length) : ' '.repeat(width - chars.length) + text;
}

function signed(value: number | undefined, digits = 1): string {
	if (value === undefined) return '-';
	if (!Number.isFinite(value)) return value > 0 ? '+∞' : '-∞';
	const text = value.toFixed(digits);
	return value >= 0 && !text.startsWith('-') ? `+${text}` : text;
}

/** One table row as text, columns sized to the width. Pure. */
export function formatCaseRow(row: CaseComparison, unit: ComparisonReport['unit'], caseWidth: number): string {
	const change = row.changePct === undefined ? '-' : `${signed(row.changePct)}%`;
	const interval = row.changeLowPct === undefined ? '' : `[${signed(row.changeLowPct)},${signed(row.changeHighPct)}]`;
	return [
		VERDICT_SYMBOL[row.verdict],
		fit(row.caseName, caseWidth),
		fit(formatValue(row.base?.median, unit), 9, 'right'),
		fit(formatValue(row.adjustedCandidateMedian ?? row.candidate?.median, unit), 9, 'right'),
		fit(change, 8, 'right'),
		fit(interval, 15),
		fit(formatP(row.pAdjusted), 6, 'right'),
		fit(SHORT_VERDICT[row.verdict], 7),
	].join(' ');
}

/** Everything in a row but the case name: symbol, six more columns, seven separators. */
const FIXED_COLUMNS = 1 + 9 + 9 + 8 + 15 + 6 + 7 + 7;

export function CompareView({source, isActive, width, height, onCaptureInput}: CompareViewProps) {
	const [state, dispatch] = useReducer(reduceCompare, initialCompareState);
	const [report, setReport] = useState<ComparisonReport | undefined>();
	const [error, setError] = useState<{message: string; hint?: string} | undefined>();
	const [isLoading, setIsLoading] = useState(true);
	// Tagged with its case: a slow load never shows one case's data under another's name.
	const [loaded, setLoaded] = useState<{readonly caseName: string; readonly detail: CaseDetail} | undefined>();

	useEffect(() => {
		let isCurrent = true;
		source.listReleases().then((releases) => {
			if (isCurrent) dispatch({type: 'releases-loaded', releases});
		}, (error_: unknown) => {
			if (isCurrent) {
				setError({message: (error_ as Error).message});
				setIsLoading(false);
			}
		});
		return () => {
			isCurrent = false;
		};
	}, [source, state.reloads]);

	const base = state.releases[state.baseIndex];
	const candidate = state.releases[state.candidateIndex];
	useEffect(() => {
		if (base === undefined || candidate === undefined) {
			setIsLoading(false);
			return;
		}

		let isCurrent = true;
		setIsLoading(true);
		source.compare({base, candidate, metric: state.metric, noAdjust: !state.isAdjusted}).then((next) => {
			if (!isCurrent) return;
			setReport(next);
			setError(undefined);
			setIsLoading(false);
		}, (error_: unknown) => {
			if (!isCurrent) return;
			setReport(undefined);
			setError({message: (error_ as Error).message, ...(isRqcError(error_) && error_.hint ? {hint: error_.hint} : {})});
			setIsLoading(false);
		});
		return () => {
			isCurrent = false;
		};
	}, [source, base, candidate, state.metric, state.isAdjusted, state.reloads]);

	// Failing, missing and regressed cases first, then natural order (case-2 before case-10); / filters.
	const ordered = useMemo(() => orderCases(report?.result.cases ?? []), [report]);
	const cases = useMemo(() => filterCases(ordered, state.caseFilter), [ordered, state.caseFilter]);
	useEffect(() => {
		dispatch({type: 'cases-loaded', count: cases.length});
	}, [cases.length]);
	const isTyping = state.input !== undefined;
	useEffect(() => {
		onCaptureInput?.(isTyping);
	}, [onCaptureInput, isTyping]);
	const selected = cases[state.caseIndex];
	const selectedName = selected?.caseName;
	useEffect(() => {
		if (!report || selectedName === undefined) {
			setLoaded(undefined);
			return;
		}

		let isCurrent = true;
		source.getCaseDetail(report, selectedName).then((next) => {
			if (isCurrent) setLoaded({caseName: selectedName, detail: next});
		}, () => {
			if (isCurrent) setLoaded(undefined);
		});
		return () => {
			isCurrent = false;
		};
	}, [source, report, selectedName]);
	const detail = loaded !== undefined && loaded.caseName === selectedName ? loaded.detail : undefined;

	useInput((input, key) => {
		dispatch({type: 'key', input, key});
	}, {isActive});

	const header = `base ${base ?? '-'} (b/B/p)  →  candidate ${candidate ?? '-'} (c/C/P)  ${state.metric}${state.isAdjusted ? '' : ' raw'}`;
	if (state.releases.length < 2 && !isLoading) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text bold wrap="truncate">{fit('Compare', width)}</Text>
				<Text wrap="truncate">{fit(error ? `error: ${error.message}` : `${state.releases.length} release(s) stored: a comparison needs two (rqc bench run, rqc import)`, width)}</Text>
			</Box>
		);
	}

	const unit = report?.unit ?? 'ns';
	const note = report
		? [report.isAdjusted ? `adjusted: ${report.base.environmentLabel} vs ${report.candidate.environmentLabel}` : `${report.base.environmentLabel} vs ${report.candidate.environmentLabel}`, ...report.warnings.map((w) => `! ${w}`)].join('  ')
		: '';
	const hasChart = height >= 14 && detail !== undefined && detail.history.length > 0;
	// Header, note, table header and geomean; the chart's title and axis; the two histogram rows.
	const filterLine = state.input?.kind === 'cases' || state.caseFilter !== ''
		? `/${state.input?.kind === 'cases' ? `${state.input.text}▏` : state.caseFilter}  ${cases.length} of ${ordered.length} cases${state.input ? '  (enter keeps, esc clears)' : ''}`
		: undefined;
	const free = height - 4 - (hasChart ? 2 : 0) - (detail ? 2 : 0) - (filterLine === undefined ? 0 : 1);
	// The chart takes what the case table does not need (at most half when cases are many).
	const chartLines = hasChart ? Math.max(3, Math.min(12, free - Math.min(cases.length, Math.floor(free / 2)))) : 0;
	const rowsShown = Math.max(1, free - chartLines);
	const first = Math.min(Math.max(0, state.caseIndex - Math.floor(rowsShown / 2)), Math.max(0, cases.length - rowsShown));
	const caseWidth = Math.max(8, width - FIXED_COLUMNS);
	const histogram = detail ? renderHistograms(detail.base, detail.candidate, Math.max(4, width - 42)) : undefined;
	const chart = hasChart && detail ? renderHistoryChart(detail.history, width, chartLines, (v) => formatValue(v, unit)) : [];

	if (state.input && state.input.kind !== 'cases') {
		// A release picker: type to filter (every word must appear), ↑/↓ to choose, enter picks.
		const choices = getPickerChoices(state);
		const rows = Math.max(1, height - 3);
		const top = Math.min(Math.max(0, state.input.index - Math.floor(rows / 2)), Math.max(0, choices.length - rows));
		const current = state.input.kind === 'base' ? base : candidate;
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text bold wrap="truncate">{fit(`pick the ${state.input.kind} (now ${current ?? '-'}): ${state.input.text}▏`, width)}</Text>
				<Text dimColor wrap="truncate">{fit(`${choices.length} of ${state.releases.length} releases, newest first  ↑/↓ choose · enter pick · esc cancel`, width)}</Text>
				{choices.slice(top, top + rows).map((name, offset) => (
					<Text key={name} inverse={top + offset === state.input?.index} wrap="truncate">{fit(`${name === current ? '•' : ' '} ${name}`, width)}</Text>
				))}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate">{fit(header, width)}</Text>
			<Text color={report?.warnings.length ? 'yellow' : undefined} wrap="truncate">{fit(isLoading ? 'loading…' : note, width)}</Text>
			{filterLine === undefined ? null : <Text color="cyan" wrap="truncate">{fit(filterLine, width)}</Text>}
			{error ? (
				<Box flexDirection="column">
					<Text color="red" wrap="wrap">{`✗ ${error.message}`}</Text>
					{error.hint ? <Text wrap="wrap">{`→ ${error.hint}${state.isAdjusted ? ' (or press a for raw numbers)' : ''}`}</Text> : null}
				</Box>
			) : (
				<Box flexDirection="column">
					<Text dimColor wrap="truncate">{fit(`  ${fit('case', caseWidth)} ${fit('base', 9, 'right')} ${fit('candidate', 9, 'right')} ${fit('change', 8, 'right')} ${fit('interval %', 15)} ${fit('p', 6, 'right')} verdict`, width)}</Text>
					{cases.slice(first, first + rowsShown).map((row, offset) => {
						const index = first + offset;
						return (
							<Text key={row.caseName} color={VERDICT_COLOR[row.verdict]} inverse={index === state.caseIndex} wrap="truncate">
								{fit(formatCaseRow(row, unit, caseWidth), width)}
							</Text>
						);
					})}
					{report?.result.geomean ? (
						<Text bold wrap="truncate">{fit(`  ${fit(`geomean of ${report.result.geomean.cases}`, caseWidth)} ${' '.repeat(19)} ${fit(`${signed(report.result.geomean.changePct)}%`, 8, 'right')} [${signed(report.result.geomean.changeLowPct)},${signed(report.result.geomean.changeHighPct)}]`, width)}</Text>
					) : null}
				</Box>
			)}
			{hasChart && selected ? (
				<Box flexDirection="column">
					<Text bold wrap="truncate">{fit(`${selected.caseName}: median across releases${detail?.historyMode ? ` (${detail.historyMode === 'docker' ? 'docker' : 'bare-metal'} runs)` : ''}, interval above and below`, width)}</Text>
					<Text color="cyan" wrap="truncate">{chart.join('\n')}</Text>
					<Text dimColor wrap="truncate">{renderHistoryAxis(detail!.history, width)}</Text>
				</Box>
			) : null}
			{histogram && selected ? (
				<Box flexDirection="column">
					<Text wrap="truncate">{fit(`base  ${fit(base ?? '', 10)} │${histogram.base}│ ${formatValue(histogram.low, unit)}…${formatValue(histogram.high, unit)}`, width)}</Text>
					<Text wrap="truncate">{fit(`cand  ${fit(candidate ?? '', 10)} │${histogram.candidate}│`, width)}</Text>
				</Box>
			) : null}
		</Box>
	);
}
