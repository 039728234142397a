import React from 'react';
import {Box, Text} from 'ink';
import {formatHints, getKeyLabel, getScopeTitle, groupKeymap, type KeyBinding, type KeyScope} from './keymap.js';

export interface HelpOverlayProps {
	readonly bindings: readonly KeyBinding[];
	readonly height: number;
	/** The pane help was opened from: its keys come right after the global ones. */
	readonly scope?: KeyScope;
}

const rank = (title: string, current: KeyScope | undefined) => (title === getScopeTitle('global') ? 0 : current !== undefined && title === getScopeTitle(current) ? 1 : 2);

/** The keymap, grouped by scope: generated from the table, never written by hand. */
export function HelpOverlay({bindings, height, scope}: HelpOverlayProps) {
	const lines: Array<{kind: 'title' | 'key'; text: string; key?: string}> = [];
	const groups = groupKeymap(bindings).sort((a, b) => rank(a.title, scope) - rank(b.title, scope));
	for (const group of groups) {
		lines.push({kind: 'title', text: group.title});
		for (const b of group.bindings) lines.push({kind: 'key', key: getKeyLabel(b, bindings), text: b.description});
	}

	// Borders and title take 3 rows; when the list is cut, the "… more" line takes one more.
	// Each line is cut to one row (never wrapped), so the count of lines is the count of rows.
	const budget = Math.max(1, height - 3);
	const visible = lines.length > budget ? lines.slice(0, Math.max(1, budget - 1)) : lines;
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1}>
			<Text bold>Keys <Text dimColor>({formatHints('help', ', ', bindings)})</Text></Text>
			{visible.map((line) => (line.kind === 'title'
				? <Text key={`t-${line.text}`} bold color="cyan">{line.text}</Text>
				: <Text key={`k-${line.key}-${line.text}`} wrap="truncate-end">{`  ${(line.key ?? '').padEnd(8)} ${line.text}`}</Text>))}
			{visible.length < lines.length ? <Text dimColor>… {lines.length - visible.length} more (enlarge the terminal)</Text> : null}
		</Box>
	);
}
