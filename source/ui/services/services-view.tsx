/**
 * The Services screen: engine line, container table (scrolling), CPU/memory charts of the
 * selected container, a bottom line for prompts and messages; `l` swaps the lower part for a
 * logs view. Data comes from a ServicesSource prop, so tests hand it a fake.
 */
import React, {useEffect, useMemo} from 'react';
import {Box, Text} from 'ink';
import type {ContainerAction} from '../../docker/containers.js';
import type {ServicesSource} from '../../docker/monitor.js';
import {describeEngine, filterViews, getDisplayName, summarizeContainers} from '../../docker/present.js';
import {redactSecrets} from '../../redact.js';
import {fit} from '../../text/text.js';
import {formatHints} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';
import {useLatestReducer} from '../use-latest-reducer.js';
import {ContainerTable} from './container-table.js';
import {LogsView} from './logs-view.js';
import {ResourceCharts} from './resource-charts.js';
import {initialServicesState, reduceServices, type ServicesState} from './services-state.js';
import {useServicesSnapshot} from './use-services-snapshot.js';

export interface ServicesViewProps {
	readonly source: ServicesSource;
	readonly isActive: boolean;
	readonly width: number;
	readonly height: number;
	/** Tell the shell a text prompt is open (so q and digits reach the filter). */
	readonly onCaptureInput?: (isCaptured: boolean) => void;
	/** Told when a prompt or the logs view is open: sibling controls should leave keys alone. */
	readonly onExclusiveKeys?: (isExclusive: boolean) => void;
	readonly renderIntervalMs?: number;
	/** The pane is on screen; hidden, new data is not rendered (the latest is taken when shown). */
	readonly isShown?: boolean;
	readonly now?: () => number;
	/** Start from this screen state (e.g. a selection), for renders without effects. */
	readonly initialState?: Partial<ServicesState>;
}

/** How the pane's height is shared out; pure. */
export function computeServicesLayout(height: number, hasSelection: boolean): {tableRows: number; chartHeight: number} {
	// One line each: engine/summary line, table header, bottom line.
	const fixed = 3;
	const chartHeight = hasSelection && height >= 16 ? Math.min(9, Math.floor(height * 0.35)) : 0;
	return {tableRows: Math.max(0, height - fixed - chartHeight), chartHeight};
}

const done: Record<ContainerAction, string> = {start: 'started', stop: 'stopped', restart: 'restarted'};

const scopeOfMode = {'table': 'services', 'filter': 'services.filter', 'confirm-stop': 'services.confirm-stop', 'logs': 'services.logs'} as const;

export function ServicesView({source, isActive, width, height, onCaptureInput, onExclusiveKeys, renderIntervalMs = 1000, isShown = true, now = Date.now, initialState}: ServicesViewProps) {
	const snapshot = useServicesSnapshot(source, renderIntervalMs, isShown);
	const [state, dispatch, getLatest] = useLatestReducer(reduceServices, {...initialServicesState, ...initialState});
	const views = useMemo(() => filterViews(snapshot.containers, state.filter), [snapshot, state.filter]);
	const ids = useMemo(() => views.map((v) => v.record.id), [views]);
	const selected = views.find((v) => v.record.id === state.selectedId);
	const layout = computeServicesLayout(height, selected !== undefined);
	const list = {ids, pageSize: Math.max(1, layout.tableRows)};

	useEffect(() => {
		dispatch({type: 'sync', ids, pageSize: Math.max(1, layout.tableRows)});
	}, [ids, layout.tableRows]);

	useEffect(() => {
		onCaptureInput?.(isActive && (state.mode === 'filter' || state.mode === 'confirm-stop'));
		onExclusiveKeys?.(isActive && state.mode !== 'table');
	}, [isActive, state.mode, onCaptureInput, onExclusiveKeys]);

	// Runs the action the reducer recorded (so it always targets the selection of that moment).
	const {pending} = state;
	useEffect(() => {
		if (!pending) return;
		const record = snapshot.containers.find((v) => v.record.id === pending.id)?.record;
		const name = record ? getDisplayName(record) : pending.id.slice(0, 12);
		source.runAction(pending.id, pending.action).then(
			() => {
				dispatch({type: 'action-done', text: `${name} ${done[pending.action]}`});
			},
			(error: unknown) => {
				dispatch({type: 'action-failed', text: `${pending.action} ${name} failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}`});
			},
		);
		// Only a new request starts a call; snapshot changes must not repeat it.
	}, [pending?.seq, source]);

	useKeymap(() => scopeOfMode[getLatest().mode], {
		'services': {
			'select-previous': () => dispatch({type: 'move', delta: -1, ...list}),
			'select-next': () => dispatch({type: 'move', delta: 1, ...list}),
			'page-up': () => dispatch({type: 'move', delta: -list.pageSize, ...list}),
			'page-down': () => dispatch({type: 'move', delta: list.pageSize, ...list}),
			'select-first': () => dispatch({type: 'move-to', where: 'first', ...list}),
			'select-last': () => dispatch({type: 'move-to', where: 'last', ...list}),
			'open-logs': () => dispatch({type: 'open-logs'}),
			'start': () => dispatch({type: 'request', action: 'start'}),
			'ask-stop': () => dispatch({type: 'ask-stop'}),
			'restart': () => dispatch({type: 'request', action: 'restart'}),
			'open-filter': () => dispatch({type: 'open-filter'}),
			'clear-filter': () => dispatch({type: 'close'}),
		},
		'services.filter': {
			apply: () => dispatch({type: 'filter-submit'}),
			cancel: () => dispatch({type: 'filter-cancel'}),
			erase: () => dispatch({type: 'filter-backspace'}),
			type: (input) => dispatch({type: 'filter-type', text: input}),
		},
		'services.confirm-stop': {
			confirm: () => dispatch({type: 'request', action: 'stop'}),
			cancel: () => dispatch({type: 'close'}),
		},
		'services.logs': {
			close: () => dispatch({type: 'close'}),
		},
	}, {isActive});

	const at = now();
	const sampling = snapshot.isPaused ? 'sampling paused (quiet)' : snapshot.samplingMode === 'cgroup' ? 'cgroup sampling' : 'engine stats';
	const engineLine = snapshot.engine.state === 'ok'
		? `${summarizeContainers(snapshot.containers)} · ${sampling}${state.filter ? ` · filter "${state.filter}"` : ''}`
		: describeEngine(snapshot.engine, at);
	const engineColor = snapshot.engine.state === 'unreachable' ? 'red' : snapshot.engine.state === 'connecting' ? 'yellow' : undefined;

	let bottom: {text: string; color?: string};
	if (state.mode === 'filter') bottom = {text: `/${state.filterDraft}▏ (${formatHints('services.filter', ', ')})`};
	else if (state.mode === 'confirm-stop' && selected) bottom = {text: `Stop ${getDisplayName(selected.record)}? ${formatHints('services.confirm-stop', ', ')}`, color: 'yellow'};
	else if (state.message) bottom = {text: state.message.text, color: state.message.isError ? 'red' : 'green'};
	else if (selected?.record.health === 'unhealthy' && selected.record.healthOutput) bottom = {text: `✗ probe: ${selected.record.healthOutput.replaceAll('\n', ' ')}`, color: 'red'};
	else {
		const range = views.length > layout.tableRows ? ` · rows ${state.scrollTop + 1}-${Math.min(views.length, state.scrollTop + layout.tableRows)} of ${views.length}` : '';
		bottom = {text: `${formatHints('services')}${range}`, color: 'gray'};
	}

	const isLogs = state.mode === 'logs' && selected !== undefined;
	const lowerHeight = height - 2;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text color={engineColor} wrap="truncate">{fit(engineLine, width).trimEnd()}</Text>
			{isLogs
				? <LogsView source={source} containerId={selected.record.id} name={getDisplayName(selected.record)} width={width} height={lowerHeight}/>
				: (
					<Box flexDirection="column" height={lowerHeight}>
						<ContainerTable views={views} selectedId={state.selectedId} scrollTop={state.scrollTop} rows={layout.tableRows} width={width} now={at}/>
						{views.length === 0 && layout.tableRows > 0
							? <Text color="gray" wrap="truncate">{snapshot.engine.state === 'ok' ? (state.filter ? `no container matches "${state.filter}"` : 'no containers in this project (rqc up starts the stack; --all shows every container)') : ''}</Text>
							: null}
						{selected && layout.chartHeight > 0
							? (
								<Box marginTop={Math.max(0, layout.tableRows - Math.min(views.length - state.scrollTop, layout.tableRows))}>
									<ResourceCharts history={source.getHistory(selected.record.id)} width={width} height={layout.chartHeight} memoryLimitBytes={selected.record.memoryLimitBytes ?? selected.sample?.memoryLimitBytes}/>
								</Box>
							)
							: null}
					</Box>
				)}
			<Text color={bottom.color} wrap="truncate">{fit(bottom.text, width).trimEnd()}</Text>
		</Box>
	);
}
