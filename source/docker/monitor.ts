/**
 * The live container monitor: the data source behind the Services pane and `rqc status --watch`.
 * It lists and inspects the containers once, then follows the engine's event stream (starts,
 * deaths, health changes arrive without polling) and samples resource use on its own timer into
 * time-bounded ring buffers. Consumers read snapshots at their own render rate.
 *
 * Resilience: when the engine goes away the snapshot says so (unreachable, retrying at ...) and
 * the monitor reconnects with backoff by itself; containers that vanish are dropped quietly.
 * Every promise is caught here: no unhandled rejection escapes.
 */
import type {DockerClient} from './client.js';
import {
	compareContainers,
	getContainers,
	inspectContainer,
	listContainers,
	isEngineUnreachable,
	runContainerAction,
	streamContainerLogs,
	type ContainerAction,
	type ContainerRecord,
} from './containers.js';
import {computeSample, type ResourceSample, type StatsReading} from './convert.js';
import {streamEngineEvents} from './events.js';
import {DEFAULT_HISTORY_WINDOW_MS, HistoryStore} from './history.js';
import {createStatsSampler, type SamplingMode, type StatsSampler} from './stats.js';
import {redactSecrets} from '../redact.js';

export type EngineStatus =
	| {readonly state: 'connecting'}
	| {readonly state: 'ok'; readonly since: number}
	| {readonly state: 'unreachable'; readonly message: string; readonly retryAt: number; readonly attempt: number};

/** A container and its latest resource sample. */
export interface ContainerView {
	readonly record: ContainerRecord;
	/** Undefined until two readings exist (or the container is not running). */
	readonly sample: ResourceSample | undefined;
}

export interface MonitorSnapshot {
	readonly engine: EngineStatus;
	readonly containers: readonly ContainerView[];
	readonly samplingMode: SamplingMode;
	/** Sampling is paused: a benchmark run holds this host (quiet mode), so no per-second readings. */
	readonly isPaused?: boolean;
	/** Bumped on every change, so consumers can skip identical renders. */
	readonly version: number;
}

/** What the Services pane needs from a data source (tests hand it a fake). */
export interface ServicesSource {
	getSnapshot(): MonitorSnapshot;
	/** Called after changes (sample rounds, events); returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
	/** CPU/memory history of one container, oldest first. */
	getHistory(id: string): readonly ResourceSample[];
	runAction(id: string, action: ContainerAction): Promise<void>;
	streamLogs(id: string, signal: AbortSignal): AsyncIterable<string>;
}

export interface MonitorOptions {
	readonly docker: DockerClient;
	readonly project: string;
	readonly isAll?: boolean;
	/** Read cgroups directly (local engine). */
	readonly isLocal: boolean;
	readonly sampleIntervalMs?: number;
	/** Full re-list as a safety net for missed events. */
	readonly resyncIntervalMs?: number;
	readonly historyWindowMs?: number;
	readonly hostRoot?: string;
	readonly now?: () => number;
	/** Reconnect backoff: first delay and cap. */
	readonly retryMinMs?: number;
	readonly retryMaxMs?: number;
	/** While paused: how often the loop wakes to re-list (never more often than 5 s). */
	readonly quietIntervalMs?: number;
}

export interface ContainerMonitor extends ServicesSource {
	/** Connects (idempotent: a second call does nothing). */
	start(): void;
	/**
	 * Quiet mode (a bare-metal run measures on this host): no per-second sampling, and the
	 * safety-net re-list at most every quietIntervalMs; events still arrive. False resumes at once.
	 */
	setPaused(isPaused: boolean): void;
	close(): Promise<void>;
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal.aborted) {
			resolve();
			return;
		}

		const done = (): void => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}

function messageOf(error: unknown): string {
	return redactSecrets(error instanceof Error ? error.message : String(error));
}

/** Creates the monitor; call start() to connect. */
export function createContainerMonitor(options: MonitorOptions): ContainerMonitor {
	const now = options.now ?? Date.now;
	const sampleIntervalMs = options.sampleIntervalMs ?? 1000;
	const resyncIntervalMs = options.resyncIntervalMs ?? 30_000;
	const retryMinMs = options.retryMinMs ?? 500;
	const retryMaxMs = options.retryMaxMs ?? 5000;
	const sampler: StatsSampler = createStatsSampler({docker: options.docker, isLocal: options.isLocal, hostRoot: options.hostRoot, now});
	const history = new HistoryStore<ResourceSample>(options.historyWindowMs ?? DEFAULT_HISTORY_WINDOW_MS);
	const records = new Map<string, ContainerRecord>();
	const lastReading = new Map<string, StatsReading>();
	const latestSample = new Map<string, ResourceSample>();
	const listeners = new Set<() => void>();
	const stopAll = new AbortController();
	let engine: EngineStatus = {state: 'connecting'};
	let version = 0;
	let snapshot: MonitorSnapshot | undefined;
	let loop: Promise<void> | undefined;
	let isPaused = false;
	/** Ends the sampling loop's current sleep early (pause lifted, so sampling resumes now). */
	let wake: AbortController | undefined;
	const quietIntervalMs = Math.max(5000, options.quietIntervalMs ?? 5000);

	const changed = (): void => {
		version++;
		snapshot = undefined;
		for (const listener of listeners) {
			try {
				listener();
			} catch {
				// A listener's bug must not stop the monitor.
			}
		}
	};

	const drop = (id: string): void => {
		records.delete(id);
		lastReading.delete(id);
		latestSample.delete(id);
		sampler.forget(id);
		history.retain(new Set(records.keys()));
	};

	const upsert = (record: ContainerRecord): void => {
		const previous = records.get(record.id);
		if (previous && previous.pid !== record.pid) {
			// A new process: its counters start again, so the old reading is no baseline.
			lastReading.delete(record.id);
			sampler.forget(record.id);
		}

		if (record.state !== 'running') latestSample.delete(record.id);
		records.set(record.id, record);
	};

	/** Full: list and inspect all. Otherwise list, and inspect only what is new, changed state, or has a health check (its probe output moves). */
	const resync = async (isFull: boolean): Promise<void> => {
		const before = JSON.stringify([...records.values()]);
		if (isFull) {
			const fresh = await getContainers(options.docker, {project: options.project, isAll: options.isAll});
			const ids = new Set(fresh.map((r) => r.id));
			for (const id of [...records.keys()]) if (!ids.has(id)) drop(id);
			for (const record of fresh) upsert(record);
		} else {
			const summaries = await listContainers(options.docker, {project: options.project, isAll: options.isAll});
			const ids = new Set(summaries.map((s) => s.id));
			for (const id of [...records.keys()]) if (!ids.has(id)) drop(id);
			for (const summary of summaries) {
				const known = records.get(summary.id);
				if (known && known.state === summary.state && known.health === 'none') continue;
				const record = await inspectContainer(options.docker, summary.id);
				if (record) upsert(record);
				else drop(summary.id);
			}
		}

		// A re-list that found nothing new is no change: nothing on screen needs redrawing.
		if (isFull || JSON.stringify([...records.values()]) !== before) changed();
	};

	const sampleOnce = async (signal: AbortSignal): Promise<void> => {
		const targets = [...records.values()].filter((r) => r.state === 'running' && r.pid > 0).map((r) => ({id: r.id, pid: r.pid}));
		// Nothing running: no reading, no change, no frame.
		if (targets.length === 0) return;
		const readings = await sampler.sample(targets, signal);
		// Paused meanwhile: a reading taken before the pause is no baseline for after it.
		if (signal.aborted || isPaused || readings.size === 0) return;
		for (const [id, reading] of readings) {
			if (!records.has(id)) continue;
			const previous = lastReading.get(id);
			const sample = computeSample(previous, reading);
			lastReading.set(id, reading);
			if (previous) {
				latestSample.set(id, sample);
				history.record(id, sample);
			}
		}

		changed();
	};

	const samplingLoop = async (signal: AbortSignal): Promise<void> => {
		let nextResync = now() + resyncIntervalMs;
		while (!signal.aborted) {
			const started = now();
			if (!isPaused) await sampleOnce(signal);
			if (now() >= nextResync && !signal.aborted) {
				nextResync = now() + resyncIntervalMs;
				await resync(false);
			}

			wake = new AbortController();
			const interval = isPaused ? quietIntervalMs : sampleIntervalMs;
			await sleep(Math.max(50, interval - (now() - started)), AbortSignal.any([signal, wake.signal]));
		}
	};

	const eventLoop = async (signal: AbortSignal): Promise<void> => {
		const pending = new Set<string>();
		let flushing: Promise<void> | undefined;
		const flush = async (): Promise<void> => {
			// Coalesce bursts (die + stop + ...): one inspect per container.
			await sleep(25, signal);
			const ids = [...pending];
			pending.clear();
			flushing = undefined;
			for (const id of ids) {
				if (signal.aborted) return;
				const record = await inspectContainer(options.docker, id);
				if (record) upsert(record);
				else if (records.has(id)) drop(id);
			}

			changed();
		};

		let failure: unknown;
		for await (const event of streamEngineEvents(options.docker, {signal, ...(options.isAll ? {} : {project: options.project})})) {
			if (event.action === 'destroy') {
				pending.delete(event.id);
				if (records.has(event.id)) {
					drop(event.id);
					changed();
				}

				continue;
			}

			pending.add(event.id);
			flushing ??= flush().catch((error: unknown) => {
				failure = error;
			});
			if (failure !== undefined) throw failure;
		}

		await flushing;
		if (failure !== undefined) throw failure;
	};

	const connection = async (): Promise<void> => {
		const connectionAbort = new AbortController();
		const onStop = (): void => {
			connectionAbort.abort();
		};

		stopAll.signal.addEventListener('abort', onStop, {once: true});
		try {
			await resync(true);
			engine = {state: 'ok', since: now()};
			changed();
			// Either loop failing ends the connection; the other is stopped with it.
			await Promise.race([
				eventLoop(connectionAbort.signal),
				samplingLoop(connectionAbort.signal),
			]);
		} finally {
			stopAll.signal.removeEventListener('abort', onStop);
			connectionAbort.abort();
		}
	};

	const run = async (): Promise<void> => {
		let attempt = 0;
		while (!stopAll.signal.aborted) {
			try {
				await connection();
				attempt = 0;
			} catch (error) {
				if (stopAll.signal.aborted) break;
				attempt++;
				const delay = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(attempt - 1, 8));
				const message = isEngineUnreachable(error) ? messageOf(error) : `engine error: ${messageOf(error)}`;
				engine = {state: 'unreachable', message, retryAt: now() + delay, attempt};
				// Readings from before the outage are no baseline for after it.
				lastReading.clear();
				latestSample.clear();
				changed();
				await sleep(delay, stopAll.signal);
			}
		}
	};

	return {
		setPaused(next) {
			if (next === isPaused) return;
			isPaused = next;
			// Readings from before a pause are no baseline for after it; paused, no sample is shown.
			lastReading.clear();
			latestSample.clear();
			changed();
			if (!next) wake?.abort();
		},
		start() {
			if (loop) return;
			loop = run().catch(() => {
				// run() catches everything it awaits; this guards against a bug turning into an
				// unhandled rejection.
			});
		},
		async close() {
			stopAll.abort();
			await loop;
			sampler.close();
			listeners.clear();
		},
		getSnapshot() {
			snapshot ??= {
				engine,
				samplingMode: sampler.mode,
				...(isPaused ? {isPaused} : {}),
				version,
				containers: [...records.values()].sort(compareContainers).map((record) => ({record, sample: latestSample.get(record.id)})),
			};
			return snapshot;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		getHistory(id) {
			return history.get(id);
		},
		async runAction(id, action) {
			await runContainerAction(options.docker, id, action);
			// The event stream brings the new state; re-inspect too so the pane updates even if
			// events lag.
			const record = await inspectContainer(options.docker, id).catch(() => undefined);
			if (record) {
				upsert(record);
				changed();
			}
		},
		streamLogs(id, signal) {
			return streamContainerLogs(options.docker, id, {signal});
		},
	};
}

export interface StatusOnceOptions {
	readonly docker: DockerClient;
	readonly project: string;
	readonly isAll?: boolean;
	readonly isLocal: boolean;
	/** Time between the two readings CPU% and rates come from. */
	readonly intervalMs?: number;
	readonly signal?: AbortSignal;
	readonly hostRoot?: string;
}

/**
 * One snapshot for `rqc status`: list, inspect, and two readings `intervalMs` apart. With no
 * container running there is nothing to read: no wait (a host before `rqc up` answered in half a
 * second more than it needed).
 */
export async function getContainerStatus(options: StatusOnceOptions): Promise<ContainerView[]> {
	const records = await getContainers(options.docker, {project: options.project, isAll: options.isAll});
	const targets = records.filter((r) => r.state === 'running' && r.pid > 0).map((r) => ({id: r.id, pid: r.pid}));
	if (targets.length === 0) return records.map((record) => ({record, sample: undefined}));
	const sampler = createStatsSampler({docker: options.docker, isLocal: options.isLocal, hostRoot: options.hostRoot});
	let first: Map<string, StatsReading>;
	let second: Map<string, StatsReading>;
	try {
		first = await sampler.sample(targets, options.signal);
		await sleep(options.intervalMs ?? 500, options.signal ?? new AbortController().signal);
		second = await sampler.sample(targets, options.signal);
	} finally {
		sampler.close();
	}

	return records.map((record) => {
		const reading = second.get(record.id);
		return {record, sample: reading ? computeSample(first.get(record.id), reading) : undefined};
	});
}
