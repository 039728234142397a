import {describe, expect, it} from 'vitest';
import {initialShellState, reduceShell, type ShellAction, type ShellState} from '../../../source/ui/shell-state.js';
import {describeHealth} from '../../../source/ui/status-bar.js';

describe('reduceShell', () => {
	const cases: Array<[string, ShellState, ShellAction, Partial<ShellState>]> = [
		['selects a pane', initialShellState, {type: 'select-pane', pane: 'compare'}, {pane: 'compare'}],
		['Tab goes to the next pane', initialShellState, {type: 'next-pane', step: 1}, {pane: 'benchmarks'}],
		['Tab wraps around', {...initialShellState, pane: 'history'}, {type: 'next-pane', step: 1}, {pane: 'services'}],
		['Shift-Tab wraps backwards', initialShellState, {type: 'next-pane', step: -1}, {pane: 'history'}],
		['? opens help', initialShellState, {type: 'toggle-help'}, {isHelpOpen: true}],
		['choosing a pane closes help', {...initialShellState, isHelpOpen: true}, {type: 'select-pane', pane: 'services'}, {isHelpOpen: false}],
		['a pane captures input', initialShellState, {type: 'capture-input', isCaptured: true}, {isInputCaptured: true}],
	];
	it.each(cases)('%s', (_name, state, action, expected) => {
		expect(reduceShell(state, action)).toMatchObject(expected);
	});

	it('returns the same state when a capture report changes nothing (no render loop)', () => {
		expect(reduceShell(initialShellState, {type: 'capture-input', isCaptured: false})).toBe(initialShellState);
	});
});

describe('describeHealth', () => {
	it('says each state in words, not only colour', () => {
		const items = describeHealth({
			docker: {state: 'unreachable', error: 'x'},
			database: {state: 'ok', kind: 'postgres'},
			redis: {state: 'not_configured'},
		});
		expect(items.map((i) => [i.tone, i.label])).toEqual([
			['bad', 'docker unreachable'],
			['ok', 'PostgreSQL'],
			['off', 'redis off'],
		]);
	});
});
