/**
 * The execution environment stored with every run: what the host is, and a stable fingerprint
 * so "same host" can be checked later. Readers take their sources as parameters.
 */
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import os from 'node:os';
import type {ExecutionEnvironment} from '../store/records.js';

export interface HostFacts {
	readonly hostname: string;
	readonly cpuModel: string;
	readonly cores: number;
	readonly memoryBytes: number;
	readonly kernel: string;
	readonly governor: string | undefined;
	readonly loadAvg: readonly number[];
	readonly nodeVersion: string;
}

/**
 * A stable hash of CPU model, core count, memory (rounded to GiB, since the kernel's figure
 * moves a little between boots) and kernel release. Pure.
 */
export function computeHostFingerprint(facts: Pick<HostFacts, 'cpuModel' | 'cores' | 'memoryBytes' | 'kernel'>): string {
	const memoryGiB = Math.round(facts.memoryBytes / (1024 ** 3));
	const key = [facts.cpuModel.trim().replace(/\s+/g, ' '), facts.cores, memoryGiB, facts.kernel].join('|');
	return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Reads the host's facts now. */
export async function readHostFacts(): Promise<HostFacts> {
	let governor: string | undefined;
	try {
		governor = (await readFile('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor', 'utf8')).trim() || undefined;
	} catch {
		// No cpufreq (virtual machines, containers): left out.
	}

	const cpus = os.cpus();
	return {
		hostname: os.hostname(),
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memoryBytes: os.totalmem(),
		kernel: os.release(),
		governor,
		loadAvg: os.loadavg().map((value) => Math.round(value * 100) / 100),
		nodeVersion: process.version,
	};
}

/** The host part of an ExecutionEnvironment. Pure. */
export function toEnvironment(facts: HostFacts, extra: Partial<ExecutionEnvironment> & {runtime: ExecutionEnvironment['runtime']}): ExecutionEnvironment {
	return {
		...extra,
		hostFingerprint: computeHostFingerprint(facts),
		host: {
			hostname: facts.hostname,
			cpuModel: facts.cpuModel,
			cores: facts.cores,
			memoryBytes: facts.memoryBytes,
			kernel: facts.kernel,
			...(facts.governor === undefined ? {} : {governor: facts.governor}),
			loadAvgStart: facts.loadAvg,
			nodeVersion: facts.nodeVersion,
		},
	};
}
