import React from 'react';
import {Box, Text} from 'ink';
import type {PaneProps} from './types.js';

/** Placeholder until its issue fills it: says what it will show. */
export function ServicesPane({width}: PaneProps) {
	return (
		<Box flexDirection="column" width={width}>
			<Text bold>Services</Text>
			<Text wrap="wrap">This pane will show live health and resource use (CPU, memory, network, block I/O, pids) of the compose stack's containers, with CPU and memory history charts, logs, and start/stop/restart.</Text>
		</Box>
	);
}
