/**
 * The container part of `rqc status`: the table once (two readings half a second apart), or
 * `--watch`: a live monitor redrawn every interval (plain) or one JSON line per interval
 * (`--watch --json`, the headless mode the overhead benchmark measures). No Ink is loaded.
 */
import type {Writable} from 'node:stream';
import type {Config} from '../config.js';
import {createMonitorDockerClient, isLocalEngine} from './client.js';
import {createContainerMonitor, getContainerStatus, type ContainerView} from './monitor.js';
import {describeEngine, renderContainerTable, toContainerJson, toSnapshotJson, type ContainerJson, type RowTone} from './present.js';

export interface ContainerStatusOptions {
	readonly config: Config;
	readonly isAll: boolean;
	readonly signal: AbortSignal;
	/** Force the Engine API stats path even for a local engine (for comparisons). */
	readonly isEngineStats?: boolean;
}

/** The containers with two readings, for `rqc status` once. */
export async function getContainerStatusOnce(options: ContainerStatusOptions): Promise<ContainerView[]> {
	return getContainerStatus({
		docker: createMonitorDockerClient(options.config),
		project: options.config.project,
		isAll: options.isAll,
		isLocal: !options.isEngineStats && isLocalEngine(options.config.dockerHost),
		signal: options.signal,
	});
}

export function containersToJson(views: readonly ContainerView[]): ContainerJson[] {
	return views.map(toContainerJson);
}

const toneCodes: Record<RowTone, number | undefined> = {bad: 31, warn: 33, ok: 32, off: 90, normal: undefined};

/** Colours a table line by tone (ANSI), or leaves it alone without colour. */
export function paintTone(hasColor: boolean): (line: string, tone: RowTone) => string {
	return (line, tone) => {
		const code = toneCodes[tone];
		return hasColor && code !== undefined ? `\u001B[${code}m${line}\u001B[0m` : line;
	};
}

/** The container table as `rqc status` prints it. */
export function formatContainerStatus(views: readonly ContainerView[], width: number, hasColor: boolean, now = Date.now()): string {
	return renderContainerTable(views, {width, now, paintLine: paintTone(hasColor)});
}

export interface WatchOptions extends ContainerStatusOptions {
	readonly stdout: Writable & {isTTY?: boolean; columns?: number};
	readonly isJson: boolean;
	readonly hasColor: boolean;
	/** Refresh interval (also the sample interval). */
	readonly intervalMs: number;
}

/** Runs until the signal aborts: redraws the table, or writes one JSON line, every interval. */
export async function watchContainers(options: WatchOptions): Promise<void> {
	const monitor = createContainerMonitor({
		docker: createMonitorDockerClient(options.config),
		project: options.config.project,
		isAll: options.isAll,
		isLocal: !options.isEngineStats && isLocalEngine(options.config.dockerHost),
		sampleIntervalMs: options.intervalMs,
	});
	monitor.start();
	// A closed stdout (`| head`) ends the watch instead of crashing on EPIPE.
	const stop = new AbortController();
	const onAbort = (): void => {
		stop.abort();
	};

	options.signal.addEventListener('abort', onAbort, {once: true});
	const onStdoutError = (): void => {
		stop.abort();
	};

	options.stdout.on('error', onStdoutError);
	const signal = stop.signal;
	const write = (text: string): void => {
		if (!signal.aborted) options.stdout.write(text);
	};

	try {
		// The first line waits (up to three intervals) for two readings, so it has resource figures.
		const firstBy = Date.now() + 3 * options.intervalMs;
		while (!signal.aborted && Date.now() < firstBy) {
			const {engine, containers} = monitor.getSnapshot();
			if (engine.state === 'unreachable') break;
			if (engine.state === 'ok' && containers.every((c) => c.record.state !== 'running' || c.sample !== undefined)) break;
			await new Promise((resolve) => {
				setTimeout(resolve, 50);
			});
		}

		let isFirst = true;
		while (!signal.aborted) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, isFirst ? 0 : options.intervalMs);
				isFirst = false;
				function done(): void {
					clearTimeout(timer);
					signal.removeEventListener('abort', done);
					resolve();
				}

				signal.addEventListener('abort', done, {once: true});
			});
			if (signal.aborted) break;
			const snapshot = monitor.getSnapshot();
			const now = Date.now();
			if (options.isJson) {
				write(`${JSON.stringify(toSnapshotJson(snapshot, now))}\n`);
				continue;
			}

			const width = Math.max(40, (options.stdout.columns ?? 100) - 1);
			const head = snapshot.engine.state === 'ok' ? `rqc status --watch · ${new Date(now).toLocaleTimeString()} · Ctrl-C stops` : describeEngine(snapshot.engine, now);
			const body = `${head}\n${formatContainerStatus(snapshot.containers, width, options.hasColor, now)}\n`;
			// On a terminal, redraw in place; in a pipe, append blocks.
			write(options.stdout.isTTY ? `\u001B[H\u001B[2J${body}` : `${body}\n`);
		}
	} finally {
		options.signal.removeEventListener('abort', onAbort);
		options.stdout.off('error', onStdoutError);
		await monitor.close();
	}
}
