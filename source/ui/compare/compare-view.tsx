/**
 * The Compare pane's screen: two releases picked by keyboard (default the two latest), the case
 * table coloured by verdict and marked by symbol, and for the selected case its median across
 * releases with the interval drawn around it, plus both sides' distributions. Fits 80×24.
 */
import React, {useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {CaseComparison} from '../../compare/compare-samples.js';
import {describeAdjustmentSources, describeRunIntervals, formatChange, formatP, formatValue, VERDICT_COLOR, VERDICT_SYMBOL} from '../../compare/format.js';
import type {ComparisonReport} from '../../compare/load-comparison.js';
import {summarizeCounts, VERDICT_LABELS} from '../../compare/verdicts.js';
import {filterCases, orderCases} from '../../compare/case-order.js';
import {isRqcError} from '../../errors.js';
import {fit, wrapText} from '../../text/text.js';
import {formatHints, keyFor} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';
import type {CompareRequest} from '../panes/types.js';
import {renderHistograms, renderHistoryAxis, renderHistoryChart} from './compare-chart.js';
import type {CaseDetail, CompareSource} from './compare-source.js';
import {getPickerChoices, initialCompareState, reduceCompare} from './compare-state.js';
import {useLatestReducer} from '../use-latest-reducer.js';

export interface CompareViewProps {
	readonly source: CompareSource;
	readonly isActive: boolean;
	readonly width: number;
	readonly height: number;
	/** Show these two releases (from the History pane); applied once per request. */
	readonly request?: CompareRequest | undefined;
	/** Told when typed text (the / filter, a release picker) takes the keys, so global keys step aside. */
	readonly onCaptureInput?: (isCaptured: boolean) => void;
}


function signed(value: number | undefined, digits = 1): string {
	if (value === undefined) return '-';
	if (!Number.isFinite(value)) return value > 0 ? '+∞' : '-∞';
	const text = value.toFixed(digits);
	return value >= 0 && !text.startsWith('-') ? `+${text}` : text;
}

/** One table row as text, columns sized to the width. Pure. */
export function formatCaseRow(row: CaseComparison, unit: ComparisonReport['unit'], caseWidth: number): string {
	// A zero base has no ratio: the change is the shift in the metric's unit (issue 12).
	const change = row.changeBasis === 'shift' ? formatChange(row, unit) : (row.changePct === undefined ? '-' : `${signed(row.changePct)}%`);
	const interval = row.changeLowPct === undefined ? '' : `[${signed(row.changeLowPct)},${signed(row.changeHighPct)}]`;
	return [
		VERDICT_SYMBOL[row.verdict],
		fit(row.caseName, caseWidth),
		fit(formatValue(row.base?.median, unit), 9, 'right'),
		fit(formatValue(row.adjustedCandidateMedian ?? row.candidate?.median, unit), 9, 'right'),
		fit(change, 8, 'right'),
		fit(interval, 15),
		fit(formatP(row.pAdjusted), 6, 'right'),
		fit(VERDICT_LABELS[row.verdict].short, 9),
	].join(' ');
}

/**
 * What the Compare pane can say of a comparison beyond its table, one text each: the environments
 * (first, always), every warning (prefixed "! "), what the overhead sources mean when adjusted,
 * and which cases' intervals came from whole runs. Pure.
 */
export function getReportNotes(report: ComparisonReport): string[] {
	const environments = `${report.base.environmentLabel} vs ${report.candidate.environmentLabel}`;
	const runIntervals = describeRunIntervals(report.result.cases);
	return [
		report.isAdjusted ? `adjusted: ${environments}` : environments,
		...report.warnings.map((w) => `! ${w}`),
		...(report.isAdjusted ? describeAdjustmentSources(report.result.cases) : []),
		...(runIntervals ? [runIntervals] : []),
	];
}

/**
 * The notes wrapped to the width, warnings marked, within `rows` rows: the last row says how to
 * go back, and how many lines did not fit when some did not. Pure.
 */
export function layOutNotes(notes: readonly string[], width: number, rows: number, key: string): Array<{text: string; isWarning: boolean; isHint: boolean}> {
	const lines = notes.flatMap((text) => wrapText(text, width).map((line) => ({text: line, isWarning: text.startsWith('! '), isHint: false})));
	const room = Math.max(0, rows - 1);
	const shown = lines.length > room ? lines.slice(0, room) : [...lines, ...(room > lines.length ? [{text: '', isWarning: false, isHint: false}] : [])];
	const cut = lines.length - Math.min(lines.length, room);
	return [...shown, {text: cut > 0 ? `… ${cut} more line(s): enlarge the terminal  ${key}: back to the cases` : `${key}: back to the cases`, isWarning: false, isHint: true}];
}

/** Everything in a row but the case name: symbol, six more columns, seven separators. */
const FIXED_COLUMNS = 1 + 9 + 9 + 8 + 15 + 6 + 9 + 7;

export function CompareView({source, isActive, width, height, request, onCaptureInput}: CompareViewProps) {
	const [state, dispatch, getLatest] = useLatestReducer(reduceCompare, initialCompareState);
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

	// Once the releases are listed; a request for releases not listed yet waits for a reload.
	const appliedRequest = useRef<CompareRequest | undefined>(undefined);
	useEffect(() => {
		if (!request || appliedRequest.current === request) return;
		if (!state.releases.includes(request.base) || !state.releases.includes(request.candidate)) return;
		appliedRequest.current = request;
		dispatch({type: 'select-releases', base: request.base, candidate: request.candidate});
	}, [request, state.releases]);

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

	// Failing, missing and regressed cases first (every report's order, issue 12), each group in
	// natural order (case-2 before case-10); / filters them (issue 13).
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

	// The scope follows the latest state, so text typed faster than a render reaches the open prompt.
	useKeymap(() => {
		const {input} = getLatest();
		if (input === undefined) return 'compare';
		return input.kind === 'cases' ? 'compare.filter' : 'compare.pick';
	}, {
		'compare': {
			'base-older': () => dispatch({type: 'move-base', by: -1}),
			'base-newer': () => dispatch({type: 'move-base', by: 1}),
			'candidate-older': () => dispatch({type: 'move-candidate', by: -1}),
			'candidate-newer': () => dispatch({type: 'move-candidate', by: 1}),
			'pick-base': () => dispatch({type: 'open-input', kind: 'base'}),
			'pick-candidate': () => dispatch({type: 'open-input', kind: 'candidate'}),
			'open-filter': () => dispatch({type: 'open-input', kind: 'cases'}),
			'case-previous': () => dispatch({type: 'move-case', by: -1}),
			'case-next': () => dispatch({type: 'move-case', by: 1}),
			'toggle-adjust': () => dispatch({type: 'toggle-adjust'}),
			'next-metric': () => dispatch({type: 'next-metric'}),
			'reload': () => dispatch({type: 'reload'}),
			'toggle-notes': () => dispatch({type: 'toggle-notes'}),
		},
		'compare.filter': {
			'keep': () => dispatch({type: 'input-accept'}),
			'clear': () => dispatch({type: 'input-cancel'}),
			'erase': () => dispatch({type: 'input-erase'}),
			'type': (text) => dispatch({type: 'input-type', text}),
		},
		'compare.pick': {
			'previous': () => dispatch({type: 'input-move', by: -1}),
			'next': () => dispatch({type: 'input-move', by: 1}),
			'pick': () => dispatch({type: 'input-accept'}),
			'cancel': () => dispatch({type: 'input-cancel'}),
			'erase': () => dispatch({type: 'input-erase'}),
			'type': (text) => dispatch({type: 'input-type', text}),
		},
	}, {isActive});

	const header = `base ${base ?? '-'} (${keyFor('compare', 'base-older')})  →  candidate ${candidate ?? '-'} (${keyFor('compare', 'candidate-older')})  ${state.metric}${state.isAdjusted ? '' : ' raw'}`;
	if (state.releases.length < 2 && !isLoading) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text bold wrap="truncate">{fit('Compare', width)}</Text>
				<Text wrap="truncate">{fit(error ? `error: ${error.message}` : `${state.releases.length} release(s) stored: a comparison needs two (rqc bench run, rqc import)`, width)}</Text>
			</Box>
		);
	}

	const unit = report?.unit ?? 'ns';
	const notes = report ? getReportNotes(report) : [];
	const notesKey = keyFor('compare', 'toggle-notes');
	// One line: how many warnings (the notes key shows them all), the environments, the first warning.
	const note = !report ? '' : (report.warnings.length > 0
		? `! ${report.warnings.length} warning(s), ${notesKey} shows all  ${notes[0]!}  ! ${report.warnings[0]}`
		: `${notes[0]!}${notes.length > 1 ? `  (${notesKey}: notes)` : ''}`);
	const hasChart = height >= 14 && detail !== undefined && detail.history.length > 0;
	const filterLine = state.input?.kind === 'cases' || state.caseFilter !== ''
		? `/${state.input?.kind === 'cases' ? `${state.input.text}▏` : state.caseFilter}  ${cases.length} of ${ordered.length} cases${state.input ? `  (${formatHints('compare.filter')})` : ''}`
		: undefined;
	// The notes in full (the notes key), wrapped, in place of the cases, chart and histograms.
	const isShowingNotes = state.isNotesOpen && report !== undefined && !error;
	const noteLines = isShowingNotes ? layOutNotes(notes, width, height - 2 - (filterLine === undefined ? 0 : 1), notesKey) : [];
	// Header, note, table header, geomean and summary; the chart's title and axis; the two histogram rows.
	const free = height - 5 - (hasChart ? 2 : 0) - (detail ? 2 : 0) - (filterLine === undefined ? 0 : 1);
	// The chart takes what the case table does not need (at most half when cases are many).
	const chartLines = hasChart ? Math.max(3, Math.min(12, free - Math.min(cases.length, Math.floor(free / 2)))) : 0;
	const rowsShown = Math.max(1, free - chartLines);
	const first = Math.min(Math.max(0, state.caseIndex - Math.floor(rowsShown / 2)), Math.max(0, cases.length - rowsShown));
	const caseWidth = Math.max(8, width - FIXED_COLUMNS);
	const histogram = detail ? renderHistograms(detail.base, detail.candidate, Math.max(4, width - 42)) : undefined;
	const chart = hasChart && detail ? renderHistoryChart(detail.history, width, chartLines, (v) => formatValue(v, unit)) : [];

	if (state.input && state.input.kind !== 'cases') {
		// A release picker: type to filter (every word must appear), ↑/↓ to choose, Enter picks.
		const choices = getPickerChoices(state);
		const rows = Math.max(1, height - 3);
		const top = Math.min(Math.max(0, state.input.index - Math.floor(rows / 2)), Math.max(0, choices.length - rows));
		const current = state.input.kind === 'base' ? base : candidate;
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Text bold wrap="truncate">{fit(`pick the ${state.input.kind} (now ${current ?? '-'}): ${state.input.text}▏`, width)}</Text>
				<Text dimColor wrap="truncate">{fit(`${choices.length} of ${state.releases.length} releases, newest first  ${formatHints('compare.pick')}`, width)}</Text>
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
			{isShowingNotes ? (
				<Box flexDirection="column">
					{noteLines.map((line, index) => (
						<Text key={index} color={line.isWarning ? 'yellow' : undefined} dimColor={line.isHint} wrap="truncate">{fit(line.text, width)}</Text>
					))}
				</Box>
			) : error ? (
				<Box flexDirection="column">
					<Text color="red" wrap="wrap">{`✗ ${error.message}`}</Text>
					{error.hint ? <Text wrap="wrap">{`→ ${error.hint}${state.isAdjusted ? ` (or press ${keyFor('compare', 'toggle-adjust')} for raw numbers)` : ''}`}</Text> : null}
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
						<Text bold wrap="truncate">{fit(`  ${fit(`geomean of ${report.result.geomean.cases}${report.result.geomeanExcluded.length > 0 ? ` (${report.result.geomeanExcluded.length} out: median 0)` : ''}`, caseWidth)} ${' '.repeat(19)} ${fit(`${signed(report.result.geomean.changePct)}%`, 8, 'right')} [${signed(report.result.geomean.changeLowPct)},${signed(report.result.geomean.changeHighPct)}]`, width)}</Text>
					) : null}
					{report ? <Text dimColor wrap="truncate">{fit(summarizeCounts(report.result.counts, true), width)}</Text> : null}
				</Box>
			)}
			{hasChart && selected && !isShowingNotes ? (
				<Box flexDirection="column">
					<Text bold wrap="truncate">{fit(`${selected.caseName}: median across releases${detail?.historyMode ? ` (${detail.historyMode === 'docker' ? 'docker' : 'bare-metal'} runs)` : ''}, interval above and below`, width)}</Text>
					<Text color="cyan" wrap="truncate">{chart.join('\n')}</Text>
					<Text dimColor wrap="truncate">{renderHistoryAxis(detail!.history, width)}</Text>
				</Box>
			) : null}
			{histogram && selected && !isShowingNotes ? (
				<Box flexDirection="column">
					<Text wrap="truncate">{fit(`base  ${fit(base ?? '', 10)} │${histogram.base}│ ${formatValue(histogram.low, unit)}…${formatValue(histogram.high, unit)}`, width)}</Text>
					<Text wrap="truncate">{fit(`cand  ${fit(candidate ?? '', 10)} │${histogram.candidate}│`, width)}</Text>
				</Box>
			) : null}
		</Box>
	);
}
