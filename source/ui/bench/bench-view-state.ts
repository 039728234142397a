/**
 * The Benchmarks pane's screen state, as a pure reducer: browsing, picking a suite for a run
 * (b: docker, B: bare metal), and typing the release it belongs to.
 */
import type {RunMode} from '../../store/records.js';

export type BenchViewMode = 'browse' | 'pick-suite' | 'release';

export interface BenchViewState {
	readonly mode: BenchViewMode;
	readonly launchMode: RunMode;
	readonly suiteIndex: number;
	readonly release: string;
	/** The release is the offered default, untouched: the first character typed replaces it. */
	readonly isReleaseOffered: boolean;
	/** The last release used, offered again. */
	readonly lastRelease: string;
	/** Set when the user confirmed: the pane launches it and clears it. */
	readonly launch: {readonly suiteIndex: number; readonly mode: RunMode; readonly release: string} | undefined;
}

export type BenchViewAction =
	| {type: 'open-picker'; mode: RunMode; suiteCount: number}
	| {type: 'move'; delta: number; suiteCount: number}
	| {type: 'choose'}
	| {type: 'type'; text: string}
	| {type: 'backspace'}
	| {type: 'confirm'}
	| {type: 'cancel'}
	| {type: 'launched'};

export function createBenchViewState(defaultRelease: string): BenchViewState {
	return {mode: 'browse', launchMode: 'docker', suiteIndex: 0, release: '', isReleaseOffered: false, lastRelease: defaultRelease, launch: undefined};
}

const releasePattern = /^[\w.:+-]$/;

/** Pure. */
export function reduceBenchView(state: BenchViewState, action: BenchViewAction): BenchViewState {
	switch (action.type) {
		case 'open-picker': {
			if (action.suiteCount === 0) return state;
			return {...state, mode: 'pick-suite', launchMode: action.mode, suiteIndex: Math.min(state.suiteIndex, action.suiteCount - 1)};
		}

		case 'move': {
			if (state.mode !== 'pick-suite' || action.suiteCount === 0) return state;
			const next = (state.suiteIndex + action.delta + action.suiteCount) % action.suiteCount;
			return {...state, suiteIndex: next};
		}

		case 'choose': {
			return state.mode === 'pick-suite' ? {...state, mode: 'release', release: state.lastRelease, isReleaseOffered: true} : state;
		}

		case 'type': {
			if (state.mode !== 'release') return state;
			const accepted = [...action.text].filter((char) => releasePattern.test(char)).join('');
			if (accepted === '') return state;
			// Typing over the offered default replaces it (as in a pre-selected field); Backspace edits it.
			const kept = state.isReleaseOffered ? '' : state.release;
			return {...state, release: (kept + accepted).slice(0, 64), isReleaseOffered: false};
		}

		case 'backspace': {
			return state.mode === 'release' ? {...state, release: state.release.slice(0, -1), isReleaseOffered: false} : state;
		}

		case 'confirm': {
			if (state.mode !== 'release' || state.release.trim() === '') return state;
			return {...state, mode: 'browse', lastRelease: state.release, launch: {suiteIndex: state.suiteIndex, mode: state.launchMode, release: state.release}};
		}

		case 'cancel': {
			if (state.mode === 'release') return {...state, mode: 'pick-suite'};
			return {...state, mode: 'browse'};
		}

		case 'launched': {
			return {...state, launch: undefined};
		}
	}
}
