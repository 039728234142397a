/**
 * The Compare pane's state as a pure reducer: which two releases, which case, which metric,
 * adjusted or raw. Input handlers only dispatch.
 */
import {filterReleases} from '../../compare/case-order.js';
import type {Metric} from '../../compare/environment.js';

/** Text being typed: the case filter (/) or a release picker (p: base, P: candidate). */
export interface CompareInput {
	readonly kind: 'cases' | 'base' | 'candidate';
	readonly text: string;
	/** The highlighted release of a picker's list (newest first). */
	readonly index: number;
}

export interface CompareState {
	/** Release names, oldest first. */
	readonly releases: readonly string[];
	readonly baseIndex: number;
	readonly candidateIndex: number;
	readonly caseIndex: number;
	readonly caseCount: number;
	readonly metric: Metric;
	readonly isAdjusted: boolean;
	/** Bumped to ask for a reload. */
	readonly reloads: number;
	/** Only cases whose name holds these words are listed. */
	readonly caseFilter: string;
	readonly input: CompareInput | undefined;
	/** The comparison's warnings and notes shown whole, in place of the case table. */
	readonly isNotesOpen: boolean;
}

export type CompareAction =
	| {readonly type: 'releases-loaded'; readonly releases: readonly string[]}
	| {readonly type: 'select-releases'; readonly base: string; readonly candidate: string}
	| {readonly type: 'cases-loaded'; readonly count: number}
	| {readonly type: 'move-base'; readonly by: number}
	| {readonly type: 'move-candidate'; readonly by: number}
	| {readonly type: 'move-case'; readonly by: number}
	| {readonly type: 'toggle-adjust'}
	| {readonly type: 'next-metric'}
	| {readonly type: 'reload'}
	| {readonly type: 'toggle-notes'}
	| {readonly type: 'open-input'; readonly kind: CompareInput['kind']}
	| {readonly type: 'input-type'; readonly text: string}
	| {readonly type: 'input-erase'}
	| {readonly type: 'input-move'; readonly by: number}
	| {readonly type: 'input-accept'}
	| {readonly type: 'input-cancel'};

export const initialCompareState: CompareState = {
	releases: [],
	baseIndex: 0,
	candidateIndex: 0,
	caseIndex: 0,
	caseCount: 0,
	metric: 'wall',
	isAdjusted: true,
	reloads: 0,
	caseFilter: '',
	input: undefined,
	isNotesOpen: false,
};

/** A picker's list: releases matching its text, newest first. */
export function getPickerChoices(state: CompareState): string[] {
	return state.input && state.input.kind !== 'cases' ? filterReleases(state.releases, state.input.text) : [];
}

/** The typed text changed: a case filter applies as it is typed; a picker's highlight restarts. */
function withText(state: CompareState, input: CompareInput, text: string): CompareState {
	const next = {...input, text, index: 0};
	return input.kind === 'cases' ? {...state, input: next, caseFilter: text, caseIndex: 0} : {...state, input: next};
}

const METRICS: readonly Metric[] = ['wall', 'cpu', 'rss'];

function clamp(value: number, max: number): number {
	return Math.min(Math.max(value, 0), Math.max(max, 0));
}

export function reduceCompare(state: CompareState, action: CompareAction): CompareState {
	switch (action.type) {
		case 'releases-loaded': {
			const previousBase = state.releases[state.baseIndex];
			const previousCandidate = state.releases[state.candidateIndex];
			const last = action.releases.length - 1;
			// Keep the picked releases when they still exist; default: the two latest.
			const baseIndex = previousBase !== undefined && action.releases.includes(previousBase) ? action.releases.indexOf(previousBase) : clamp(last - 1, last);
			const candidateIndex = previousCandidate !== undefined && action.releases.includes(previousCandidate) ? action.releases.indexOf(previousCandidate) : clamp(last, last);
			return {...state, releases: action.releases, baseIndex, candidateIndex};
		}

		case 'select-releases': {
			// Releases not (yet) listed keep the current choice.
			const baseIndex = state.releases.indexOf(action.base);
			const candidateIndex = state.releases.indexOf(action.candidate);
			if (baseIndex === -1 || candidateIndex === -1) return state;
			return {...state, baseIndex, candidateIndex, caseIndex: 0};
		}

		case 'cases-loaded': {
			return {...state, caseCount: action.count, caseIndex: clamp(state.caseIndex, action.count - 1)};
		}

		case 'move-base': {
			return {...state, baseIndex: clamp(state.baseIndex + action.by, state.releases.length - 1)};
		}

		case 'move-candidate': {
			return {...state, candidateIndex: clamp(state.candidateIndex + action.by, state.releases.length - 1)};
		}

		case 'move-case': {
			return {...state, caseIndex: clamp(state.caseIndex + action.by, state.caseCount - 1)};
		}

		case 'toggle-adjust': {
			return {...state, isAdjusted: !state.isAdjusted};
		}

		case 'next-metric': {
			return {...state, metric: METRICS[(METRICS.indexOf(state.metric) + 1) % METRICS.length]!};
		}

		case 'reload': {
			return {...state, reloads: state.reloads + 1};
		}

		case 'toggle-notes': {
			return {...state, isNotesOpen: !state.isNotesOpen};
		}

		case 'open-input': {
			const text = action.kind === 'cases' ? state.caseFilter : '';
			return {...state, input: {kind: action.kind, text, index: 0}};
		}

		case 'input-type': {
			return state.input ? withText(state, state.input, state.input.text + action.text) : state;
		}

		case 'input-erase': {
			return state.input ? withText(state, state.input, [...state.input.text].slice(0, -1).join('')) : state;
		}

		case 'input-move': {
			if (!state.input || state.input.kind === 'cases') return state;
			return {...state, input: {...state.input, index: clamp(state.input.index + action.by, getPickerChoices(state).length - 1)}};
		}

		case 'input-accept': {
			if (!state.input) return state;
			if (state.input.kind === 'cases') return {...state, input: undefined};
			const picked = getPickerChoices(state)[state.input.index];
			if (picked === undefined) return state;
			const index = state.releases.indexOf(picked);
			return state.input.kind === 'base' ? {...state, input: undefined, baseIndex: index} : {...state, input: undefined, candidateIndex: index};
		}

		case 'input-cancel': {
			if (!state.input) return state;
			return state.input.kind === 'cases' ? {...state, input: undefined, caseFilter: '', caseIndex: 0} : {...state, input: undefined};
		}
	}
}
