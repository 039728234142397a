import {describe, expect, it} from 'vitest';
import {initialServicesState, reduceServices, type ServicesAction, type ServicesState} from '../../../source/ui/services/services-state.js';

const ids = Array.from({length: 10}, (_, i) => `c${i}`);
const list = {ids, pageSize: 4};
const run = (actions: ServicesAction[], from: ServicesState = initialServicesState): ServicesState => actions.reduce(reduceServices, from);

describe('reduceServices', () => {
	it.each([
		['sync selects the first row', [{type: 'sync', ...list}], 'c0', 0],
		['down moves and scrolls past the page', [{type: 'sync', ...list}, ...Array.from({length: 5}, () => ({type: 'move', delta: 1, ...list}))], 'c5', 2],
		['up at the top stays', [{type: 'sync', ...list}, {type: 'move', delta: -1, ...list}], 'c0', 0],
		['end goes to the last row', [{type: 'move-to', where: 'last', ...list}], 'c9', 6],
		['page down', [{type: 'sync', ...list}, {type: 'move', delta: 4, ...list}], 'c4', 1],
	] as Array<[string, ServicesAction[], string, number]>)('%s', (_name, actions, selectedId, scrollTop) => {
		const state = run(actions);
		expect(state.selectedId).toBe(selectedId);
		expect(state.scrollTop).toBe(scrollTop);
	});

	it('keeps the selection on the same container when rows re-sort, and re-selects when it vanishes', () => {
		let state = run([{type: 'sync', ...list}, {type: 'move', delta: 3, ...list}]);
		expect(state.selectedId).toBe('c3');
		state = reduceServices(state, {type: 'sync', ids: ['c3', ...ids.filter((id) => id !== 'c3')], pageSize: 4});
		expect(state.selectedId).toBe('c3');
		state = reduceServices(state, {type: 'sync', ids: ids.filter((id) => id !== 'c3'), pageSize: 4});
		expect(state.selectedId).toBe('c0');
		state = reduceServices(state, {type: 'sync', ids: [], pageSize: 4});
		expect(state.selectedId).toBeUndefined();
	});

	// issue 10: a sync that moves nothing returns the same state, so a new snapshot costs one frame, not two.
	it('returns the same state from a sync or a move that changes nothing', () => {
		const state = run([{type: 'sync', ...list}, {type: 'move', delta: 5, ...list}]);
		expect(reduceServices(state, {type: 'sync', ids: [...ids], pageSize: 4})).toBe(state);
		expect(reduceServices(state, {type: 'move', delta: 0, ...list})).toBe(state);
		expect(reduceServices(initialServicesState, {type: 'sync', ids: [], pageSize: 4})).toBe(initialServicesState);
		expect(reduceServices(state, {type: 'sync', ids: [...ids], pageSize: 2})).not.toBe(state);
	});

	it('types, edits, applies and cancels a filter', () => {
		let state = run([{type: 'open-filter'}, {type: 'filter-type', text: 'dbx'}, {type: 'filter-backspace'}]);
		expect(state).toMatchObject({mode: 'filter', filterDraft: 'db', filter: ''});
		state = reduceServices(state, {type: 'filter-submit'});
		expect(state).toMatchObject({mode: 'table', filter: 'db'});
		state = run([{type: 'open-filter'}, {type: 'filter-type', text: 'zz'}, {type: 'filter-cancel'}], state);
		expect(state).toMatchObject({mode: 'table', filter: 'db'});
		expect(reduceServices(state, {type: 'close'}).filter).toBe('');
	});

	it('records a requested action against the selection at reduce time, one at a time', () => {
		let state = run([{type: 'sync', ...list}, {type: 'move', delta: 2, ...list}, {type: 'request', action: 'restart'}]);
		expect(state.pending).toEqual({id: 'c2', action: 'restart', seq: 1});
		expect(state.message?.text).toBe('restarting…');
		// A second request while one is in flight is ignored.
		expect(reduceServices(state, {type: 'request', action: 'stop'}).pending?.action).toBe('restart');
		state = reduceServices(state, {type: 'action-failed', text: 'nope'});
		expect(state.pending).toBeUndefined();
		expect(state.message).toEqual({text: 'nope', isError: true});
	});

	it('does nothing without a selection', () => {
		expect(reduceServices(initialServicesState, {type: 'request', action: 'start'}).pending).toBeUndefined();
		expect(reduceServices(initialServicesState, {type: 'ask-stop'}).mode).toBe('table');
		expect(reduceServices(initialServicesState, {type: 'open-logs'}).mode).toBe('table');
	});
});
