import React from 'react';
import {Box, Text} from 'ink';
import type {PaneProps} from './types.js';

/** Placeholder until its issue fills it: says what it will show. */
export function ComparePane({width}: PaneProps) {
	return (
		<Box flexDirection="column" width={width}>
			<Text bold>Compare</Text>
			<Text wrap="wrap">This pane will show release-versus-release comparisons, overhead-adjusted, with verdicts per case and charts of medians across releases.</Text>
		</Box>
	);
}
