/**
 * The Benchmarks screen: running runs (here or elsewhere on the same Redis) with a progress bar,
 * done/total, running median and ETA; recent runs from the store; `b`/`B` pick a suite and a
 * release and start a docker / bare-metal run without leaving the TUI; `x` stops this TUI's runs.
 * Data comes from a BenchSource prop, so tests hand it a fake.
 */
import React, {useEffect} from 'react';
import {Box, Text} from 'ink';
import {formatMs, renderBar, type BenchEvent} from '../../bench/progress.js';
import type {Run} from '../../store/records.js';
import {fit, formatDuration} from '../../text/text.js';
import {formatHints, keyFor} from '../keymap.js';
import {useKeymap} from '../use-keymap.js';
import {useLatestReducer} from '../use-latest-reducer.js';
import type {BenchSource} from './bench-source.js';
import {createBenchViewState, reduceBenchView} from './bench-view-state.js';
import {useBenchSnapshot} from './use-bench-snapshot.js';

export interface BenchViewProps {
	readonly source: BenchSource;
	readonly isActive: boolean;
	readonly width: number;
	readonly height: number;
	readonly onCaptureInput?: (isCaptured: boolean) => void;
	readonly defaultRelease?: string;
	readonly renderIntervalMs?: number;
	readonly now?: () => number;
}

/** A run whose last event is older than this is shown as silent (its process may be gone). */
const SILENT_AFTER_MS = 60_000;

/** The running runs, newest first, from the progress state. Pure. */
export function selectRunning(runs: ReadonlyMap<string, BenchEvent>): BenchEvent[] {
	return [...runs.values()].filter((run) => run.type !== 'end').sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Ended runs (seen on the channel) that the store's recent list does not hold, newest first. Pure. */
export function selectEndedElsewhere(runs: ReadonlyMap<string, BenchEvent>, recent: readonly Run[]): BenchEvent[] {
	const known = new Set(recent.map((run) => run.id));
	return [...runs.values()].filter((run) => run.type === 'end' && !known.has(run.runId)).sort((a, b) => b.time.localeCompare(a.time));
}

/** One running run as a line of the given width. Pure. */
export function formatRunningLine(event: BenchEvent, width: number, now: number): string {
	const age = now - Date.parse(event.time);
	const mode = event.mode === 'docker' ? 'docker' : 'bare metal';
	const silent = age > SILENT_AFTER_MS ? ` (no news for ${formatMs(age)})` : '';
	const bar = renderBar(event.done, event.total, Math.max(8, Math.min(24, width - 90)));
	const text = `#${event.runId} ${event.suite} ${mode} ${event.release} @${event.host} ${bar} ${event.done}/${event.total} ${event.caseName ?? ''} median ${formatDuration(event.medianNs)} ETA ${formatMs(event.etaMs)}${silent}`;
	return fit(text, width);
}

function statusMark(run: Run): {mark: string; color: 'green' | 'red' | 'yellow' | 'cyan'} {
	switch (run.status) {
		case 'completed': return {mark: '✓', color: 'green'};
		case 'failed': return {mark: '✗', color: 'red'};
		case 'aborted': return {mark: '!', color: 'yellow'};
		default: return {mark: '▶', color: 'cyan'};
	}
}

/** One stored run as a line. Pure. */
export function formatRecentLine(run: Run, width: number): string {
	const mode = run.mode === 'docker' ? 'docker' : 'bare metal';
	const when = run.startedAt.toISOString().slice(5, 16).replace('T', ' ');
	const reason = run.statusReason ? `: ${run.statusReason}` : '';
	return fit(`#${run.id} ${fit(run.suite, 14)} ${fit(mode, 10)} ${fit(run.releaseName, 14)} ${when}  ${run.status}${reason}`, width);
}

const scopeOfMode = {'browse': 'benchmarks', 'pick-suite': 'benchmarks.pick-suite', 'release': 'benchmarks.release'} as const;

export function BenchView({source, isActive, width, height, onCaptureInput, defaultRelease = 'dev', renderIntervalMs = 250, now = Date.now}: BenchViewProps) {
	const snapshot = useBenchSnapshot(source, renderIntervalMs);
	const [state, dispatch, getLatest] = useLatestReducer(reduceBenchView, createBenchViewState(defaultRelease));
	const suiteCount = snapshot.suites.length;

	useEffect(() => {
		onCaptureInput?.(isActive && state.mode === 'release');
	}, [isActive, state.mode, onCaptureInput]);

	useEffect(() => {
		if (!state.launch) return;
		const suite = snapshot.suites[state.launch.suiteIndex];
		if (suite) source.launch({suiteFile: suite.file, mode: state.launch.mode, release: state.launch.release});
		dispatch({type: 'launched'});
	}, [state.launch, snapshot.suites, source]);

	useKeymap(() => scopeOfMode[getLatest().mode], {
		'benchmarks': {
			'launch-docker': () => dispatch({type: 'open-picker', mode: 'docker', suiteCount}),
			'launch-bare-metal': () => dispatch({type: 'open-picker', mode: 'bare_metal', suiteCount}),
			'stop-own-runs': () => source.stopOwnRuns(),
		},
		'benchmarks.pick-suite': {
			previous: () => dispatch({type: 'move', delta: -1, suiteCount}),
			next: () => dispatch({type: 'move', delta: 1, suiteCount}),
			choose: () => dispatch({type: 'choose'}),
			cancel: () => dispatch({type: 'cancel'}),
		},
		'benchmarks.release': {
			confirm: () => dispatch({type: 'confirm'}),
			back: () => dispatch({type: 'cancel'}),
			erase: () => dispatch({type: 'backspace'}),
			type: (input) => dispatch({type: 'type', text: input}),
		},
	}, {isActive});

	const running = selectRunning(snapshot.progress.runs);
	const modeName = state.launchMode === 'docker' ? 'in docker' : 'bare metal';
	const lines: React.ReactNode[] = [];
	const budget = Math.max(1, height - 2); // the title line and the message line
	const push = (node: React.ReactNode): void => {
		if (lines.length < budget) lines.push(node);
	};

	if (state.mode === 'pick-suite' || state.mode === 'release') {
		push(<Text key="pick-title" bold>Run a suite {modeName} {state.mode === 'pick-suite' ? `(${formatHints('benchmarks.pick-suite', ', ')})` : ''}</Text>);
		const first = Math.max(0, Math.min(state.suiteIndex - Math.floor((budget - 3) / 2), suiteCount - (budget - 2)));
		for (const [index, suite] of snapshot.suites.entries()) {
			if (index < first) continue;
			const isSelected = index === state.suiteIndex;
			push(
				<Text key={`suite-${suite.file}`} color={isSelected ? 'cyan' : undefined} inverse={isSelected && state.mode === 'pick-suite'}>
					{fit(`${isSelected ? '›' : ' '} ${suite.name.padEnd(14)} ${String(suite.cases.length).padStart(2)} cases  ${suite.description ?? ''}`, width)}
				</Text>,
			);
		}

		if (state.mode === 'release') {
			push(<Text key="release">{fit(`Release: ${state.release}█  (${formatHints('benchmarks.release', ', ')})`, width)}</Text>);
		}
	} else {
		push(<Text key="running-title" bold>Running {running.length === 0 ? '(none)' : `(${running.length})`}</Text>);
		for (const event of running) {
			push(<Text key={`run-${event.host}-${event.runId}`} color={snapshot.ownRunIds.includes(event.runId) ? 'cyan' : undefined}>{formatRunningLine(event, width, now())}</Text>);
		}

		push(<Text key="recent-title" bold>Recent runs{snapshot.isLoading ? ' (loading...)' : ''}</Text>);
		if (!snapshot.isLoading && snapshot.recentRuns.length === 0 && selectEndedElsewhere(snapshot.progress.runs, []).length === 0) push(<Text key="recent-none" dimColor>{`none yet: press ${keyFor('benchmarks', 'launch-docker')} (docker) or ${keyFor('benchmarks', 'launch-bare-metal')} (bare metal) to run a suite`}</Text>);
		// Runs that ended elsewhere and are not in this store's list (another database, or older).
		for (const event of selectEndedElsewhere(snapshot.progress.runs, snapshot.recentRuns)) {
			const isOk = event.status === 'completed';
			push(
				<Text key={`ended-${event.host}-${event.runId}`}>
					<Text color={isOk ? 'green' : 'red'}>{isOk ? '✓' : '✗'}</Text> {fit(`#${event.runId} ${event.suite} ${event.mode === 'docker' ? 'docker' : 'bare metal'} ${event.release} @${event.host}  ${event.status}${event.reason ? `: ${event.reason}` : ''}`, width - 2)}
				</Text>,
			);
		}

		for (const run of snapshot.recentRuns) {
			const {mark, color} = statusMark(run);
			push(<Text key={`recent-${run.id}`}><Text color={color}>{mark}</Text> {formatRecentLine(run, width - 2)}</Text>);
		}
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text>
				<Text bold>Benchmarks</Text>
				<Text dimColor>{fit(`  ${formatHints('benchmarks')}`, Math.max(0, width - 10))}</Text>
			</Text>
			{lines}
			{snapshot.message ? <Text color={snapshot.message.isError ? 'red' : 'gray'}>{fit(snapshot.message.text, width)}</Text> : null}
		</Box>
	);
}
