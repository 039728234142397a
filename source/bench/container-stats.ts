/**
 * Docker stats JSON → ContainerSample for the samples stored with a run. Pure. The CPU% and
 * memory figures come from docker/convert.ts, the one copy of the docker CLI's definitions, so
 * a run's samples and `rqc status` show the same numbers for the same container.
 */
import {computeBlockIo, computeCpuPercentOfStats, computeMemoryUsage, computeNetworkIo, type EngineStatsJson} from '../docker/convert.js';
import type {ContainerSample} from '../store/records.js';

/** One stats object as a ContainerSample. Pure. */
export function toContainerSample(stats: EngineStatsJson, container: {id: string; name: string; runId?: number}, now: Date): ContainerSample {
	const network = computeNetworkIo(stats);
	const block = computeBlockIo(stats);
	const readAt = stats.read ? new Date(stats.read) : undefined;
	return {
		time: readAt && readAt.getTime() > 0 ? readAt : now,
		...(container.runId === undefined ? {} : {runId: container.runId}),
		containerId: container.id,
		name: container.name,
		cpuPercent: computeCpuPercentOfStats(stats),
		memoryBytes: computeMemoryUsage(stats.memory_stats ?? {}),
		...(stats.memory_stats?.limit === undefined ? {} : {memoryLimitBytes: stats.memory_stats.limit}),
		netRxBytes: network.rx,
		netTxBytes: network.tx,
		blockReadBytes: block.read,
		blockWriteBytes: block.write,
		...(stats.pids_stats?.current === undefined ? {} : {pids: stats.pids_stats.current}),
	};
}
