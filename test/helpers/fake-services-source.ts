/** A ServicesSource a test drives by hand: snapshots, histories, action calls and log lines. */
import type {ContainerAction, ContainerRecord} from '../../source/docker/containers.js';
import type {ResourceSample} from '../../source/docker/convert.js';
import type {ContainerView, EngineStatus, MonitorSnapshot, ServicesSource} from '../../source/docker/monitor.js';

export function makeRecord(overrides: Partial<ContainerRecord> & {id: string}): ContainerRecord {
	return {
		name: `rqc-${overrides.id}-1`,
		service: overrides.id,
		project: 'rqc',
		image: 'rqc-busybox:test',
		state: 'running',
		health: 'none',
		healthOutput: undefined,
		healthExitCode: undefined,
		healthFailingStreak: 0,
		restartCount: 0,
		startedAt: 1_000_000,
		finishedAt: undefined,
		exitCode: undefined,
		oomKilled: false,
		pid: 100,
		cpuLimit: undefined,
		memoryLimitBytes: undefined,
		ports: [],
		...overrides,
	};
}

export function makeSample(overrides: Partial<ResourceSample> = {}): ResourceSample {
	return {
		at: 1_060_000,
		cpuPercent: 12.5,
		memoryBytes: 64 * 1024 * 1024,
		memoryLimitBytes: 256 * 1024 * 1024,
		memoryPercent: 25,
		netRxRate: 2048,
		netTxRate: 1024,
		blockReadRate: 0,
		blockWriteRate: 4096,
		netRxBytes: 10_000,
		netTxBytes: 5000,
		blockReadBytes: 0,
		blockWriteBytes: 40_960,
		pids: 3,
		...overrides,
	};
}

export class FakeServicesSource implements ServicesSource {
	readonly actions: Array<{id: string; action: ContainerAction}> = [];
	readonly logStreams: string[] = [];
	logLines: string[] = ['first log line', 'second log line'];
	actionError: Error | undefined;
	histories = new Map<string, ResourceSample[]>();
	/** How often start() was called (the Services pane starts its source). */
	starts = 0;
	private snapshot: MonitorSnapshot;
	private readonly listeners = new Set<() => void>();

	constructor(containers: readonly ContainerView[] = [], engine: EngineStatus = {state: 'ok', since: 0}) {
		this.snapshot = {engine, containers, samplingMode: 'cgroup', version: 0};
	}

	setSnapshot(patch: Partial<Omit<MonitorSnapshot, 'version'>>): void {
		this.snapshot = {...this.snapshot, ...patch, version: this.snapshot.version + 1};
		for (const listener of this.listeners) listener();
	}

	start(): void {
		this.starts++;
	}

	getSnapshot(): MonitorSnapshot {
		return this.snapshot;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}

	getHistory(id: string): readonly ResourceSample[] {
		return this.histories.get(id) ?? [];
	}

	async runAction(id: string, action: ContainerAction): Promise<void> {
		this.actions.push({id, action});
		if (this.actionError) throw this.actionError;
	}

	async *streamLogs(id: string, signal: AbortSignal): AsyncGenerator<string> {
		this.logStreams.push(id);
		for (const line of this.logLines) yield line;
		await new Promise<void>((resolve) => {
			if (signal.aborted) resolve();
			signal.addEventListener('abort', () => {
				resolve();
			}, {once: true});
		});
	}
}
