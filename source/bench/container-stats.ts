/**
 * Docker stats JSON → ContainerSample, as the docker CLI computes it. Pure.
 */
import type {ContainerSample} from '../store/records.js';

interface CpuStats {
	readonly cpu_usage?: {readonly total_usage?: number; readonly percpu_usage?: readonly number[]};
	readonly system_cpu_usage?: number;
	readonly online_cpus?: number;
}

/** The subset of the Engine API's stats object that rqc reads. */
export interface DockerStatsJson {
	readonly read?: string;
	readonly cpu_stats?: CpuStats;
	readonly precpu_stats?: CpuStats;
	readonly memory_stats?: {
		readonly usage?: number;
		readonly limit?: number;
		readonly stats?: Readonly<Record<string, number | undefined>>;
	};
	readonly networks?: Readonly<Record<string, {readonly rx_bytes?: number; readonly tx_bytes?: number}>>;
	readonly blkio_stats?: {readonly io_service_bytes_recursive?: ReadonlyArray<{readonly op?: string; readonly value?: number}> | null};
	readonly pids_stats?: {readonly current?: number};
}

/** CPU% over the interval between precpu_stats and cpu_stats (100% = one core). Pure. */
export function computeCpuPercent(stats: DockerStatsJson): number {
	const total = stats.cpu_stats?.cpu_usage?.total_usage;
	const previousTotal = stats.precpu_stats?.cpu_usage?.total_usage;
	const system = stats.cpu_stats?.system_cpu_usage;
	const previousSystem = stats.precpu_stats?.system_cpu_usage;
	if (total === undefined || previousTotal === undefined || system === undefined || previousSystem === undefined) return 0;
	const cpuDelta = total - previousTotal;
	const systemDelta = system - previousSystem;
	if (cpuDelta <= 0 || systemDelta <= 0) return 0;
	const cpus = stats.cpu_stats?.online_cpus ?? stats.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
	return (cpuDelta / systemDelta) * cpus * 100;
}

/** Memory in use without the page cache, as `docker stats` shows it (v1 and v2 keys). Pure. */
export function computeMemoryBytes(stats: DockerStatsJson): number {
	const usage = stats.memory_stats?.usage ?? 0;
	const detail = stats.memory_stats?.stats ?? {};
	const cache = detail.total_inactive_file ?? detail.inactive_file ?? detail.cache ?? 0;
	return Math.max(0, usage - (cache < usage ? cache : 0));
}

/** One stats object as a ContainerSample. Pure. */
export function toContainerSample(stats: DockerStatsJson, container: {id: string; name: string; runId?: number}, now: Date): ContainerSample {
	let rx = 0;
	let tx = 0;
	for (const network of Object.values(stats.networks ?? {})) {
		rx += network.rx_bytes ?? 0;
		tx += network.tx_bytes ?? 0;
	}

	let read = 0;
	let write = 0;
	for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
		const op = entry.op?.toLowerCase();
		if (op === 'read') read += entry.value ?? 0;
		if (op === 'write') write += entry.value ?? 0;
	}

	const readAt = stats.read ? new Date(stats.read) : undefined;
	return {
		time: readAt && readAt.getTime() > 0 ? readAt : now,
		...(container.runId === undefined ? {} : {runId: container.runId}),
		containerId: container.id,
		name: container.name,
		cpuPercent: computeCpuPercent(stats),
		memoryBytes: computeMemoryBytes(stats),
		...(stats.memory_stats?.limit === undefined ? {} : {memoryLimitBytes: stats.memory_stats.limit}),
		netRxBytes: rx,
		netTxBytes: tx,
		blockReadBytes: read,
		blockWriteBytes: write,
		...(stats.pids_stats?.current === undefined ? {} : {pids: stats.pids_stats.current}),
	};
}
