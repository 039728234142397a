/**
 * Containers as text: the columns of the Services table and of `rqc status`, fitted to a width,
 * and the JSON shape of `rqc status --json`. Pure: views and `now` in, strings out. No Ink here,
 * so `--json` and plain output never load the UI.
 */
import type {ContainerRecord} from './containers.js';
import type {ContainerView, EngineStatus, MonitorSnapshot} from './monitor.js';
import {fit, formatBytes} from '../text/text.js';

export type Align = 'left' | 'right';

/** A table column (the ink-table column API: key + align), with widths for fitting. */
export interface ColumnSpec {
	readonly key: ColumnKey;
	readonly title: string;
	readonly align: Align;
	readonly width: number;
	/** Lower is dropped later when the table is too narrow (the name is never dropped). */
	readonly priority: number;
}

export type ColumnKey = 'mark' | 'name' | 'state' | 'health' | 'uptime' | 'restarts' | 'cpu' | 'memory' | 'net' | 'block' | 'pids';

/** Every column, left to right. The name column's width is its minimum; it takes what is left. */
export const COLUMNS: readonly ColumnSpec[] = [
	{key: 'mark', title: ' ', align: 'left', width: 1, priority: 0},
	{key: 'name', title: 'NAME', align: 'left', width: 12, priority: 0},
	{key: 'state', title: 'STATE', align: 'left', width: 10, priority: 1},
	{key: 'health', title: 'HEALTH', align: 'left', width: 9, priority: 2},
	{key: 'cpu', title: 'CPU%', align: 'right', width: 6, priority: 3},
	{key: 'memory', title: 'MEM/LIMIT', align: 'right', width: 11, priority: 4},
	{key: 'uptime', title: 'UP', align: 'right', width: 5, priority: 5},
	{key: 'restarts', title: 'RST', align: 'right', width: 3, priority: 6},
	{key: 'net', title: 'NET RX/TX', align: 'right', width: 11, priority: 7},
	{key: 'block', title: 'BLK R/W', align: 'right', width: 11, priority: 9},
	{key: 'pids', title: 'PIDS', align: 'right', width: 4, priority: 8},
];

export interface FittedColumn extends ColumnSpec {
	readonly fittedWidth: number;
}

const GAP = 1;

/**
 * The columns that fit in `width` (one space between columns): low-priority columns are dropped
 * until the rest fits; the name column then takes the leftover width (up to `maxNameWidth`).
 */
export function fitColumns(width: number, maxNameWidth = 32, columns: readonly ColumnSpec[] = COLUMNS): FittedColumn[] {
	let kept = [...columns];
	const total = (cols: readonly ColumnSpec[]): number => cols.reduce((sum, c) => sum + c.width, 0) + GAP * (cols.length - 1);
	while (total(kept) > width) {
		const droppable = kept.filter((c) => c.priority > 0);
		if (droppable.length === 0) break;
		const drop = droppable.reduce((a, b) => (b.priority > a.priority ? b : a));
		kept = kept.filter((c) => c !== drop);
	}

	const over = total(kept) - width;
	return kept.map((c) => {
		if (c.key !== 'name') return {...c, fittedWidth: c.width};
		// Too narrow even without the droppable columns: the name shrinks (never below 1).
		if (over > 0) return {...c, fittedWidth: Math.max(1, c.width - over)};
		return {...c, fittedWidth: c.width + Math.min(-over, Math.max(0, maxNameWidth - c.width))};
	});
}

/** Seconds as 45s, 12m, 3h, 5d. */
export function formatUptime(ms: number | undefined): string {
	if (ms === undefined || ms < 0) return '-';
	const s = Math.floor(ms / 1000);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86_400)}d`;
}

export type RowTone = 'bad' | 'warn' | 'ok' | 'off' | 'normal';

/** How a container should stand out: a symbol (readable without colour) and a tone for colour. */
export function getContainerMark(record: ContainerRecord): {symbol: string; tone: RowTone; label: string} {
	if (record.state === 'restarting') return {symbol: '↻', tone: 'warn', label: 'restarting'};
	if (record.health === 'unhealthy') return {symbol: '✗', tone: 'bad', label: 'unhealthy'};
	if (record.state === 'dead' || (record.state === 'exited' && record.exitCode !== undefined && record.exitCode !== 0)) return {symbol: '✗', tone: 'bad', label: record.state};
	if (record.state === 'running' && record.health === 'starting') return {symbol: '…', tone: 'warn', label: 'starting'};
	if (record.state === 'running') return {symbol: record.health === 'healthy' ? '✓' : '▶', tone: record.health === 'healthy' ? 'ok' : 'normal', label: 'running'};
	if (record.state === 'paused') return {symbol: '‖', tone: 'warn', label: 'paused'};
	return {symbol: '■', tone: 'off', label: record.state};
}

/** The display name: the compose service (with its replica number) or the container's name. */
export function getDisplayName(record: ContainerRecord): string {
	if (!record.service) return record.name;
	// Compose names replicas <project>-<service>-<n> (v2) or <project>_<service>_<n> (v1).
	const escaped = record.service.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const replica = new RegExp(`[-_]${escaped}[-_](\\d+)$`).exec(record.name)?.[1];
	return replica && replica !== '1' ? `${record.service}-${replica}` : record.service;
}

/** A container's cells, keyed by column. */
export function formatCells(view: ContainerView, now: number): Record<ColumnKey, string> {
	const {record, sample} = view;
	const isRunning = record.state === 'running';
	const hasSample = isRunning && sample !== undefined;
	const limit = record.memoryLimitBytes ?? sample?.memoryLimitBytes;
	return {
		mark: getContainerMark(record).symbol,
		name: getDisplayName(record),
		state: record.state === 'exited' && record.exitCode !== undefined ? `exited(${record.exitCode})` : record.state,
		health: record.health === 'none' ? '-' : record.health,
		uptime: isRunning && record.startedAt !== undefined ? formatUptime(now - record.startedAt) : '-',
		restarts: String(record.restartCount),
		cpu: hasSample ? sample.cpuPercent.toFixed(1) : '-',
		memory: hasSample ? `${formatBytes(sample.memoryBytes, 'compact')}/${formatBytes(limit, 'compact')}` : '-',
		net: hasSample ? `${formatBytes(sample.netRxRate, 'compact')}/${formatBytes(sample.netTxRate, 'compact')}` : '-',
		block: hasSample ? `${formatBytes(sample.blockReadRate, 'compact')}/${formatBytes(sample.blockWriteRate, 'compact')}` : '-',
		pids: hasSample ? String(sample.pids) : '-',
	};
}

/** One table line from cells, fitted to the columns. */
export function renderRow(cells: Readonly<Record<ColumnKey, string>>, columns: readonly FittedColumn[]): string {
	return columns.map((c) => fit(cells[c.key], c.fittedWidth, c.align)).join(' ');
}

/** The header line. */
export function renderHeader(columns: readonly FittedColumn[]): string {
	const cells = Object.fromEntries(COLUMNS.map((c) => [c.key, c.title])) as Record<ColumnKey, string>;
	return renderRow(cells, columns);
}

/** Filters by a case-insensitive substring of the name, service or image. */
export function filterViews(views: readonly ContainerView[], filter: string): readonly ContainerView[] {
	const needle = filter.trim().toLowerCase();
	if (needle === '') return views;
	return views.filter(({record}) => record.name.toLowerCase().includes(needle)
		|| (record.service?.toLowerCase().includes(needle) ?? false)
		|| record.image.toLowerCase().includes(needle));
}

/** One line about the engine, for the pane's top line and `--watch`. */
export function describeEngine(engine: EngineStatus, now: number): string {
	if (engine.state === 'connecting') return 'connecting to the Docker engine…';
	if (engine.state === 'ok') return 'engine ok';
	const seconds = Math.max(0, Math.ceil((engine.retryAt - now) / 1000));
	return `Docker engine unreachable (${engine.message}); retrying in ${seconds}s (attempt ${engine.attempt})`;
}

/** Counts for a summary line: "12 containers: 10 running, 1 unhealthy, 1 restarting". */
export function summarizeContainers(views: readonly ContainerView[]): string {
	const running = views.filter((v) => v.record.state === 'running').length;
	const unhealthy = views.filter((v) => v.record.health === 'unhealthy').length;
	const restarting = views.filter((v) => v.record.state === 'restarting').length;
	const parts = [`${running} running`];
	if (unhealthy > 0) parts.push(`${unhealthy} unhealthy`);
	if (restarting > 0) parts.push(`${restarting} restarting`);
	return `${views.length} container${views.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export interface TableTextOptions {
	readonly width: number;
	readonly now: number;
	/** Wraps a line in colour for its tone; identity when colour is off. */
	readonly paintLine?: (line: string, tone: RowTone) => string;
}

/** The plain-text container table of `rqc status` (header, rows, CPU note). */
export function renderContainerTable(views: readonly ContainerView[], options: TableTextOptions): string {
	const columns = fitColumns(options.width, 40);
	const paint = options.paintLine ?? ((line: string) => line);
	const lines = [renderHeader(columns)];
	for (const view of views) {
		lines.push(paint(renderRow(formatCells(view, options.now), columns), getContainerMark(view.record).tone));
	}

	if (views.length === 0) lines.push('(no containers)');
	lines.push(`${summarizeContainers(views)}. CPU% is of one core (200% = two cores busy); NET and BLK are per second.`);
	return lines.join('\n');
}

/** The JSON shape of one container in `rqc status --json` (stable keys; null for unknown). */
export interface ContainerJson {
	readonly id: string;
	readonly name: string;
	readonly service: string | null;
	readonly project: string | null;
	readonly image: string;
	readonly state: string;
	readonly health: string;
	readonly healthOutput: string | null;
	readonly restartCount: number;
	readonly startedAt: string | null;
	readonly exitCode: number | null;
	readonly cpuLimitCores: number | null;
	readonly ports: ReadonlyArray<{containerPort: number; protocol: string; hostIp: string | null; hostPort: number | null}>;
	readonly resources: {
		/** Percent of one core. */
		readonly cpuPercent: number;
		readonly memoryBytes: number;
		readonly memoryLimitBytes: number;
		readonly memoryPercent: number;
		readonly netRxBytesPerSecond: number;
		readonly netTxBytesPerSecond: number;
		readonly blockReadBytesPerSecond: number;
		readonly blockWriteBytesPerSecond: number;
		readonly netRxBytes: number;
		readonly netTxBytes: number;
		readonly blockReadBytes: number;
		readonly blockWriteBytes: number;
		readonly pids: number;
	} | null;
}

/** A view as JSON. */
export function toContainerJson(view: ContainerView): ContainerJson {
	const {record, sample} = view;
	return {
		id: record.id,
		name: record.name,
		service: record.service ?? null,
		project: record.project ?? null,
		image: record.image,
		state: record.state,
		health: record.health,
		healthOutput: record.healthOutput ?? null,
		restartCount: record.restartCount,
		startedAt: record.startedAt === undefined ? null : new Date(record.startedAt).toISOString(),
		exitCode: record.exitCode ?? null,
		cpuLimitCores: record.cpuLimit ?? null,
		ports: record.ports.map((p) => ({containerPort: p.containerPort, protocol: p.protocol, hostIp: p.hostIp ?? null, hostPort: p.hostPort ?? null})),
		resources: sample && record.state === 'running'
			? {
				cpuPercent: round(sample.cpuPercent, 2),
				memoryBytes: sample.memoryBytes,
				memoryLimitBytes: record.memoryLimitBytes ?? sample.memoryLimitBytes,
				memoryPercent: round(sample.memoryPercent, 2),
				netRxBytesPerSecond: round(sample.netRxRate, 1),
				netTxBytesPerSecond: round(sample.netTxRate, 1),
				blockReadBytesPerSecond: round(sample.blockReadRate, 1),
				blockWriteBytesPerSecond: round(sample.blockWriteRate, 1),
				netRxBytes: sample.netRxBytes,
				netTxBytes: sample.netTxBytes,
				blockReadBytes: sample.blockReadBytes,
				blockWriteBytes: sample.blockWriteBytes,
				pids: sample.pids,
			}
			: null,
	};
}

/** One `--watch --json` line: the engine state and every container. */
export function toSnapshotJson(snapshot: MonitorSnapshot, now: number): {at: string; engine: EngineStatus; samplingMode: string; containers: ContainerJson[]} {
	return {
		at: new Date(now).toISOString(),
		engine: snapshot.engine,
		samplingMode: snapshot.samplingMode,
		containers: snapshot.containers.map(toContainerJson),
	};
}

function round(value: number, digits: number): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
