import {describe, expect, it} from 'vitest';
import {
	formatHints,
	getKeyLabel,
	getKeyName,
	groupKeymap,
	keyFor,
	keymap,
	keyScopes,
	keysOf,
	namedKeys,
	renderKeymapMarkdown,
	resolveKey,
	type KeyBinding,
	type KeyFlags,
	type KeyScope,
} from '../../../source/ui/keymap.js';

const up = {upArrow: true};
const down = {downArrow: true};
const enter = {return: true};
const esc = {escape: true, meta: true}; // Ink reports Esc with meta set
const backspace = {backspace: true};

/** The action a key fires in these scopes (undefined: nothing). */
function actionOf(scopes: KeyScope | readonly KeyScope[], input: string, key: KeyFlags = {}): string | undefined {
	return resolveKey(keymap, typeof scopes === 'string' ? [scopes] : scopes, input, key)?.action;
}

describe('getKeyName', () => {
	it.each([
		['', up, 'up'],
		['', {pageDown: true}, 'pagedown'],
		['', {home: true}, 'home'],
		['\r', enter, 'enter'],
		['', esc, 'esc'],
		['\t', {tab: true}, 'tab'],
		['', {tab: true, shift: true}, 'shift-tab'],
		['', backspace, 'backspace'],
		[' ', {}, 'space'],
		['c', {ctrl: true}, 'ctrl-c'],
		['G', {shift: true}, 'G'],
		['svc', {}, 'svc'],
	] as Array<[string, KeyFlags, string]>)('%j %j → %s', (input, key, name) => {
		expect(getKeyName(input, key)).toBe(name);
	});
});

describe('resolveKey: what each key does in each scope', () => {
	it.each([
		// The shell.
		['global', '1', {}, 'show-services'],
		['global', '3', {}, 'show-compare'],
		['global', '\t', {tab: true}, 'next-pane'],
		['global', '', {tab: true, shift: true}, 'previous-pane'],
		['global', '?', {}, 'toggle-help'],
		['global', 'q', {}, 'quit'],
		['global', '', esc, undefined],
		['global', 'x', {}, undefined],
		// A letter with Ctrl or Alt is not the letter (Ctrl-C quits through Ink itself).
		['global', 'q', {ctrl: true}, undefined],
		['services', 'x', {meta: true}, undefined],
		// Help open: its keys first, the other global keys still work.
		[['help', 'global'], '?', {}, 'close-help'],
		[['help', 'global'], '', esc, 'close-help'],
		[['help', 'global'], '2', {}, 'show-benchmarks'],
		[['help', 'global'], 'q', {}, 'quit'],
		// Stack controls (was keyToControlAction).
		['stack', 'u', {}, 'up'],
		['stack', 'p', {}, 'pick-profiles'],
		['stack', 'D', {}, 'down'],
		['stack', 'd', {}, undefined],
		['stack.profiles', 'j', {}, 'next'],
		['stack.profiles', '', up, 'previous'],
		['stack.profiles', ' ', {}, 'toggle'],
		['stack.profiles', '\r', enter, 'start'],
		['stack.profiles', '', esc, 'cancel'],
		['stack.profiles', 'u', {}, undefined],
		['stack.confirm-down', 'y', {}, 'confirm'],
		['stack.confirm-down', 'Y', {}, 'confirm'],
		['stack.confirm-down', 'n', {}, 'cancel'],
		['stack.confirm-down', '', down, 'cancel'],
		// Services (was keyToAction).
		['services', 'x', {}, 'ask-stop'],
		['services', 's', {}, 'start'],
		['services', 'r', {}, 'restart'],
		['services', '', down, 'select-next'],
		['services', 'k', {}, 'select-previous'],
		['services', '', {pageUp: true}, 'page-up'],
		['services', 'g', {}, 'select-first'],
		['services', '', {end: true}, 'select-last'],
		['services', '/', {}, 'open-filter'],
		['services', 'l', {}, 'open-logs'],
		['services', '\r', enter, 'open-logs'],
		['services', '', esc, 'clear-filter'],
		['services', 'q', {}, undefined],
		['services', 'y', {}, undefined],
		['services.confirm-stop', 'y', {}, 'confirm'],
		['services.confirm-stop', 'n', {}, 'cancel'],
		['services.filter', 'q', {}, 'type'],
		['services.filter', 'x', {}, 'type'],
		['services.filter', ' ', {}, 'type'],
		['services.filter', '\r', enter, 'apply'],
		['services.filter', '', esc, 'cancel'],
		['services.filter', '', backspace, 'erase'],
		['services.filter', '', up, undefined],
		['services.filter', 'c', {ctrl: true}, undefined],
		['services.logs', '', esc, 'close'],
		['services.logs', 'l', {}, 'close'],
		['services.logs', 'x', {}, undefined],
		// Benchmarks.
		['benchmarks', 'b', {}, 'launch-docker'],
		['benchmarks', 'B', {}, 'launch-bare-metal'],
		['benchmarks', 'x', {}, 'stop-own-runs'],
		['benchmarks', '', down, undefined],
		['benchmarks.pick-suite', 'j', {}, 'next'],
		['benchmarks.pick-suite', '', up, 'previous'],
		['benchmarks.pick-suite', '\r', enter, 'choose'],
		['benchmarks.pick-suite', '', esc, 'cancel'],
		['benchmarks.pick-suite', 'b', {}, undefined],
		['benchmarks.release', 'b', {}, 'type'],
		['benchmarks.release', 'x', {}, 'type'],
		['benchmarks.release', 'v1.2', {}, 'type'],
		['benchmarks.release', '\r', enter, 'confirm'],
		['benchmarks.release', '', esc, 'back'],
		['benchmarks.release', '', {delete: true}, 'erase'],
		// Compare.
		['compare', 'b', {}, 'base-older'],
		['compare', 'B', {}, 'base-newer'],
		['compare', 'c', {}, 'candidate-older'],
		['compare', 'C', {}, 'candidate-newer'],
		['compare', '', up, 'case-previous'],
		['compare', 'j', {}, 'case-next'],
		['compare', 'a', {}, 'toggle-adjust'],
		['compare', 'm', {}, 'next-metric'],
		['compare', 'r', {}, 'reload'],
		['compare', 'x', {}, undefined],
	] as Array<[KeyScope | KeyScope[], string, KeyFlags, string | undefined]>)('%j: %j %j → %s', (scopes, input, key, action) => {
		expect(actionOf(scopes, input, key)).toBe(action);
	});
});

describe('the keymap table', () => {
	it('names only known keys or single characters', () => {
		for (const binding of keymap) {
			for (const key of keysOf(binding)) expect(key in namedKeys || [...key].length === 1, `${binding.scope}/${binding.action}: ${key}`).toBe(true);
		}
	});

	it('binds each key once per scope, and each action once per scope', () => {
		for (const scope of Object.keys(keyScopes) as KeyScope[]) {
			const inScope = keymap.filter((b) => b.scope === scope);
			const keys = inScope.flatMap((b) => keysOf(b));
			expect(new Set(keys).size, `${scope}: ${keys.join(' ')}`).toBe(keys.length);
			const actions = inScope.map((b) => b.action);
			expect(new Set(actions).size, scope).toBe(actions.length);
		}
	});

	it('shows every key somewhere: its own row, its scope\'s hint line, or the row it folds into', () => {
		const selfEvident = new Set(['text', 'backspace', 'delete']);
		keymap.forEach((binding: KeyBinding, index) => {
			if (binding.description !== '' || binding.hint !== undefined) return;
			if (keysOf(binding).every((key) => selfEvident.has(key))) return;
			// The nearest shown binding above in the same scope must name the folded key.
			const row = keymap.slice(0, index).reverse().find((b: KeyBinding) => b.scope === binding.scope && (b.description !== '' || b.hint !== undefined));
			expect(row, `${binding.scope}/${binding.action} has no row to fold into`).toBeDefined();
			expect(`${getKeyLabel(row!)} ${row!.description}`, `${binding.scope}/${binding.action}`).toContain(getKeyLabel(binding));
		});
	});

	it('renders the hint lines the panes showed before they came from the table', () => {
		expect(formatHints('global')).toBe('? help · q quit');
		expect(formatHints('help', ', ')).toBe('? or Esc closes');
		expect(formatHints('stack')).toBe('u up · p profiles · D down');
		expect(formatHints('services')).toBe('↑/↓ select · l logs · s start · x stop · r restart · / filter');
		expect(formatHints('services.filter', ', ')).toBe('Enter applies, Esc cancels');
		expect(formatHints('services.confirm-stop', ', ')).toBe('y to confirm, any other key cancels');
		expect(formatHints('services.logs')).toBe('Esc closes');
		expect(formatHints('benchmarks')).toBe('b run in docker · B run bare metal · x stop my runs');
		expect(formatHints('benchmarks.pick-suite', ', ')).toBe('↑/↓ choose, Enter next, Esc cancel');
		expect(formatHints('benchmarks.release', ', ')).toBe('Enter starts the run, Esc goes back');
		expect(formatHints('stack.profiles', ', ')).toBe('↑/↓ choose, Space marks, Enter starts, Esc cancels');
		expect(keyFor('compare', 'base-older')).toBe('b/B');
		expect(keyFor('compare', 'toggle-adjust')).toBe('a');
	});

	it('groups the listed rows by where they apply, in table order, with no row for folded keys', () => {
		const groups = groupKeymap();
		expect(groups.map((g) => g.title)).toEqual(['Everywhere', 'Services pane', 'Benchmarks pane', 'Compare pane', 'History pane']);
		const services = groups.find((g) => g.title === 'Services pane')!.bindings.map((b) => getKeyLabel(b));
		expect(services).toEqual(['u', 'p', 'D', '↑ / ↓', 'l', 's', 'x', 'r', '/']);
		const markdown = renderKeymapMarkdown();
		expect(markdown).toContain('| `b / B` | Compare pane | Base release: older / newer |');
		expect(markdown).not.toContain('`↓`');
	});
});
