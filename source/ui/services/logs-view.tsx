/** Follows one container's logs; shows the newest lines that fit, each truncated to the width. */
import React, {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import type {ServicesSource} from '../../docker/monitor.js';
import {fit} from '../../text/text.js';
import {redactSecrets} from '../../redact.js';
import {formatHints} from '../keymap.js';

export interface LogsViewProps {
	readonly source: ServicesSource;
	readonly containerId: string;
	readonly name: string;
	readonly width: number;
	readonly height: number;
	/** Lines kept in memory. */
	readonly maxLines?: number;
}

const controls = /\u001B\[[0-9;?]*[A-Za-z]|[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** A log line without colour codes and control characters (they would break the frame). */
export function toPlainLine(line: string): string {
	return line.replaceAll('\t', '  ').replace(controls, '');
}

export function LogsView({source, containerId, name, width, height, maxLines = 1000}: LogsViewProps) {
	const [lines, setLines] = useState<readonly string[]>([]);
	const [status, setStatus] = useState('following');
	useEffect(() => {
		const abort = new AbortController();
		const buffer: string[] = [];
		let timer: NodeJS.Timeout | undefined;
		const flush = (): void => {
			timer = undefined;
			setLines([...buffer]);
		};

		const follow = async (): Promise<void> => {
			try {
				for await (const line of source.streamLogs(containerId, abort.signal)) {
					buffer.push(redactSecrets(toPlainLine(line)));
					if (buffer.length > maxLines) buffer.splice(0, buffer.length - maxLines);
					// At most ~10 frames a second however fast the container logs.
					timer ??= setTimeout(flush, 100);
				}

				if (!abort.signal.aborted) setStatus('ended');
			} catch (error) {
				if (!abort.signal.aborted) setStatus(`stopped: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
			}
		};

		void follow();
		return () => {
			abort.abort();
			if (timer) clearTimeout(timer);
		};
	}, [source, containerId, maxLines]);

	const bodyLines = Math.max(0, height - 1);
	const shown = lines.slice(-bodyLines);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate">{fit(`Logs: ${name} (${status}) · ${formatHints('services.logs')}`, width)}</Text>
			{shown.map((line, i) => (
				// Keyed by position: lines have no identity.
				<Text key={i} wrap="truncate">{fit(line, width)}</Text>
			))}
		</Box>
	);
}
