/**
 * Raw container statistics to plain records. PURE: readings in, numbers out; no I/O, no clock.
 *
 * Two kinds of input arrive here: the Engine API's stats JSON (remote engines, fixtures) and
 * cumulative counters read straight from the container's cgroup (local engines). Both become a
 * `StatsReading` (cumulative counters at one instant); two readings make a `ResourceSample`.
 * The CPU% and memory maths follow the docker CLI (cli/command/container/stats_helpers.go) so the
 * numbers match what `docker stats` prints: 100% is one core.
 */

/** The parts of the Engine API's `GET /containers/{id}/stats` JSON that rqc reads. */
export interface EngineStatsJson {
	readonly read?: string;
	readonly preread?: string;
	readonly pids_stats?: {readonly current?: number; readonly limit?: number};
	readonly blkio_stats?: {
		readonly io_service_bytes_recursive?: ReadonlyArray<{readonly major?: number; readonly minor?: number; readonly op: string; readonly value: number}> | null;
	};
	readonly cpu_stats?: EngineCpuStats;
	readonly precpu_stats?: EngineCpuStats;
	readonly memory_stats?: EngineMemoryStats;
	readonly networks?: Readonly<Record<string, {readonly rx_bytes: number; readonly tx_bytes: number}>>;
	readonly name?: string;
	readonly id?: string;
}

export interface EngineCpuStats {
	readonly cpu_usage?: {readonly total_usage?: number; readonly percpu_usage?: readonly number[] | null};
	readonly system_cpu_usage?: number;
	readonly online_cpus?: number;
}

export interface EngineMemoryStats {
	readonly usage?: number;
	readonly limit?: number;
	readonly stats?: Readonly<Record<string, number>>;
}

/** Cumulative counters of one container at one instant. */
export interface StatsReading {
	/** When the counters were read (ms since the epoch). */
	readonly at: number;
	/** CPU time the container has used, ns (cgroup v1 cpuacct.usage; v2 cpu.stat usage_usec × 1000). */
	readonly cpuTotalNs: number;
	/** CPU time the whole host has used, ns, the way the engine counts it (/proc/stat). */
	readonly systemCpuNs: number;
	/** Online CPUs of the host (the multiplier that makes 100% one core). */
	readonly onlineCpus: number;
	/** Memory used, page cache included (v1 memory.usage_in_bytes, v2 memory.current). */
	readonly memoryUsageBytes: number;
	/** Inactive file cache to subtract: v1 total_inactive_file, v2 inactive_file. */
	readonly memoryInactiveFileBytes: number;
	/** Memory limit, bytes (the host's memory when the container has none). */
	readonly memoryLimitBytes: number;
	readonly netRxBytes: number;
	readonly netTxBytes: number;
	readonly blockReadBytes: number;
	readonly blockWriteBytes: number;
	readonly pids: number;
}

/** One point of a container's resource history: rates between two readings. */
export interface ResourceSample {
	readonly at: number;
	/** CPU use in percent of ONE core (200% = two cores busy), as `docker stats`. */
	readonly cpuPercent: number;
	/** Memory used without inactive file cache, bytes. */
	readonly memoryBytes: number;
	readonly memoryLimitBytes: number;
	/** memoryBytes / memoryLimitBytes × 100 (0 when there is no limit). */
	readonly memoryPercent: number;
	/** Bytes per second. */
	readonly netRxRate: number;
	readonly netTxRate: number;
	readonly blockReadRate: number;
	readonly blockWriteRate: number;
	/** Cumulative totals, as `docker stats` shows them. */
	readonly netRxBytes: number;
	readonly netTxBytes: number;
	readonly blockReadBytes: number;
	readonly blockWriteBytes: number;
	readonly pids: number;
}

/**
 * CPU% exactly as the docker CLI computes it (cli/command/container/stats_helpers.go,
 * calculateCPUPercentUnix): container CPU delta / system CPU delta × online CPUs × 100. Zero when
 * either delta is not positive (first reading, counter reset). The one copy in rqc: `rqc status`,
 * the TUI and the container samples stored with a benchmark run all use it.
 */
export function computeCpuPercent(
	previous: {readonly cpuTotalNs: number; readonly systemCpuNs: number},
	current: {readonly cpuTotalNs: number; readonly systemCpuNs: number; readonly onlineCpus: number},
): number {
	const cpuDelta = current.cpuTotalNs - previous.cpuTotalNs;
	const systemDelta = current.systemCpuNs - previous.systemCpuNs;
	if (systemDelta > 0 && cpuDelta > 0) return (cpuDelta / systemDelta) * current.onlineCpus * 100;
	return 0;
}

/**
 * Memory used without the inactive file cache, as the docker CLI computes it
 * (calculateMemUsageUnixNoCache): cgroup v1 reports `total_inactive_file`, v2 `inactive_file`;
 * subtracted only when smaller than the usage. The one copy in rqc (see computeCpuPercent).
 */
export function computeMemoryUsage(memory: EngineMemoryStats): number {
	const usage = memory.usage ?? 0;
	const stats = memory.stats ?? {};
	const v1 = stats.total_inactive_file;
	if (v1 !== undefined && v1 < usage) return usage - v1;
	const v2 = stats.inactive_file;
	if (v2 !== undefined && v2 < usage) return usage - v2;
	return usage;
}

/** The memory used out of a cgroup reading (the same rule as computeMemoryUsage). */
export function computeReadingMemory(reading: Pick<StatsReading, 'memoryUsageBytes' | 'memoryInactiveFileBytes'>): number {
	const {memoryUsageBytes: usage, memoryInactiveFileBytes: inactive} = reading;
	return inactive < usage ? usage - inactive : usage;
}

/**
 * Online CPUs of a stats JSON: online_cpus, else the per-CPU array's length (old engines, v1) as
 * the docker CLI does, else 1 (the docker CLI would multiply by 0 and show a busy container at 0%).
 */
export function getOnlineCpus(cpu: EngineCpuStats | undefined): number {
	if (cpu?.online_cpus) return cpu.online_cpus;
	const perCpu = cpu?.cpu_usage?.percpu_usage?.length ?? 0;
	return perCpu > 0 ? perCpu : 1;
}

/** Block I/O totals: op names starting with r/R are reads, w/W writes (v1 "Read", v2 "read"). */
export function computeBlockIo(stats: EngineStatsJson): {read: number; write: number} {
	let read = 0;
	let write = 0;
	for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
		const op = entry.op[0];
		if (op === 'r' || op === 'R') read += entry.value;
		else if (op === 'w' || op === 'W') write += entry.value;
	}

	return {read, write};
}

/** Network totals over every interface the engine reports. */
export function computeNetworkIo(stats: EngineStatsJson): {rx: number; tx: number} {
	let rx = 0;
	let tx = 0;
	for (const network of Object.values(stats.networks ?? {})) {
		rx += network.rx_bytes;
		tx += network.tx_bytes;
	}

	return {rx, tx};
}

/**
 * CPU% of one stats JSON from its own cpu_stats and precpu_stats, as `docker stats` shows it
 * (the engine fills precpu_stats with the previous reading in a stream or a non-one-shot read).
 * Without a previous system reading (the first frame of a stream, a one-shot read) it is 0, as
 * for the first cgroup reading: a lifetime average is not the current use.
 */
export function computeCpuPercentOfStats(stats: EngineStatsJson): number {
	const previousSystem = stats.precpu_stats?.system_cpu_usage;
	if (!previousSystem) return 0;
	return computeCpuPercent(
		{cpuTotalNs: stats.precpu_stats?.cpu_usage?.total_usage ?? 0, systemCpuNs: previousSystem},
		{
			cpuTotalNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
			systemCpuNs: stats.cpu_stats?.system_cpu_usage ?? 0,
			onlineCpus: getOnlineCpus(stats.cpu_stats),
		},
	);
}

/** Turns an Engine API stats JSON into a reading; `fallbackAt` is used when `read` is missing. */
export function readingFromEngineStats(stats: EngineStatsJson, fallbackAt: number): StatsReading {
	const parsed = stats.read ? Date.parse(stats.read) : Number.NaN;
	const memory = stats.memory_stats ?? {};
	const usage = memory.usage ?? 0;
	const block = computeBlockIo(stats);
	const network = computeNetworkIo(stats);
	return {
		// The zero time "0001-01-01T00:00:00Z" parses to a negative number: not a real reading time.
		at: Number.isFinite(parsed) && parsed > 0 ? parsed : fallbackAt,
		cpuTotalNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
		systemCpuNs: stats.cpu_stats?.system_cpu_usage ?? 0,
		onlineCpus: getOnlineCpus(stats.cpu_stats),
		memoryUsageBytes: usage,
		// What computeMemoryUsage would subtract, so computeReadingMemory gives the same figure.
		memoryInactiveFileBytes: usage - computeMemoryUsage(memory),
		memoryLimitBytes: memory.limit ?? 0,
		netRxBytes: network.rx,
		netTxBytes: network.tx,
		blockReadBytes: block.read,
		blockWriteBytes: block.write,
		pids: stats.pids_stats?.current ?? 0,
	};
}

/** A per-second rate of a cumulative counter; 0 on the first reading or a counter reset. */
export function computeRate(previous: number | undefined, current: number, seconds: number): number {
	if (previous === undefined || seconds <= 0 || current < previous) return 0;
	return (current - previous) / seconds;
}

/**
 * One history point from two readings of the same container (the previous one may be missing:
 * then CPU% and the rates are 0 and only the levels are known).
 */
export function computeSample(previous: StatsReading | undefined, current: StatsReading): ResourceSample {
	const seconds = previous ? (current.at - previous.at) / 1000 : 0;
	const memoryBytes = computeReadingMemory(current);
	const limit = current.memoryLimitBytes;
	return {
		at: current.at,
		cpuPercent: previous ? computeCpuPercent(previous, current) : 0,
		memoryBytes,
		memoryLimitBytes: limit,
		memoryPercent: limit > 0 ? (memoryBytes / limit) * 100 : 0,
		netRxRate: computeRate(previous?.netRxBytes, current.netRxBytes, seconds),
		netTxRate: computeRate(previous?.netTxBytes, current.netTxBytes, seconds),
		blockReadRate: computeRate(previous?.blockReadBytes, current.blockReadBytes, seconds),
		blockWriteRate: computeRate(previous?.blockWriteBytes, current.blockWriteBytes, seconds),
		netRxBytes: current.netRxBytes,
		netTxBytes: current.netTxBytes,
		blockReadBytes: current.blockReadBytes,
		blockWriteBytes: current.blockWriteBytes,
		pids: current.pids,
	};
}

/**
 * The host's CPU time in ns from /proc/stat's first line, the way the engine computes
 * system_cpu_usage: user+nice+system+idle+iowait+irq+softirq (the first seven fields) in clock
 * ticks, × 1e9 / ticksPerSecond. Returns undefined when the text has no usable "cpu" line.
 */
export function parseProcStatSystemNs(procStat: string, ticksPerSecond = 100): number | undefined {
	const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
	if (!line) return undefined;
	const fields = line.trim().split(/\s+/).slice(1, 8).map(Number);
	if (fields.length < 7 || fields.some((n) => !Number.isFinite(n))) return undefined;
	const ticks = fields.reduce((sum, n) => sum + n, 0);
	return (ticks * 1e9) / ticksPerSecond;
}

/** `key value` lines (memory.stat, cpu.stat) into a record. */
export function parseFlatKeyed(text: string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const line of text.split('\n')) {
		const [key, value] = line.trim().split(/\s+/);
		if (key && value !== undefined) {
			const n = Number(value);
			if (Number.isFinite(n)) out[key] = n;
		}
	}

	return out;
}

/**
 * One value of a flat-keyed file ("key value" lines) without parsing the rest: memory.stat has
 * some 35 lines and the monitor needs one of them, per container, every second. Pure.
 */
export function getFlatKeyedValue(text: string, key: string): number | undefined {
	const prefix = `${key} `;
	let start = 0;
	if (!text.startsWith(prefix)) {
		const at = text.indexOf(`\n${prefix}`);
		if (at < 0) return undefined;
		start = at + 1;
	}

	const end = text.indexOf('\n', start);
	const value = Number(text.slice(start + prefix.length, end < 0 ? undefined : end).trim());
	return Number.isFinite(value) ? value : undefined;
}

/** A single-number cgroup file ("max" and empty text become undefined). */
export function parseSingleValue(text: string): number | undefined {
	const trimmed = text.trim();
	if (trimmed === '' || trimmed === 'max') return undefined;
	const n = Number(trimmed);
	return Number.isFinite(n) ? n : undefined;
}

/** cgroup v1 blkio.throttle.io_service_bytes(_recursive): "8:0 Read 4096" lines. */
export function parseBlkioV1(text: string): {read: number; write: number} {
	let read = 0;
	let write = 0;
	for (const line of text.split('\n')) {
		const [device, op, value] = line.trim().split(/\s+/);
		if (!device || !op || value === undefined || !device.includes(':')) continue;
		const n = Number(value);
		if (!Number.isFinite(n)) continue;
		if (op === 'Read') read += n;
		else if (op === 'Write') write += n;
	}

	return {read, write};
}

/** cgroup v2 io.stat: "8:0 rbytes=4096 wbytes=0 rios=1 ..." lines. */
export function parseIoStatV2(text: string): {read: number; write: number} {
	let read = 0;
	let write = 0;
	for (const line of text.split('\n')) {
		for (const pair of line.trim().split(/\s+/).slice(1)) {
			const [key, value] = pair.split('=');
			const n = Number(value);
			if (!Number.isFinite(n)) continue;
			if (key === 'rbytes') read += n;
			else if (key === 'wbytes') write += n;
		}
	}

	return {read, write};
}

/** /proc/<pid>/net/dev: rx and tx bytes summed over every interface but loopback. */
export function parseNetDev(text: string): {rx: number; tx: number} {
	let rx = 0;
	let tx = 0;
	for (const line of text.split('\n')) {
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const name = line.slice(0, colon).trim();
		if (name === 'lo' || name === '' || name.includes('|')) continue;
		const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
		// Receive: bytes packets errs drop fifo frame compressed multicast; then transmit bytes.
		if (fields.length >= 9 && Number.isFinite(fields[0]) && Number.isFinite(fields[8])) {
			rx += fields[0]!;
			tx += fields[8]!;
		}
	}

	return {rx, tx};
}
