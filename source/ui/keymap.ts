/**
 * Every key the TUI answers, as data. The help overlay and the README's key list are generated
 * from this table, so they cannot drift from what the keys do. Panes handle their own scope's
 * keys; the shell handles 'global'.
 */

export type KeyScope = 'global' | 'services' | 'benchmarks' | 'compare';

export interface KeyBinding {
	/** What to press, as shown to people: 'q', 'Ctrl-C', 'Tab', '1'. */
	readonly key: string;
	readonly scope: KeyScope;
	readonly description: string;
}

export const keymap: readonly KeyBinding[] = [
	{key: '1', scope: 'global', description: 'Services pane'},
	{key: '2', scope: 'global', description: 'Benchmarks pane'},
	{key: '3', scope: 'global', description: 'Compare pane'},
	{key: 'Tab', scope: 'global', description: 'Next pane (Shift-Tab: previous)'},
	{key: '?', scope: 'global', description: 'Open or close this help'},
	{key: 'q', scope: 'global', description: 'Quit (Ctrl-C too)'},
	{key: 'u', scope: 'services', description: 'Bring the default services up (rqc up)'},
	{key: 'p', scope: 'services', description: 'Pick profiles to start (benchmarks, monitoring)'},
	{key: 'D', scope: 'services', description: 'Bring the stack down, after a confirmation (rqc down)'},
	{key: '↑ / ↓', scope: 'services', description: 'Select a container (j / k too; PgUp / PgDn, g / G for first / last)'},
	{key: 'l', scope: 'services', description: 'Follow the selected container\'s logs (Enter too); Esc closes'},
	{key: 's', scope: 'services', description: 'Start the selected container'},
	{key: 'x', scope: 'services', description: 'Stop the selected container, after a confirmation (y)'},
	{key: 'r', scope: 'services', description: 'Restart the selected container'},
	{key: '/', scope: 'services', description: 'Filter the containers by name, service or image; Esc clears the filter'},
	{key: 'b', scope: 'benchmarks', description: 'Run a suite in a resource-pinned container: pick the suite, then the release'},
	{key: 'B', scope: 'benchmarks', description: 'Run a suite bare metal: pick the suite, then the release'},
	{key: '↑ / ↓', scope: 'benchmarks', description: 'Choose a suite in the list (j / k too); Enter next, Esc back'},
	{key: 'x', scope: 'benchmarks', description: 'Stop the runs started here (run aborted, samples kept, container removed)'},
	{key: 'b / B', scope: 'compare', description: 'Base release: older / newer'},
	{key: 'c / C', scope: 'compare', description: 'Candidate release: older / newer'},
	{key: 'p / P', scope: 'compare', description: 'Pick the base / candidate from a list: type to filter, enter picks'},
	{key: '/', scope: 'compare', description: 'Filter cases by name as you type (enter keeps, esc clears)'},
	{key: '↑ / ↓', scope: 'compare', description: 'Select a case (j / k too): its chart and distributions'},
	{key: 'a', scope: 'compare', description: 'Overhead adjustment on / off (raw numbers)'},
	{key: 'm', scope: 'compare', description: 'Metric: wall time, CPU time, peak memory'},
	{key: 'r', scope: 'compare', description: 'Reload releases and the comparison'},
];

export const scopeTitles: Readonly<Record<KeyScope, string>> = {
	global: 'Everywhere',
	services: 'Services pane',
	benchmarks: 'Benchmarks pane',
	compare: 'Compare pane',
};

/** The bindings grouped by scope, in table order. */
export function groupKeymap(bindings: readonly KeyBinding[] = keymap): Array<{scope: KeyScope; bindings: KeyBinding[]}> {
	const groups: Array<{scope: KeyScope; bindings: KeyBinding[]}> = [];
	for (const binding of bindings) {
		let group = groups.find((g) => g.scope === binding.scope);
		if (!group) {
			group = {scope: binding.scope, bindings: []};
			groups.push(group);
		}

		group.bindings.push(binding);
	}

	return groups;
}

/** The key list as Markdown, for the README (kept in sync by a test). */
export function renderKeymapMarkdown(bindings: readonly KeyBinding[] = keymap): string {
	const lines = ['| key | where | what it does |', '| --- | --- | --- |'];
	for (const b of bindings) lines.push(`| \`${b.key}\` | ${scopeTitles[b.scope]} | ${b.description} |`);
	return lines.join('\n');
}
