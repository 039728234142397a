/**
 * The Services pane's stack controls: `u` brings the default services up, `p` picks profiles to
 * start from a list, `D` brings the stack down after a confirmation. Progress and the outcome
 * show in place. Screen state is a pure reducer; the input hook only dispatches, and one effect
 * runs each request against a data source (a fake one in tests).
 */
import React, {useEffect, useRef} from 'react';
import {Box, Text} from 'ink';
import type {ComposeControlSource, ControlEvents, ServiceProgress} from '../docker/compose-control-source.js';
import {isRqcError} from '../errors.js';
import {redactSecrets} from '../redact.js';
import {formatHints, keyFor} from './keymap.js';
import {useKeymap} from './use-keymap.js';
import {useLatestReducer} from './use-latest-reducer.js';

// The data source (and its real implementation) lives with the stack use case in docker/.
export type {ComposeControlSource, ControlEvents, ServiceProgress} from '../docker/compose-control-source.js';
export {createComposeControlSource} from '../docker/compose-control-source.js';

export type ControlMode = 'idle' | 'picking' | 'confirming' | 'running';

export interface ControlRequest {
	readonly id: number;
	readonly action: 'up' | 'down';
	readonly profiles: readonly string[];
}

export interface ComposeControlState {
	readonly mode: ControlMode;
	/** undefined until loaded. */
	readonly profiles: readonly string[] | undefined;
	readonly profilesError: string | undefined;
	readonly cursor: number;
	readonly selected: readonly string[];
	/** The running request, or the last one (its outcome shows). */
	readonly request: ControlRequest | undefined;
	readonly progress: readonly ServiceProgress[];
	/** The last few output lines of the running request. */
	readonly lines: readonly string[];
	readonly outcome: {readonly isOk: boolean; readonly text: string} | undefined;
}

export type ControlAction =
	| {readonly type: 'ask-up'}
	| {readonly type: 'open-picker'}
	| {readonly type: 'profiles-loaded'; readonly profiles: readonly string[]}
	| {readonly type: 'profiles-failed'; readonly message: string}
	| {readonly type: 'move'; readonly delta: number}
	| {readonly type: 'toggle'}
	| {readonly type: 'submit-picker'}
	| {readonly type: 'ask-down'}
	| {readonly type: 'confirm-down'}
	| {readonly type: 'cancel'}
	| {readonly type: 'line'; readonly id: number; readonly line: string}
	| {readonly type: 'progress'; readonly id: number; readonly progress: readonly ServiceProgress[]}
	| {readonly type: 'finished'; readonly id: number; readonly text: string}
	| {readonly type: 'failed'; readonly id: number; readonly text: string};

export const MAX_OUTPUT_LINES = 3;

export const initialControlState: ComposeControlState = {
	mode: 'idle',
	profiles: undefined,
	profilesError: undefined,
	cursor: 0,
	selected: [],
	request: undefined,
	progress: [],
	lines: [],
	outcome: undefined,
};

function start(state: ComposeControlState, action: 'up' | 'down', profiles: readonly string[]): ComposeControlState {
	return {
		...state,
		mode: 'running',
		request: {id: (state.request?.id ?? 0) + 1, action, profiles},
		progress: [],
		lines: [],
		outcome: undefined,
	};
}

/** The controls' screen state. Pure. */
export function reduceComposeControl(state: ComposeControlState, action: ControlAction): ComposeControlState {
	switch (action.type) {
		case 'ask-up': {
			return state.mode === 'idle' ? start(state, 'up', []) : state;
		}

		case 'open-picker': {
			return state.mode === 'idle' ? {...state, mode: 'picking', cursor: 0, selected: [], profilesError: undefined} : state;
		}

		case 'profiles-loaded': {
			return {...state, profiles: action.profiles, profilesError: undefined, cursor: Math.min(state.cursor, Math.max(0, action.profiles.length - 1))};
		}

		case 'profiles-failed': {
			return {...state, profilesError: action.message};
		}

		case 'move': {
			if (state.mode !== 'picking' || !state.profiles || state.profiles.length === 0) return state;
			const count = state.profiles.length;
			return {...state, cursor: (((state.cursor + action.delta) % count) + count) % count};
		}

		case 'toggle': {
			const profile = state.mode === 'picking' ? state.profiles?.[state.cursor] : undefined;
			if (profile === undefined) return state;
			const selected = state.selected.includes(profile)
				? state.selected.filter((name) => name !== profile)
				: (state.profiles ?? []).filter((name) => name === profile || state.selected.includes(name));
			return {...state, selected};
		}

		case 'submit-picker': {
			return state.mode === 'picking' && state.profiles ? start(state, 'up', state.selected) : state;
		}

		case 'ask-down': {
			return state.mode === 'idle' ? {...state, mode: 'confirming'} : state;
		}

		case 'confirm-down': {
			return state.mode === 'confirming' ? start(state, 'down', []) : state;
		}

		case 'cancel': {
			return state.mode === 'picking' || state.mode === 'confirming' ? {...state, mode: 'idle'} : state;
		}

		case 'line': {
			if (state.mode !== 'running' || action.id !== state.request?.id || action.line.trim() === '') return state;
			return {...state, lines: [...state.lines, action.line].slice(-MAX_OUTPUT_LINES)};
		}

		case 'progress': {
			return state.mode === 'running' && action.id === state.request?.id ? {...state, progress: action.progress} : state;
		}

		case 'finished':
		case 'failed': {
			if (state.mode !== 'running' || action.id !== state.request?.id) return state;
			return {...state, mode: 'idle', lines: [], outcome: {isOk: action.type === 'finished', text: action.text}};
		}
	}
}

function messageOf(error: unknown): string {
	if (isRqcError(error)) return error.hint ? `${error.message} (${error.hint})` : error.message;
	return redactSecrets(error instanceof Error ? error.message : String(error));
}

export interface ComposeControlProps {
	/** Keys reach the controls only while true. */
	readonly isActive: boolean;
	readonly source: ComposeControlSource;
	/** Told when the picker or the confirmation is open, so the pane can keep its other keys away. */
	readonly onCaptureInput?: (isCaptured: boolean) => void;
}

/** The key scope of each mode; nothing answers while a request runs. */
const scopeOfMode = {idle: 'stack', picking: 'stack.profiles', confirming: 'stack.confirm-down', running: undefined} as const;

/** The u / p / D controls with their progress and outcome. */
export function ComposeControl({isActive, source, onCaptureInput}: ComposeControlProps) {
	const [state, dispatch, getLatest] = useLatestReducer(reduceComposeControl, initialControlState);
	const sourceRef = useRef(source);
	sourceRef.current = source;

	useKeymap(() => scopeOfMode[getLatest().mode], {
		'stack': {
			'up': () => dispatch({type: 'ask-up'}),
			'pick-profiles': () => dispatch({type: 'open-picker'}),
			'down': () => dispatch({type: 'ask-down'}),
		},
		'stack.profiles': {
			previous: () => dispatch({type: 'move', delta: -1}),
			next: () => dispatch({type: 'move', delta: 1}),
			toggle: () => dispatch({type: 'toggle'}),
			start: () => dispatch({type: 'submit-picker'}),
			cancel: () => dispatch({type: 'cancel'}),
		},
		'stack.confirm-down': {
			confirm: () => dispatch({type: 'confirm-down'}),
			cancel: () => dispatch({type: 'cancel'}),
		},
	}, {isActive});

	const isCapturing = state.mode === 'picking' || state.mode === 'confirming';
	useEffect(() => {
		onCaptureInput?.(isActive && isCapturing);
	}, [isActive, isCapturing, onCaptureInput]);

	const isLoadingProfiles = state.mode === 'picking' && state.profiles === undefined;
	useEffect(() => {
		if (!isLoadingProfiles) return;
		let isCurrent = true;
		sourceRef.current.listProfiles().then(
			(profiles) => isCurrent && dispatch({type: 'profiles-loaded', profiles}),
			(error: unknown) => isCurrent && dispatch({type: 'profiles-failed', message: messageOf(error)}),
		);
		return () => {
			isCurrent = false;
		};
	}, [isLoadingProfiles]);

	const request = state.mode === 'running' ? state.request : undefined;
	useEffect(() => {
		if (!request) return;
		const controller = new AbortController();
		const {id} = request;
		const events: ControlEvents = {
			onLine: (line) => dispatch({type: 'line', id, line}),
			onProgress: (progress) => dispatch({type: 'progress', id, progress}),
			signal: controller.signal,
		};
		const work = request.action === 'up' ? sourceRef.current.up(request.profiles, events) : sourceRef.current.down(events);
		work.then(
			(text) => dispatch({type: 'finished', id, text}),
			(error: unknown) => dispatch({type: 'failed', id, text: messageOf(error)}),
		);
		return () => controller.abort();
	}, [request]);

	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>Stack</Text>
				<Text dimColor>  {formatHints('stack')}</Text>
			</Text>
			{state.mode === 'picking' ? <ProfilePicker state={state}/> : undefined}
			{state.mode === 'confirming' ? (
				<Text color="yellow">Bring the stack down? Containers and the network are removed; data volumes stay. {formatHints('stack.confirm-down', ', ')}</Text>
			) : undefined}
			{state.mode === 'running' && state.request ? <Running state={state} request={state.request}/> : undefined}
			{state.mode !== 'running' && state.outcome ? (
				<Text color={state.outcome.isOk ? 'green' : 'red'} wrap="wrap">{state.outcome.isOk ? '✓' : '✗'} {state.outcome.text}</Text>
			) : undefined}
		</Box>
	);
}

function ProfilePicker({state}: {readonly state: ComposeControlState}) {
	if (state.profilesError) return <Text color="red" wrap="truncate-end">✗ {state.profilesError} ({keyFor('stack.profiles', 'cancel')})</Text>;
	if (!state.profiles) return <Text dimColor>Reading the profiles…</Text>;
	if (state.profiles.length === 0) return <Text dimColor>The compose file defines no profiles. {keyFor('stack.profiles', 'start')}: default services · {keyFor('stack.profiles', 'cancel')}: cancel</Text>;
	return (
		<Box flexDirection="column">
			<Text dimColor>Profiles to start ({formatHints('stack.profiles', ', ')}):</Text>
			{state.profiles.map((profile, index) => (
				<Text key={profile} color={index === state.cursor ? 'cyan' : undefined}>
					{index === state.cursor ? '›' : ' '} [{state.selected.includes(profile) ? 'x' : ' '}] {profile}
				</Text>
			))}
		</Box>
	);
}

function Running({state, request}: {readonly state: ComposeControlState; readonly request: ControlRequest}) {
	const what = request.action === 'down'
		? 'Bringing the stack down…'
		: `Bringing the stack up${request.profiles.length > 0 ? ` with ${request.profiles.join(', ')}` : ''}…`;
	const width = Math.max(0, ...state.progress.map((item) => item.service.length));
	return (
		<Box flexDirection="column">
			<Text color="cyan">{what}</Text>
			{state.progress.map((item) => (
				<Text key={item.service}>  {item.service.padEnd(width)}  <Text color={item.label === 'healthy' || item.label === 'running' ? 'green' : item.label === 'starting' ? 'yellow' : 'red'}>{item.label}</Text></Text>
			))}
			{state.lines.map((line, index) => (
				<Text key={index} dimColor wrap="truncate-end">  {line}</Text>
			))}
		</Box>
	);
}
