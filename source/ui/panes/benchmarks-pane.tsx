import React from 'react';
import {Box, Text} from 'ink';
import type {PaneProps} from './types.js';

/** Placeholder until its issue fills it: says what it will show. */
export function BenchmarksPane({width}: PaneProps) {
	return (
		<Box flexDirection="column" width={width}>
			<Text bold>Benchmarks</Text>
			<Text wrap="wrap">This pane will show running and recent benchmark runs with progress, running medians and ETA; b and B launch a suite in a container or bare metal.</Text>
		</Box>
	);
}
