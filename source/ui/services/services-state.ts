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

/** The subset of Ink's key object the pane reads. */
export interface KeyFlags {
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly pageUp?: boolean;
	readonly pageDown?: boolean;
	readonly home?: boolean;
	readonly end?: boolean;
	readonly return?: boolean;
	readonly escape?: boolean;
	readonly backspace?: boolean;
	readonly delete?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
}

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
	/** A key press: what it does depends on the mode at the time it is reduced. */
	| ({readonly type: 'key'; readonly input: string; readonly key: KeyFlags} & ListContext)
	| {readonly type: 'action-done'; readonly text: string}
	| {readonly type: 'action-failed'; readonly text: string};

const progressive: Record<ContainerAction, string> = {start: 'starting', stop: 'stopping', restart: 'restarting'};

/** Keeps the selection inside the list and the selected row inside the visible window. */
function place(state: ServicesState, index: number, {ids, pageSize}: ListContext): ServicesState {
	if (ids.length === 0) return {...state, selectedId: undefined, scrollTop: 0};
	const i = Math.min(Math.max(0, index), ids.length - 1);
	const rows = Math.max(1, pageSize);
	let top = Math.min(state.scrollTop, Math.max(0, ids.length - rows));
	if (i < top) top = i;
	if (i >= top + rows) top = i - rows + 1;
	return {...state, selectedId: ids[i], scrollTop: Math.max(0, top)};
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

		case 'key': {
			const next = keyToAction(state, action);
			return next ? reduceServices(state, next) : state;
		}

		case 'action-done': {
			return {...state, pending: undefined, message: {text: action.text, isError: false}};
		}

		case 'action-failed': {
			return {...state, pending: undefined, message: {text: action.text, isError: true}};
		}
	}
}

/**
 * What a key means in the current mode (undefined: nothing). Keys go through the reducer, not
 * through handlers closed over a rendered state, so fast typing (x then y) never reaches a stale
 * mode.
 */
export function keyToAction(state: ServicesState, {input, key, ids, pageSize}: {input: string; key: KeyFlags} & ListContext): ServicesAction | undefined {
	const list = {ids, pageSize};
	switch (state.mode) {
		case 'filter': {
			if (key.return) return {type: 'filter-submit'};
			if (key.escape) return {type: 'filter-cancel'};
			if (key.backspace || key.delete) return {type: 'filter-backspace'};
			if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow) return {type: 'filter-type', text: input};
			return undefined;
		}

		case 'confirm-stop': {
			return input === 'y' || input === 'Y' ? {type: 'request', action: 'stop'} : {type: 'close'};
		}

		case 'logs': {
			return key.escape || input === 'l' ? {type: 'close'} : undefined;
		}

		case 'table': {
			if (key.upArrow || input === 'k') return {type: 'move', delta: -1, ...list};
			if (key.downArrow || input === 'j') return {type: 'move', delta: 1, ...list};
			if (key.pageUp) return {type: 'move', delta: -pageSize, ...list};
			if (key.pageDown) return {type: 'move', delta: pageSize, ...list};
			if (input === 'g' || key.home) return {type: 'move-to', where: 'first', ...list};
			if (input === 'G' || key.end) return {type: 'move-to', where: 'last', ...list};
			if (input === '/') return {type: 'open-filter'};
			if (input === 'l' || key.return) return {type: 'open-logs'};
			if (input === 's') return {type: 'request', action: 'start'};
			if (input === 'r') return {type: 'request', action: 'restart'};
			if (input === 'x') return {type: 'ask-stop'};
			if (key.escape) return {type: 'close'};
			return undefined;
		}
	}
}
