/**
 * The calibration workloads (native/rqc-work.c): rqc's own static program, built from source at
 * first use like the measuring helper and bind-mounted into the container beside it, so both
 * sides run the same bytes and no workload depends on the image's userland (an image without a
 * shell works). Each workload is one dimension of the container's overhead.
 */
import path from 'node:path';
import {getPackageRoot} from '../config.js';
import {UserError} from '../errors.js';
import {ensureNativeProgram, isExecutable} from './native-build.js';
import type {Suite, SuiteCase} from './suite.js';

/** Where the workload binary is mounted in the container. */
export const CONTAINER_WORK = '/rqc/bin/rqc-work';

/** The workloads, in the order they are measured, with what each one stresses. */
export const WORKLOADS: ReadonlyArray<{readonly name: string; readonly description: string}> = [
	{name: 'cpu-int', description: 'integer ALU (xorshift, multiply-add)'},
	{name: 'cpu-float', description: 'floating point (dependent multiply-add and division)'},
	{name: 'memory-bandwidth', description: 'streaming writes and reads over 64 MiB'},
	{name: 'page-faults', description: 'anonymous 32 MiB maps touched page by page'},
	{name: 'syscalls', description: 'getppid and one-byte pipe write/read'},
	{name: 'spawn', description: 'fork + exec of itself and wait'},
	{name: 'file-io', description: 'twice: write 48 MiB in 64 KiB blocks, fsync, read back, remove, in the scratch directory'},
];

/** The C source of the workloads. */
export function getWorkSourcePath(packageRoot = getPackageRoot()): string {
	return path.join(packageRoot, 'source', 'bench', 'native', 'rqc-work.c');
}

/**
 * Builds (once per source version) a static binary from one of rqc's C sources into
 * `<dataDir>/bin/<name>-<hash>`; returns its path. Static only: the same file must run in any
 * container image.
 */
export async function ensureStaticProgram(sourcePath: string, name: string, dataDir: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
	return (await ensureNativeProgram({name, sourcePath, dataDir, env, otherwise: `set RQC_WORK_BINARY to a built ${name}`})).path;
}

/** The workload binary, built when missing; RQC_WORK_BINARY overrides (a prebuilt static rqc-work). */
export async function ensureWorkBinary(dataDir: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
	const override = env.RQC_WORK_BINARY;
	if (override) {
		if (!(await isExecutable(override))) throw new UserError(`RQC_WORK_BINARY=${override} is not an executable file`, 'unset it to let rqc build its workloads, or point it at a built rqc-work');
		return override;
	}

	return ensureStaticProgram(getWorkSourcePath(), 'rqc-work', dataDir, env);
}

/**
 * The workloads as a suite whose commands start with `binary` (the host path); the docker side
 * swaps it for CONTAINER_WORK with toContainerArgv.
 */
export function getWorkloadSuite(binary: string, options: {iterations?: number; warmup?: number; only?: readonly string[]} = {}): Suite {
	const chosen = options.only === undefined ? WORKLOADS : WORKLOADS.filter((w) => options.only!.includes(w.name));
	const cases: SuiteCase[] = chosen.map((w) => ({
		name: w.name,
		argv: [binary, w.name],
		display: `rqc-work ${w.name}`,
		iterations: options.iterations ?? 3,
		warmup: options.warmup ?? 1,
		timeoutMs: 60_000,
		env: {},
		cwd: undefined,
		setup: undefined,
		teardown: undefined,
		isExitCodeIgnored: false,
	}));
	return {name: 'rqc-workloads', description: 'rqc\'s own calibration workloads', file: '<inline>', setup: undefined, teardown: undefined, cases};
}

/** The workload names of a --workloads list, or a UserError naming the unknown ones and the known. */
export function verifyWorkloadNames(text: string): string[] {
	const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
	const known = WORKLOADS.map((w) => w.name);
	const unknown = names.filter((n) => !known.includes(n));
	if (names.length === 0 || unknown.length > 0) {
		throw new UserError(`--workloads ${text}: ${names.length === 0 ? 'names no workload' : `unknown workload(s) ${unknown.join(', ')}`}`, `choose from ${known.join(', ')}`);
	}

	return names;
}

/** A workload command as the container sees it (the binary at its mount point). */
export function toContainerArgv(argv: readonly string[], binary: string): readonly string[] {
	return argv[0] === binary ? [CONTAINER_WORK, ...argv.slice(1)] : argv;
}
