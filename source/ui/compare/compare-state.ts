/**
 * The Compare pane's state as a pure reducer: which two releases, which case, which metric,
 * adjusted or raw. Input handlers only dispatch.
 */
import type {Metric} from '../../compare/environment.js';

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
	| {readonly type: 'reload'};

export const initialCompareState: CompareState = {
	releases: [],
	baseIndex: 0,
	candidateIndex: 0,
	caseIndex: 0,
	caseCount: 0,
	metric: 'wall',
	isAdjusted: true,
	reloads: 0,
};

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
	}
}
