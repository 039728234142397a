import React from 'react';
import {Box, Text} from 'ink';
import type {HealthSnapshot, HealthSource} from '../health.js';
import {formatHints, keyFor} from './keymap.js';
import {useHealth} from './use-health.js';
import {panes, type PaneId} from './shell-state.js';

export interface StatusBarProps {
	readonly health: HealthSource;
	readonly pane: PaneId;
	readonly width: number;
}

type Tone = 'ok' | 'bad' | 'wait' | 'off';
const toneColor: Record<Tone, string> = {ok: 'green', bad: 'red', wait: 'yellow', off: 'gray'};
const toneSymbol: Record<Tone, string> = {ok: '●', bad: '✗', wait: '…', off: '-'};

/** Each service as a tone and a short label; pure, so it is tested without rendering. */
export function describeHealth(h: HealthSnapshot): Array<{name: string; tone: Tone; label: string}> {
	const dbKind = {embedded: 'embedded', postgres: 'PostgreSQL', timescaledb: 'TimescaleDB'}[h.database.kind];
	return [
		{
			name: 'docker',
			tone: h.docker.state === 'ok' ? 'ok' : h.docker.state === 'checking' ? 'wait' : 'bad',
			label: h.docker.state === 'ok' ? `docker ${h.docker.version ?? ''}`.trim() : h.docker.state === 'checking' ? 'docker …' : 'docker unreachable',
		},
		{
			name: 'database',
			tone: h.database.state === 'ok' ? 'ok' : h.database.state === 'opening' ? 'wait' : 'bad',
			label: h.database.state === 'ok' ? dbKind : h.database.state === 'opening' ? `${dbKind} opening` : `${dbKind} unreachable`,
		},
		{
			name: 'redis',
			tone: h.redis.state === 'ready' ? 'ok' : h.redis.state === 'not_configured' || h.redis.state === 'memory' ? 'off'
				: h.redis.state === 'connecting' || h.redis.state === 'reconnecting' ? 'wait' : 'bad',
			label: h.redis.state === 'ready' ? 'redis' : h.redis.state === 'not_configured' ? 'redis off' : `redis ${h.redis.state}`,
		},
	];
}

/** The quiet-mode notice (a benchmark run holds this host), or undefined. Pure. */
export function describeQuiet(h: HealthSnapshot): string | undefined {
	if (!h.benchmark) return undefined;
	const kind = h.benchmark.mode === 'docker' ? 'benchmark' : h.benchmark.mode === 'calibration' ? 'calibration' : 'bare-metal';
	return `quiet: ${kind} run in progress`;
}

const paneTitles: Record<PaneId, string> = {services: 'Services', benchmarks: 'Benchmarks', compare: 'Compare', history: 'History'};

/** The top line (pane tabs) and the bottom line (service states, help hint). */
export function StatusBar({health, pane, width}: StatusBarProps) {
	const snapshot = useHealth(health);
	const quiet = describeQuiet(snapshot);
	return (
		<Box width={width} justifyContent="space-between">
			<Box>
				{describeHealth(snapshot).map((item) => (
					<Box key={item.name} marginRight={2}>
						<Text color={toneColor[item.tone]}>{toneSymbol[item.tone]} </Text>
						<Text>{item.label}</Text>
					</Box>
				))}
			</Box>
			{/* Quiet mode takes the hint's place: it is what the user needs to know then. */}
			{quiet
				? <Box flexShrink={0}><Text color="yellow" wrap="truncate">{quiet}</Text></Box>
				: <Text dimColor>{width >= 60 ? `${paneTitles[pane]} · ${formatHints('global')}` : `${keyFor('global', 'toggle-help')} help`}</Text>}
		</Box>
	);
}

export interface TabsProps {
	readonly pane: PaneId;
}

export function Tabs({pane}: TabsProps) {
	return (
		<Box>
			<Text bold>rqc </Text>
			{panes.map((id, index) => (
				<Box key={id} marginLeft={1}>
					{/* Brackets mark the active tab without colour (NO_COLOR, screen readers, capture-pane). */}
					<Text inverse={id === pane} bold={id === pane}>{id === pane ? `[${index + 1} ${paneTitles[id]}]` : ` ${index + 1} ${paneTitles[id]} `}</Text>
				</Box>
			))}
		</Box>
	);
}
