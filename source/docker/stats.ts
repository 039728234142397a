/**
 * Resource sampling. Local engine: read each container's cgroup counters directly (a few small
 * file reads, no work for dockerd, containerd or the shims). Remote engine, or a container whose
 * cgroup is not visible: the Engine API's one-shot stats. Either way the result is a
 * StatsReading of cumulative counters; rates come from two readings (convert.ts).
 */
import type {DockerClient} from './client.js';
import {isNotFound, toDockerError} from './containers.js';
import {readingFromEngineStats, type EngineStatsJson, type StatsReading} from './convert.js';
import {CounterFiles, readCgroupReading, readHostCpu, resolveCgroupPaths, type CgroupPaths} from './cgroup.js';

export type SamplingMode = 'cgroup' | 'engine';

export interface SampleTarget {
	readonly id: string;
	/** Host pid of the container's main process (for /proc/<pid>/net/dev), 0 if unknown. */
	readonly pid: number;
}

export interface StatsSampler {
	/** 'cgroup' when local cgroup reading is in use (some containers may still use the API). */
	readonly mode: SamplingMode;
	/** One reading per target that could be read; vanished containers are left out. */
	sample(targets: readonly SampleTarget[], signal?: AbortSignal): Promise<Map<string, StatsReading>>;
	/** Forget cached paths of a container (it restarted or vanished), closing its open files. */
	forget(id: string): void;
	/** Closes the counter files kept open between readings. */
	close(): void;
}

export interface SamplerOptions {
	readonly docker: DockerClient;
	/** Use the cgroup path (true for a local engine). */
	readonly isLocal: boolean;
	/** Where / is (tests point this at a recorded tree). */
	readonly hostRoot?: string;
	readonly now?: () => number;
	/** At most this many Engine API stats calls at once. */
	readonly concurrency?: number;
}

/** Reads one container's stats through the Engine API (one-shot: no second, 1 s wait). */
export async function getEngineStats(docker: DockerClient, id: string, signal?: AbortSignal): Promise<EngineStatsJson | undefined> {
	try {
		const stats = await docker.getContainer(id).stats({stream: false, 'one-shot': true, ...(signal ? {abortSignal: signal} : {})} as {stream: false});
		return stats as unknown as EngineStatsJson;
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw toDockerError(error, `docker stats ${id.slice(0, 12)}`);
	}
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array<R>(items.length);
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const index = next++;
			out[index] = await fn(items[index]!);
		}
	};

	await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => worker()));
	return out;
}

/** Creates a sampler: cgroup files when local, else the Engine API. */
export function createStatsSampler(options: SamplerOptions): StatsSampler {
	const now = options.now ?? Date.now;
	const hostRoot = options.hostRoot ?? '/';
	const paths = new Map<string, {pid: number; paths: CgroupPaths | undefined}>();
	const files = new CounterFiles();
	const concurrency = options.concurrency ?? 6;
	// Online CPUs and the host's memory change (almost) never: re-read them once a minute.
	let hostStatic: {onlineCpus: number; memoryBytes: number; readAt: number} | undefined;

	const viaEngine = async (target: SampleTarget, signal?: AbortSignal): Promise<StatsReading | undefined> => {
		const stats = await getEngineStats(options.docker, target.id, signal);
		if (!stats || !stats.cpu_stats?.system_cpu_usage) return undefined;
		return readingFromEngineStats(stats, now());
	};

	const viaCgroup = async (target: SampleTarget, host: Awaited<ReturnType<typeof readHostCpu>>, at: number): Promise<StatsReading | undefined | 'fallback'> => {
		let cached = paths.get(target.id);
		if (!cached || cached.pid !== target.pid) {
			files.forget(target.id);
			cached = {pid: target.pid, paths: await resolveCgroupPaths(target.id, target.pid, hostRoot)};
			paths.set(target.id, cached);
		}

		if (!cached.paths) return 'fallback';
		try {
			return await readCgroupReading(cached.paths, target.pid, host, at, hostRoot, (file) => files.read(file, target.id));
		} catch {
			// The cgroup vanished (stopped or removed): forget it; the next round re-resolves.
			paths.delete(target.id);
			files.forget(target.id);
			return undefined;
		}
	};

	return {
		mode: options.isLocal ? 'cgroup' : 'engine',
		forget(id) {
			paths.delete(id);
			files.forget(id);
		},
		close() {
			files.close();
		},
		async sample(targets, signal) {
			const out = new Map<string, StatsReading>();
			if (targets.length === 0) return out;
			let fallback: SampleTarget[] = [...targets];
			if (options.isLocal) {
				fallback = [];
				let host: Awaited<ReturnType<typeof readHostCpu>> | undefined;
				try {
					const fresh = hostStatic && now() - hostStatic.readAt < 60_000 ? hostStatic : undefined;
					host = await readHostCpu(hostRoot, fresh);
					if (!fresh) hostStatic = {onlineCpus: host.onlineCpus, memoryBytes: host.memoryBytes, readAt: now()};
				} catch {
					host = undefined;
				}

				if (host) {
					const at = now();
					const results = await Promise.all(targets.map(async (t) => viaCgroup(t, host, at)));
					results.forEach((result, i) => {
						const target = targets[i]!;
						if (result === 'fallback') fallback.push(target);
						else if (result) out.set(target.id, result);
					});
				} else {
					fallback = [...targets];
				}
			}

			if (fallback.length > 0) {
				const results = await mapLimited(fallback, concurrency, async (t) => viaEngine(t, signal));
				results.forEach((result, i) => {
					if (result) out.set(fallback[i]!.id, result);
				});
			}

			return out;
		},
	};
}
