/** CPU and memory history of the selected container, as two asciichart line charts. */
import React from 'react';
import {Box, Text} from 'ink';
import asciichart from 'asciichart';
import type {ResourceSample} from '../../docker/convert.js';
import {fit, formatBytes} from '../../text/text.js';

export interface ResourceChartsProps {
	readonly history: readonly ResourceSample[];
	readonly width: number;
	/** Lines for the charts, titles included. */
	readonly height: number;
	readonly memoryLimitBytes: number | undefined;
}

const LABEL_WIDTH = 6;

/** An asciichart plot as lines no wider than `width`; pure. */
export function plotSeries(values: readonly number[], width: number, lines: number, max: number, format: (v: number) => string): string[] {
	const points = Math.max(2, width - LABEL_WIDTH - 2);
	const series = values.length === 0 ? [0, 0] : values.slice(-points);
	const data = series.length === 1 ? [series[0]!, series[0]!] : series;
	const top = Math.max(max, ...data, 1e-9);
	const text = asciichart.plot(data, {
		min: 0,
		max: top,
		height: Math.max(1, lines - 1),
		offset: 2,
		padding: ' '.repeat(LABEL_WIDTH),
		format: (v) => fit(format(v), LABEL_WIDTH, 'right'),
	});
	return text.split('\n').slice(0, lines).map((line) => fit(line, width));
}

/**
 * Lines joined for one <Text>, their trailing padding dropped: the chart's box has a fixed width,
 * and every character written costs Ink tokenising and measuring each frame (issue 10 point 7).
 */
function joinTrimmed(lines: readonly string[]): string {
	return lines.map((line) => line.trimEnd()).join('\n');
}

export function ResourceCharts({history, width, height, memoryLimitBytes}: ResourceChartsProps) {
	if (height < 3) return null;
	const isSideBySide = width >= 50;
	const chartWidth = isSideBySide ? Math.floor((width - 1) / 2) : width;
	const chartLines = (isSideBySide ? height : Math.floor(height / 2)) - 1;
	if (chartLines < 2) return null;
	const cpu = history.map((s) => s.cpuPercent);
	const memory = history.map((s) => s.memoryBytes);
	const latest = history.at(-1);
	const cpuTitle = `CPU ${latest ? latest.cpuPercent.toFixed(1) : '-'}% (100% = one core)`;
	const memTitle = `MEM ${latest ? formatBytes(latest.memoryBytes, 'compact') : '-'}${memoryLimitBytes ? ` of ${formatBytes(memoryLimitBytes, 'compact')}` : ''}`;
	const cpuLines = plotSeries(cpu, chartWidth, chartLines, 100, (v) => `${v.toFixed(0)}%`);
	const memLines = plotSeries(memory, chartWidth, chartLines, Math.max(...memory, 1) * 1.1, (value) => formatBytes(value, 'compact'));
	const block = (title: string, lines: string[], color: string) => (
		<Box flexDirection="column" width={chartWidth}>
			<Text bold wrap="truncate">{fit(title, chartWidth).trimEnd()}</Text>
			<Text color={color} wrap="truncate">{joinTrimmed(lines)}</Text>
		</Box>
	);

	return (
		<Box flexDirection={isSideBySide ? 'row' : 'column'} width={width} height={height} columnGap={isSideBySide ? 1 : 0}>
			{block(cpuTitle, cpuLines, 'cyan')}
			{block(memTitle, memLines, 'magenta')}
		</Box>
	);
}
