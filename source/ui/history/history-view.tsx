/**
 * The History pane's screen: the series with a change point first, newest first ("case-7
 * +8.1% at r0600, p < 0.001"), then the rest; under it the selected series' trend chart with its
 * change points marked ^. Enter opens the Compare pane on the two releases around the selected
 * change point. Data comes from a HistorySource prop, so tests hand it a fake.
 */
import React, {useEffect, useMemo, useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import type {Metric} from '../../compare/environment.js';
import {findChangePoints, type CaseHistory, type LoadedHistory} from '../../compare/history.js';
import {formatChange, formatHistoryChart, formatPValue} from '../../compare/history-format.js';
import {fit} from '../../text/text.js';
import {formatHints} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';
import {getSelectedChangePoint, initialHistoryState, orderHistories, reduceHistory} from './history-state.js';

export interface HistorySource {
	/**
	 * Every series of the metric. Series without change points found yet get them here, a few
	 * cases at a time, so the first frame with data never waits for all of them.
	 */
	load(metric: Metric): Promise<LoadedHistory>;
}

/** Series whose change points are found per tick: enough to stay responsive, few ticks in all. */
const CASES_PER_TICK = 4;

export interface HistoryViewProps {
	readonly source: HistorySource;
	readonly isActive: boolean;
	readonly width: number;
	readonly height: number;
	/** Opens the Compare pane on two releases. */
	readonly onOpenCompare?: (base: string, candidate: string) => void;
}

const METRIC_TITLES: Record<Metric, string> = {wall: 'wall time', cpu: 'CPU time', rss: 'peak memory'};

type Loaded = {readonly metric: Metric; readonly nonce: number} & ({readonly state: 'loading'} | {readonly state: 'ready'; readonly history: LoadedHistory; readonly analysed: number} | {readonly state: 'error'; readonly message: string});

export function HistoryView({source, isActive, width, height, onOpenCompare}: HistoryViewProps) {
	const [state, dispatch] = useReducer(reduceHistory, initialHistoryState);
	const [nonce, setNonce] = useState(0);
	const [loaded, setLoaded] = useState<Loaded>({metric: state.metric, nonce, state: 'loading'});
	// Loaded when first shown, and again on r or a new metric; a late answer for an older request
	// is dropped, so the screen never shows one metric's series under another's title.
	const [hasBeenActive, setHasBeenActive] = useState(isActive);
	useEffect(() => {
		if (isActive) setHasBeenActive(true);
	}, [isActive]);
	useEffect(() => {
		if (!hasBeenActive) return;
		let isCurrent = true;
		setLoaded({metric: state.metric, nonce, state: 'loading'});
		let timer: NodeJS.Timeout | undefined;
		source.load(state.metric).then(
			(history) => {
				if (!isCurrent) return;
				// The series show at once; change points follow, a few cases per tick (a store of
				// years holds thousands of releases per case).
				const histories: CaseHistory[] = [...history.histories];
				let analysed = 0;
				const step = (): void => {
					if (!isCurrent) return;
					for (const end = Math.min(histories.length, analysed + CASES_PER_TICK); analysed < end; analysed++) {
						if (histories[analysed]!.changePoints.length === 0) histories[analysed] = findChangePoints(histories[analysed]!);
					}

					setLoaded({metric: state.metric, nonce, state: 'ready', history: {...history, histories: [...histories]}, analysed});
					if (analysed < histories.length) timer = setTimeout(step, 0);
				};

				setLoaded({metric: state.metric, nonce, state: 'ready', history, analysed: 0});
				timer = setTimeout(step, 0);
			},
			(error: unknown) => isCurrent && setLoaded({metric: state.metric, nonce, state: 'error', message: error instanceof Error ? error.message : String(error)}),
		);
		return () => {
			isCurrent = false;
			if (timer) clearTimeout(timer);
		};
	}, [source, state.metric, nonce, hasBeenActive]);

	// Re-ordered (change points first) once every case is analysed, so the list does not jump while it fills.
	const isAnalysing = loaded.state === 'ready' && loaded.analysed < loaded.history.histories.length;
	const ordered = useMemo(() => (loaded.state !== 'ready' ? [] : (isAnalysing ? loaded.history.histories : orderHistories(loaded.history.histories))), [loaded, isAnalysing]);
	const selected = ordered[Math.min(state.selected, Math.max(0, ordered.length - 1))];
	const point = getSelectedChangePoint(selected, state);
	useKeymap('history', {
		history: {
			'case-previous': () => dispatch({type: 'select', step: -1, count: ordered.length}),
			'case-next': () => dispatch({type: 'select', step: 1, count: ordered.length}),
			'change-older': () => dispatch({type: 'change-point', step: 1, count: selected?.changePoints.length ?? 0}),
			'change-newer': () => dispatch({type: 'change-point', step: -1, count: selected?.changePoints.length ?? 0}),
			'open-compare': () => {
				if (point) onOpenCompare?.(point.releaseBefore, point.releaseAfter);
			},
			'next-metric': () => dispatch({type: 'next-metric'}),
			'reload': () => setNonce((n) => n + 1),
		},
	}, {isActive});

	const withChange = ordered.filter((h) => h.changePoints.length > 0).length;
	const title = `History · ${METRIC_TITLES[state.metric]}` + (loaded.state !== 'ready'
		? ''
		: (isAnalysing ? ` · ${ordered.length} series, finding change points ${loaded.analysed}/${ordered.length}…` : ` · ${ordered.length} series, ${withChange} with change points`));
	const header = (
		<Box flexDirection="column">
			<Text bold wrap="truncate">{fit(title, width)}</Text>
			<Text dimColor wrap="truncate">{fit(formatHints('history'), width)}</Text>
		</Box>
	);
	if (loaded.state === 'loading') return <Box flexDirection="column" height={height}>{header}<Text dimColor>loading the history…</Text></Box>;
	if (loaded.state === 'error') return <Box flexDirection="column" height={height}>{header}<Text color="red" wrap="truncate">{fit(`cannot load the history: ${loaded.message}`, width)}</Text></Box>;
	if (ordered.length === 0) {
		return <Box flexDirection="column" height={height}>{header}<Text wrap="truncate">{fit('no history yet: cases need completed runs in several releases (rqc bench run, rqc import)', width)}</Text></Box>;
	}

	// The list takes up to a third of the pane; the chart the rest (its plot, marks and axis rows).
	const listRows = Math.max(1, Math.min(ordered.length, Math.floor((height - 4) / 3)));
	const first = Math.max(0, Math.min(state.selected - Math.floor(listRows / 2), ordered.length - listRows));
	const chartHeight = Math.max(2, height - 2 - listRows - 4);
	const rows = ordered.slice(first, first + listRows).map((history, i) => {
		const index = first + i;
		const newest = history.changePoints.at(-1);
		const change = newest
			? `${newest.direction} ${newest.direction === 'noisier' ? '' : formatChange(newest).split(' ')[0]} at ${newest.releaseAfter}, ${formatPValue(newest.pValue)}`
			: 'no change point';
		const marker = index === state.selected ? '▶' : ' ';
		const color = newest?.direction === 'slower' ? 'red' : (newest?.direction === 'faster' ? 'green' : undefined);
		return <Text key={`${history.suite}|${history.caseName}|${history.setupKey}`} color={color} inverse={index === state.selected} wrap="truncate">{fit(`${marker} ${history.caseName} (${history.setup})  ${change}`, width)}</Text>;
	});
	const detail = point
		? `${point.direction} ${formatChange(point)} between ${point.releaseBefore} and ${point.releaseAfter}, ${formatPValue(point.pValue)}` + (selected!.changePoints.length > 1 ? ` (${state.changePoint + 1} of ${selected!.changePoints.length}, newest first)` : '')
		: `${selected!.caseName}: ${selected!.points.length} releases, no change point`;
	return (
		<Box flexDirection="column" height={height}>
			{header}
			{rows}
			<Text wrap="truncate">{fit(detail, width)}</Text>
			<Text>{formatHistoryChart(selected!, state.metric, {width, height: chartHeight})}</Text>
		</Box>
	);
}
