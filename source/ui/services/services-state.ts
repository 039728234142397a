/**
 * The Services pane's screen state as a pure reducer. Input hooks only dispatch; the list the
 * selection moves over (ids after the filter) and the number of visible rows come with the
 * actions that need them, so the reducer stays pure and the selection follows a container (by id)
 * when rows re-sort.
 */
import type {ContainerAction} from '../../docker/containers.js';

export type ServicesMode = 'table' | 'filter' | 'confirm-stop' | 'logs';

export interface ServicesState {
	readonly mode: ServicesMode;
	readonly selectedId: string | undefined;
	/** Index of the first visible row. */
	readonly scrollTop: number;
	/** The filter in force. */
	readonly filter: string;
	/** The filter being typed (mode 'filter'). */
	readonly filterDraft: string;
	/** A container action asked for or in flight (an effect runs it; `seq` tells requests apart). */
	readonly pending: {readonly id: string; readonly action: ContainerAction; readonly seq: number} | undefined;
	readonly seq: number;
	/** The last action's outcome, shown on the bottom line. */
	readonly message: {readonly text: string; readonly isError: boolean} | undefined;
}

export const initialServicesState: ServicesState = {
	mode: 'table',
	selectedId: undefined,
	scrollTop: 0,
	filter: '',
	filterDraft: '',
	pending: undefined,
	seq: 0,
	message: undefined,
};

/** The list context a movement needs. */
export interface ListContext {
	readonly ids: readonly string[];
	readonly pageSize: number;
}

export type ServicesAction =
	| ({readonly type: 'move'; readonly delta: number} & ListContext)
	| ({readonly type: 'move-to'; readonly where: 'first' | 'last'} & ListContext)
	/** The list changed (new snapshot, new size): keep the selection valid and visible. */
	| ({readonly type: 'sync'} & ListContext)
	| {readonly type: 'open-filter'}
	| {readonly type: 'filter-type'; readonly text: string}
	| {readonly type: 'filter-backspace'}
	| {readonly type: 'filter-submit'}
	| {readonly type: 'filter-cancel'}
	| {readonly type: 'open-logs'}
	| {readonly type: 'close'}
	| {readonly type: 'ask-stop'}
	/** Run an action on the selected container (the selection at the time this is reduced). */
	| {readonly type: 'request'; readonly action: ContainerAction}
	| {readonly type: 'action-done'; readonly text: string}
	| {readonly type: 'action-failed'; readonly text: string};

const progressive: Record<ContainerAction, string> = {start: 'starting', stop: 'stopping', restart: 'restarting'};

/**
 * Keeps the selection inside the list and the selected row inside the visible window. Returns the
 * same object when neither moves: 'sync' follows every new snapshot, and a new object would make
 * React render (and Ink compose) the whole frame a second time each second (issue 10, point 7).
 */
function place(state: ServicesState, index: number, {ids, pageSize}: ListContext): ServicesState {
	if (ids.length === 0) return withPlace(state, undefined, 0);
	const i = Math.min(Math.max(0, index), ids.length - 1);
	const rows = Math.max(1, pageSize);
	let top = Math.min(state.scrollTop, Math.max(0, ids.length - rows));
	if (i < top) top = i;
	if (i >= top + rows) top = i - rows + 1;
	return withPlace(state, ids[i], Math.max(0, top));
}

function withPlace(state: ServicesState, selectedId: string | undefined, scrollTop: number): ServicesState {
	return state.selectedId === selectedId && state.scrollTop === scrollTop ? state : {...state, selectedId, scrollTop};
}

function indexOf(state: ServicesState, ids: readonly string[]): number {
	const i = state.selectedId === undefined ? -1 : ids.indexOf(state.selectedId);
	return i < 0 ? 0 : i;
}

export function reduceServices(state: ServicesState, action: ServicesAction): ServicesState {
	switch (action.type) {
		case 'move': {
			return place(state, indexOf(state, action.ids) + action.delta, action);
		}

		case 'move-to': {
			return place(state, action.where === 'first' ? 0 : action.ids.length - 1, action);
		}

		case 'sync': {
			if (state.selectedId !== undefined && !action.ids.includes(state.selectedId)) {
				// The selected container vanished or was filtered out: select the first row.
				return place({...state, selectedId: undefined}, 0, action);
			}

			return place(state, indexOf(state, action.ids), action);
		}

		case 'open-filter': {
			return {...state, mode: 'filter', filterDraft: state.filter};
		}

		case 'filter-type': {
			return state.mode === 'filter' ? {...state, filterDraft: state.filterDraft + action.text} : state;
		}

		case 'filter-backspace': {
			return state.mode === 'filter' ? {...state, filterDraft: [...state.filterDraft].slice(0, -1).join('')} : state;
		}

		case 'filter-submit': {
			return {...state, mode: 'table', filter: state.filterDraft.trim(), scrollTop: 0};
		}

		case 'filter-cancel': {
			return {...state, mode: 'table', filterDraft: state.filter};
		}

		case 'open-logs': {
			return state.selectedId === undefined ? state : {...state, mode: 'logs'};
		}

		case 'close': {
			// Esc in the table clears a filter; elsewhere it goes back to the table.
			if (state.mode === 'table') return state.filter === '' ? state : {...state, filter: '', filterDraft: '', scrollTop: 0};
			return {...state, mode: 'table', filterDraft: state.filter};
		}

		case 'ask-stop': {
			return state.selectedId === undefined || state.pending ? state : {...state, mode: 'confirm-stop'};
		}

		case 'request': {
			if (state.pending || state.selectedId === undefined) return {...state, mode: 'table'};
			const seq = state.seq + 1;
			return {...state, mode: 'table', seq, pending: {id: state.selectedId, action: action.action, seq}, message: {text: `${progressive[action.action]}…`, isError: false}};
		}

		case 'action-done': {
			return {...state, pending: undefined, message: {text: action.text, isError: false}};
		}

		case 'action-failed': {
			return {...state, pending: undefined, message: {text: action.text, isError: true}};
		}
	}
}
