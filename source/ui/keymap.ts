/**
 * Every key the TUI answers, as data (lazydocker's keybindings.go is the model). Each entry binds
 * keys to an action of one focus scope; `useKeymap` (use-keymap.ts) drives input from it, and the
 * help overlay, the README's key list and every hint line are rendered from it, so none of them
 * can drift from what the keys do. Pure: no React, no Ink (scripts/docs-keys.mjs imports it).
 */

/**
 * The focus scopes. A pane's modes (a prompt, a picker, a confirmation) are scopes of their own;
 * `title` is where their listed keys appear in the help and the README.
 */
export const keyScopes = {
	'global': {title: 'Everywhere'},
	'help': {title: 'Everywhere'},
	'stack': {title: 'Services pane'},
	'stack.profiles': {title: 'Services pane'},
	'stack.confirm-down': {title: 'Services pane'},
	'services': {title: 'Services pane'},
	'services.filter': {title: 'Services pane'},
	'services.confirm-stop': {title: 'Services pane'},
	'services.logs': {title: 'Services pane'},
	'benchmarks': {title: 'Benchmarks pane'},
	'benchmarks.pick-suite': {title: 'Benchmarks pane'},
	'benchmarks.release': {title: 'Benchmarks pane'},
	'compare': {title: 'Compare pane'},
	'compare.filter': {title: 'Compare pane'},
	'compare.pick': {title: 'Compare pane'},
	'history': {title: 'History pane'},
} as const satisfies Record<string, {title: string}>;

export type KeyScope = keyof typeof keyScopes;

/**
 * Named keys, with how they are shown. Any other key name is one typed character ('q', '?', 'G').
 * 'text' matches typed text that no other binding of the scope takes (a prompt's characters);
 * 'any' matches every key no other binding of the scope takes ("any other key cancels").
 */
export const namedKeys = {
	'up': '↑',
	'down': '↓',
	'left': '←',
	'right': '→',
	'pageup': 'PgUp',
	'pagedown': 'PgDn',
	'home': 'Home',
	'end': 'End',
	'enter': 'Enter',
	'esc': 'Esc',
	'tab': 'Tab',
	'shift-tab': 'Shift-Tab',
	'backspace': 'Backspace',
	'delete': 'Delete',
	'space': 'Space',
	'text': 'text',
	'any': 'any other key',
} as const;

export interface KeyBinding {
	/** The key or keys that fire the action: a name of `namedKeys` or one character. */
	readonly key: string | readonly string[];
	readonly scope: KeyScope;
	/** What the pane's handler for this scope is called with. */
	readonly action: string;
	/**
	 * The row in the help overlay and the README. Empty: no row of its own, because the row above
	 * in the same scope names the key (`↓` under `↑ / ↓`) or the scope's hint line shows it.
	 */
	readonly description: string;
	/** The key column when it is not the first key's name (e.g. '↑ / ↓' for a pair of rows). */
	readonly label?: string;
	/**
	 * The key column made of these actions' keys (same scope, table order), one row for several
	 * bindings: whatever keys the table gives them, the row names those ('1 2 3 4').
	 */
	readonly labelOf?: readonly string[];
	/** The words after the key on the scope's hint line ('logs' gives `l logs`); none: not on it. */
	readonly hint?: string;
}

export const keymap = [
	// One line of the help for the four panes, so a pane's own keys fit a 24-row terminal beside them.
	{key: '1', labelOf: ['show-services', 'show-benchmarks', 'show-compare', 'show-history'], scope: 'global', action: 'show-services', description: 'Services / Benchmarks / Compare / History pane'},
	{key: '2', scope: 'global', action: 'show-benchmarks', description: ''},
	{key: '3', scope: 'global', action: 'show-compare', description: ''},
	{key: '4', scope: 'global', action: 'show-history', description: ''},
	{key: 'tab', scope: 'global', action: 'next-pane', description: 'Next pane (Shift-Tab: previous)'},
	{key: 'shift-tab', scope: 'global', action: 'previous-pane', description: ''},
	{key: '?', scope: 'global', action: 'toggle-help', description: 'Open or close this help', hint: 'help'},
	{key: 'q', scope: 'global', action: 'quit', description: 'Quit (Ctrl-C too)', hint: 'quit'},
	{key: ['?', 'esc'], label: '? or Esc', scope: 'help', action: 'close-help', description: '', hint: 'closes'},

	{key: 'u', scope: 'stack', action: 'up', description: 'Bring the default services up (rqc up)', hint: 'up'},
	{key: 'p', scope: 'stack', action: 'pick-profiles', description: 'Pick profiles to start (benchmarks, monitoring)', hint: 'profiles'},
	{key: 'D', scope: 'stack', action: 'down', description: 'Bring the stack down, after a confirmation (rqc down)', hint: 'down'},
	{key: ['up', 'k'], label: '↑ / ↓', scope: 'stack.profiles', action: 'previous', description: '', hint: 'choose'},
	{key: ['down', 'j'], scope: 'stack.profiles', action: 'next', description: ''},
	{key: 'space', scope: 'stack.profiles', action: 'toggle', description: '', hint: 'marks'},
	{key: 'enter', scope: 'stack.profiles', action: 'start', description: '', hint: 'starts'},
	{key: 'esc', scope: 'stack.profiles', action: 'cancel', description: '', hint: 'cancels'},
	{key: ['y', 'Y'], scope: 'stack.confirm-down', action: 'confirm', description: '', hint: 'confirms'},
	{key: 'any', scope: 'stack.confirm-down', action: 'cancel', description: '', hint: 'cancels'},

	{key: ['up', 'k'], label: '↑ / ↓', scope: 'services', action: 'select-previous', description: 'Select a container (j / k too; PgUp / PgDn, g / G for first / last)', hint: 'select'},
	{key: ['down', 'j'], scope: 'services', action: 'select-next', description: ''},
	{key: 'pageup', scope: 'services', action: 'page-up', description: ''},
	{key: 'pagedown', scope: 'services', action: 'page-down', description: ''},
	{key: ['g', 'home'], scope: 'services', action: 'select-first', description: ''},
	{key: ['G', 'end'], scope: 'services', action: 'select-last', description: ''},
	{key: ['l', 'enter'], scope: 'services', action: 'open-logs', description: 'Follow the selected container\'s logs (Enter too); Esc closes', hint: 'logs'},
	{key: 's', scope: 'services', action: 'start', description: 'Start the selected container', hint: 'start'},
	{key: 'x', scope: 'services', action: 'ask-stop', description: 'Stop the selected container, after a confirmation (y)', hint: 'stop'},
	{key: 'r', scope: 'services', action: 'restart', description: 'Restart the selected container', hint: 'restart'},
	{key: '/', scope: 'services', action: 'open-filter', description: 'Filter the containers by name, service or image; Esc clears the filter', hint: 'filter'},
	{key: 'esc', scope: 'services', action: 'clear-filter', description: ''},
	{key: 'enter', scope: 'services.filter', action: 'apply', description: '', hint: 'applies'},
	{key: 'esc', scope: 'services.filter', action: 'cancel', description: '', hint: 'cancels'},
	{key: ['backspace', 'delete'], scope: 'services.filter', action: 'erase', description: ''},
	{key: 'text', scope: 'services.filter', action: 'type', description: ''},
	{key: ['y', 'Y'], scope: 'services.confirm-stop', action: 'confirm', description: '', hint: 'to confirm'},
	{key: 'any', scope: 'services.confirm-stop', action: 'cancel', description: '', hint: 'cancels'},
	{key: ['esc', 'l'], scope: 'services.logs', action: 'close', description: '', hint: 'closes'},

	{key: 'b', scope: 'benchmarks', action: 'launch-docker', description: 'Run a suite in a resource-pinned container: pick the suite, then the release', hint: 'run in docker'},
	{key: 'B', scope: 'benchmarks', action: 'launch-bare-metal', description: 'Run a suite bare metal: pick the suite, then the release', hint: 'run bare metal'},
	{key: ['up', 'k'], label: '↑ / ↓', scope: 'benchmarks.pick-suite', action: 'previous', description: 'Choose a suite in the list (j / k too); Enter next, Esc back', hint: 'choose'},
	{key: ['down', 'j'], scope: 'benchmarks.pick-suite', action: 'next', description: ''},
	{key: 'enter', scope: 'benchmarks.pick-suite', action: 'choose', description: '', hint: 'next'},
	{key: 'esc', scope: 'benchmarks.pick-suite', action: 'cancel', description: '', hint: 'cancel'},
	{key: 'enter', scope: 'benchmarks.release', action: 'confirm', description: '', hint: 'starts the run'},
	{key: 'esc', scope: 'benchmarks.release', action: 'back', description: '', hint: 'goes back'},
	{key: ['backspace', 'delete'], scope: 'benchmarks.release', action: 'erase', description: ''},
	{key: 'text', scope: 'benchmarks.release', action: 'type', description: ''},
	{key: 'x', scope: 'benchmarks', action: 'stop-own-runs', description: 'Stop the runs started here (run aborted, samples kept, container removed)', hint: 'stop my runs'},

	{key: 'b', label: 'b / B', scope: 'compare', action: 'base-older', description: 'Base release: older / newer'},
	{key: 'B', scope: 'compare', action: 'base-newer', description: ''},
	{key: 'c', label: 'c / C', scope: 'compare', action: 'candidate-older', description: 'Candidate release: older / newer'},
	{key: 'C', scope: 'compare', action: 'candidate-newer', description: ''},
	{key: 'p', label: 'p / P', scope: 'compare', action: 'pick-base', description: 'Pick the base / candidate from a list (type to filter, Enter picks)'},
	{key: 'P', scope: 'compare', action: 'pick-candidate', description: ''},
	{key: '/', scope: 'compare', action: 'open-filter', description: 'Filter cases by name as you type (Enter keeps the filter, Esc clears it)'},
	{key: 'enter', scope: 'compare.filter', action: 'keep', description: '', hint: 'keeps'},
	{key: 'esc', scope: 'compare.filter', action: 'clear', description: '', hint: 'clears'},
	{key: ['backspace', 'delete'], scope: 'compare.filter', action: 'erase', description: ''},
	{key: 'text', scope: 'compare.filter', action: 'type', description: ''},
	{key: ['up', 'k'], label: '↑ / ↓', scope: 'compare.pick', action: 'previous', description: '', hint: 'choose'},
	{key: ['down', 'j'], scope: 'compare.pick', action: 'next', description: ''},
	{key: 'enter', scope: 'compare.pick', action: 'pick', description: '', hint: 'picks'},
	{key: 'esc', scope: 'compare.pick', action: 'cancel', description: '', hint: 'cancels'},
	{key: ['backspace', 'delete'], scope: 'compare.pick', action: 'erase', description: ''},
	{key: 'text', scope: 'compare.pick', action: 'type', description: ''},
	{key: ['up', 'k'], label: '↑ / ↓', scope: 'compare', action: 'case-previous', description: 'Select a case (j / k too): its chart and distributions'},
	{key: ['down', 'j'], scope: 'compare', action: 'case-next', description: ''},
	{key: 'a', scope: 'compare', action: 'toggle-adjust', description: 'Overhead adjustment on / off (raw numbers)'},
	{key: 'm', scope: 'compare', action: 'next-metric', description: 'Metric: wall time, CPU time, peak memory'},
	{key: 'r', scope: 'compare', action: 'reload', description: 'Reload releases and the comparison'},
	{key: 'w', scope: 'compare', action: 'toggle-notes', description: 'Warnings and notes in full / back to the cases'},

	{key: ['up', 'k'], label: '↑ / ↓', scope: 'history', action: 'case-previous', description: 'Select a case (j / k too): its trend chart and change points', hint: 'case'},
	{key: ['down', 'j'], scope: 'history', action: 'case-next', description: ''},
	{key: ['left', 'h'], label: '← / →', scope: 'history', action: 'change-older', description: 'Older / newer change point of the selected case (h / l too)', hint: 'change point'},
	{key: ['right', 'l'], scope: 'history', action: 'change-newer', description: ''},
	{key: 'enter', scope: 'history', action: 'open-compare', description: 'Compare the two releases around the selected change point (Compare pane)', hint: 'compare'},
	{key: 'm', scope: 'history', action: 'next-metric', description: 'Metric: wall time, CPU time, peak memory', hint: 'metric'},
	{key: 'r', scope: 'history', action: 'reload', description: 'Reload the history', hint: 'reload'},
] as const satisfies readonly KeyBinding[];

type Entry = (typeof keymap)[number];

/** The actions of a scope, as the table names them. */
export type KeyAction<S extends KeyScope> = Extract<Entry, {readonly scope: S}>['action'];

/** One handler per action of the scope (so a binding without a handler does not compile). */
export type KeyHandlers<S extends KeyScope> = {readonly [A in KeyAction<S>]: (input: string) => void};

/** The subset of Ink's key object that resolution reads. */
export interface KeyFlags {
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly leftArrow?: boolean;
	readonly rightArrow?: boolean;
	readonly pageUp?: boolean;
	readonly pageDown?: boolean;
	readonly home?: boolean;
	readonly end?: boolean;
	readonly return?: boolean;
	readonly escape?: boolean;
	readonly tab?: boolean;
	readonly shift?: boolean;
	readonly backspace?: boolean;
	readonly delete?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
}

export function keysOf(binding: KeyBinding): readonly string[] {
	return typeof binding.key === 'string' ? [binding.key] : binding.key;
}

/** The name of one key press: a `namedKeys` name, 'ctrl-x' / 'meta-x', or the typed text. Pure. */
export function getKeyName(input: string, key: KeyFlags): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'esc';
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.backspace) return 'backspace';
	if (key.delete) return 'delete';
	if (key.ctrl) return `ctrl-${input}`;
	if (key.meta) return `meta-${input}`;
	if (input === ' ') return 'space';
	return input;
}

/** Typed characters (what a prompt takes): text without Ctrl or Alt. */
function isText(input: string, key: KeyFlags): boolean {
	return input !== '' && !key.ctrl && !key.meta;
}

/**
 * The binding a key press fires in the given scopes, tried in order (a modal scope before the one
 * it sits over). In each scope a binding of the key itself wins, then 'text', then 'any'. Pure.
 */
export function resolveKey(bindings: readonly KeyBinding[], scopes: readonly KeyScope[], input: string, key: KeyFlags): KeyBinding | undefined {
	const name = getKeyName(input, key);
	for (const scope of scopes) {
		const inScope = bindings.filter((binding) => binding.scope === scope);
		const found = inScope.find((binding) => keysOf(binding).includes(name))
			?? (isText(input, key) ? inScope.find((binding) => keysOf(binding).includes('text')) : undefined)
			?? inScope.find((binding) => keysOf(binding).includes('any'));
		if (found) return found;
	}

	return undefined;
}

/** How a binding's key is shown in the help and the README. */
export function getKeyLabel(binding: KeyBinding, bindings: readonly KeyBinding[] = keymap): string {
	if (binding.label !== undefined) return binding.label;
	if (binding.labelOf !== undefined) {
		return binding.labelOf.map((action) => bindings.find((b) => b.scope === binding.scope && b.action === action)).filter((b) => b !== undefined).map((b) => getKeyLabel({...b, labelOf: undefined}, bindings)).join(' ');
	}

	const first = keysOf(binding)[0] ?? '';
	return first in namedKeys ? namedKeys[first as keyof typeof namedKeys] : first;
}

/** A label as it reads in a hint line: '↑ / ↓' becomes '↑/↓'. */
function compact(label: string): string {
	return label.replaceAll(' / ', '/');
}

/** The key of an action in a hint's compact form ('b/B' for the base-release pair), for prose. */
export function keyFor<S extends KeyScope>(scope: S, action: KeyAction<S>, bindings: readonly KeyBinding[] = keymap): string {
	const binding = bindings.find((b) => b.scope === scope && b.action === action);
	return binding ? compact(getKeyLabel(binding, bindings)) : '';
}

/** A scope's hint line: each hinted binding as `key words`, in table order ('l logs · s start'). */
export function formatHints(scope: KeyScope, separator = ' · ', bindings: readonly KeyBinding[] = keymap): string {
	return bindings
		.filter((binding) => binding.scope === scope && binding.hint !== undefined)
		.map((binding) => `${compact(getKeyLabel(binding, bindings))} ${binding.hint ?? ''}`)
		.join(separator);
}

/** The listed bindings (a help row each) grouped by where they apply, in table order. */
export function groupKeymap(bindings: readonly KeyBinding[] = keymap): Array<{title: string; bindings: KeyBinding[]}> {
	const groups: Array<{title: string; bindings: KeyBinding[]}> = [];
	for (const binding of bindings) {
		if (binding.description === '') continue;
		const {title} = keyScopes[binding.scope];
		let group = groups.find((g) => g.title === title);
		if (!group) {
			group = {title, bindings: []};
			groups.push(group);
		}

		group.bindings.push(binding);
	}

	return groups;
}

/** The title of a scope's group (the help overlay puts the current pane's group first). */
export function getScopeTitle(scope: KeyScope): string {
	return keyScopes[scope].title;
}

/** The key list as Markdown, for the README (kept in sync by a test). */
export function renderKeymapMarkdown(bindings: readonly KeyBinding[] = keymap): string {
	const lines = ['| key | where | what it does |', '| --- | --- | --- |'];
	for (const b of bindings) {
		if (b.description !== '') lines.push(`| \`${getKeyLabel(b, bindings)}\` | ${keyScopes[b.scope].title} | ${b.description} |`);
	}

	return lines.join('\n');
}
