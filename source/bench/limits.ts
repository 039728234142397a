/**
 * The fixed resources of a docker-mode run: flag parsing and defaults. Pure.
 */
import type {ResourceLimits} from '../store/records.js';

/** "512m", "8g", "1.5GiB", "1048576" → bytes; undefined when unreadable. Pure. */
export function parseByteSize(value: string | number): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(value);
	if (!match) return undefined;
	const power = {'': 0, k: 1, m: 2, g: 3, t: 4}[match[2]!.toLowerCase()] ?? 0;
	const bytes = Math.round(Number(match[1]) * (1024 ** power));
	return bytes > 0 ? bytes : undefined;
}

export interface LimitInputs {
	readonly cpus?: number | undefined;
	readonly memory?: string | undefined;
	readonly cpuShares?: number | undefined;
	readonly pidsLimit?: number | undefined;
	readonly nofile?: number | undefined;
}

const GiB = 1024 ** 3;

/**
 * The limits of a run: what was asked, else the design's runner (4 CPUs, 8 GiB, nofile 65536)
 * capped to the host (all its cores, half its memory, its hard nofile limit). Swap is always equal to memory: no swapping. Returns
 * the problems with the inputs instead when there are any. Pure.
 */
export function resolveLimits(inputs: LimitInputs, host: {cores: number; memoryBytes: number; nofileHardLimit?: number | undefined}): {limits: Required<Omit<ResourceLimits, 'network'>> & {network: string}; problems: string[]} {
	const problems: string[] = [];
	const cpus = inputs.cpus ?? Math.min(4, host.cores);
	if (!(cpus > 0) || cpus > host.cores) problems.push(`--cpus ${inputs.cpus}: must be more than 0 and at most the host's ${host.cores} cores`);
	let memoryBytes = Math.min(8 * GiB, Math.floor(host.memoryBytes / 2));
	if (inputs.memory !== undefined) {
		const parsed = parseByteSize(inputs.memory);
		if (parsed === undefined || parsed < 6 * 1024 * 1024) problems.push(`--memory ${inputs.memory}: must be a size of at least 6m, like 512m or 4g`);
		// Capped at the host as --cpus is (issue 11, point 12): a limit above it limits nothing.
		else if (parsed > host.memoryBytes) problems.push(`--memory ${inputs.memory}: must be at most the host's ${Math.floor(host.memoryBytes / 1024 / 1024)}m of memory`);
		else memoryBytes = parsed;
	}

	const cpuShares = inputs.cpuShares ?? 1024;
	if (!Number.isInteger(cpuShares) || cpuShares < 2) problems.push(`--cpu-shares ${inputs.cpuShares}: must be an integer of at least 2`);
	const pidsLimit = inputs.pidsLimit ?? 4096;
	if (!Number.isInteger(pidsLimit) || pidsLimit < 1) problems.push(`--pids-limit ${inputs.pidsLimit}: must be a positive integer`);
	// The engine cannot raise nofile above its own hard limit (often lower than 65536).
	const nofile = inputs.nofile ?? Math.min(65_536, host.nofileHardLimit ?? 65_536);
	if (!Number.isInteger(nofile) || nofile < 16) problems.push(`--nofile ${inputs.nofile}: must be an integer of at least 16`);
	return {limits: {cpus, memoryBytes, memorySwapBytes: memoryBytes, cpuShares, pidsLimit, nofile, network: 'host'}, problems};
}

/** The hard "Max open files" limit of a /proc/<pid>/limits text; undefined if absent. Pure. */
export function parseNofileHardLimit(limitsText: string): number | undefined {
	const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
	if (!match) return undefined;
	const hard = Number(match[2]);
	return Number.isInteger(hard) && hard > 0 ? hard : undefined;
}
