/**
 * The History pane's screen state as a pure reducer: which series is selected, which of its
 * change points, the metric; what is shown is derived from the loaded histories.
 */
import type {Metric} from '../../compare/environment.js';
import type {CaseHistory, ReleaseChangePoint} from '../../compare/history.js';

export const METRICS: readonly Metric[] = ['wall', 'cpu', 'rss'];

export interface HistoryViewState {
	readonly metric: Metric;
	/** Index into the ordered series (see orderHistories). */
	readonly selected: number;
	/** Change point of the selected series, counted from the newest (0). */
	readonly changePoint: number;
}

export type HistoryAction =
	| {readonly type: 'select'; readonly step: number; readonly count: number}
	| {readonly type: 'change-point'; readonly step: number; readonly count: number}
	| {readonly type: 'next-metric'};

export const initialHistoryState: HistoryViewState = {metric: 'wall', selected: 0, changePoint: 0};

export function reduceHistory(state: HistoryViewState, action: HistoryAction): HistoryViewState {
	switch (action.type) {
		case 'select': {
			const selected = Math.max(0, Math.min(action.count - 1, state.selected + action.step));
			// Same object when nothing moves, so an effect depending on it cannot loop.
			return selected === state.selected ? state : {...state, selected, changePoint: 0};
		}

		case 'change-point': {
			const changePoint = Math.max(0, Math.min(action.count - 1, state.changePoint + action.step));
			return changePoint === state.changePoint ? state : {...state, changePoint};
		}

		case 'next-metric':
			return {metric: METRICS[(METRICS.indexOf(state.metric) + 1) % METRICS.length]!, selected: 0, changePoint: 0};
	}
}

/** When a series' newest change point happened: its first release after the change. */
function newestChange(history: CaseHistory): number {
	const point = history.changePoints.at(-1);
	return point ? history.points[point.index]!.firstRunAt.getTime() : Number.NEGATIVE_INFINITY;
}

/** Series with a change point first, the newest change first; the rest in their natural order. */
export function orderHistories(histories: readonly CaseHistory[]): CaseHistory[] {
	return histories
		.map((history, order) => ({history, order, at: newestChange(history)}))
		.sort((a, b) => (b.at === a.at ? a.order - b.order : b.at - a.at))
		.map((entry) => entry.history);
}

/** The change point the state points at in a series, newest first; undefined when it has none. */
export function getSelectedChangePoint(history: CaseHistory | undefined, state: HistoryViewState): ReleaseChangePoint | undefined {
	if (!history || history.changePoints.length === 0) return undefined;
	return history.changePoints[history.changePoints.length - 1 - Math.min(state.changePoint, history.changePoints.length - 1)];
}
