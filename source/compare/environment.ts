/**
 * Where each side of a comparison ran, whether the two sides need an overhead adjustment, the
 * calibration that matches, and the warnings to show. Pure: records in, values out.
 */
import type {Calibration, ExecutionEnvironment, ListedEnvironment, Run} from '../store/records.js';
import {formatBytes} from '../text/text.js';

export type Metric = 'wall' | 'cpu' | 'rss';

/** What matters about where a side ran. */
export interface SideEnvironment {
	readonly runtime: 'docker' | 'bare_metal';
	readonly cpus: number | undefined;
	readonly memoryBytes: number | undefined;
	readonly image: string | undefined;
	readonly engineVersion: string | undefined;
	readonly hostFingerprint: string | undefined;
	readonly hostname: string | undefined;
}

/**
 * Where a run ran, from its recorded environment or the part of it a listing reads
 * (ListedEnvironment: what it lacks is undefined). A missing runtime (some imports) is the mode's.
 */
export function toSideEnvironment(environment: ListedEnvironment & Partial<Pick<ExecutionEnvironment, 'engineVersion' | 'hostFingerprint' | 'host'>>, mode: Run['mode']): SideEnvironment {
	const runtime = environment.runtime ?? mode;
	const limits: NonNullable<ListedEnvironment['limits']> = environment.limits ?? {};
	return {
		runtime,
		cpus: runtime === 'docker' ? limits.cpus : undefined,
		memoryBytes: runtime === 'docker' ? limits.memoryBytes : undefined,
		image: runtime === 'docker' ? environment.image : undefined,
		engineVersion: runtime === 'docker' ? environment.engineVersion : undefined,
		hostFingerprint: environment.hostFingerprint,
		hostname: environment.host?.hostname,
	};
}

/** A key that is equal for runs measured under the same runtime, limits and image. */
export function getEnvironmentKey(environment: SideEnvironment): string {
	return environment.runtime === 'bare_metal'
		? 'bare_metal'
		: `docker|cpus=${environment.cpus ?? '-'}|mem=${environment.memoryBytes ?? '-'}|image=${environment.image ?? '-'}`;
}

/** A short label: "bare metal" or "docker 2 cpus 1g rqc-busybox:test". */
export function describeEnvironment(environment: SideEnvironment): string {
	if (environment.runtime === 'bare_metal') return 'bare metal';
	const parts = ['docker'];
	if (environment.cpus !== undefined) parts.push(`${environment.cpus} cpus`);
	if (environment.memoryBytes !== undefined) parts.push(formatBytes(environment.memoryBytes, 'flag'));
	if (environment.image) parts.push(environment.image);
	return parts.join(' ');
}

/** The two sides ran under different runtimes or limits, so raw numbers are not comparable. */
export function needsAdjustment(base: SideEnvironment, candidate: SideEnvironment): boolean {
	return getEnvironmentKey(base) !== getEnvironmentKey(candidate);
}

/** The `rqc calibrate ...` command that would produce a calibration for a docker environment. */
export function getCalibrateCommand(environment: SideEnvironment): string {
	const parts = ['rqc calibrate'];
	if (environment.cpus !== undefined) parts.push(`--cpus ${environment.cpus}`);
	if (environment.memoryBytes !== undefined) parts.push(`--memory ${formatBytes(environment.memoryBytes, 'flag')}`);
	if (environment.image) parts.push(`--image ${environment.image}`);
	return parts.join(' ');
}

/**
 * The newest calibration measured on the same host, image, CPU and memory limits and engine
 * version as a docker environment.
 */
export function findCalibration(calibrations: readonly Calibration[], environment: SideEnvironment): Calibration | undefined {
	return findCalibrations(calibrations, environment)[0];
}

/** Every calibration matching a docker environment, the newest first (issue 15: suite and workload calibrations side by side). */
export function findCalibrations(calibrations: readonly Calibration[], environment: SideEnvironment): Calibration[] {
	if (environment.runtime === 'bare_metal') return [];
	const matches = calibrations.filter((c) =>
		(environment.hostFingerprint === undefined || c.hostFingerprint === environment.hostFingerprint)
		&& (environment.image === undefined || c.image === environment.image)
		&& c.limits.cpus === environment.cpus
		&& c.limits.memoryBytes === environment.memoryBytes
		&& (environment.engineVersion === undefined || c.engineVersion === environment.engineVersion));
	return matches.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
}

/** Visible warnings about the two sides: different hosts or engine versions. */
export function getEnvironmentWarnings(base: SideEnvironment, candidate: SideEnvironment): string[] {
	const warnings: string[] = [];
	if (base.hostFingerprint && candidate.hostFingerprint && base.hostFingerprint !== candidate.hostFingerprint) {
		const names = base.hostname && candidate.hostname ? ` (${base.hostname} vs ${candidate.hostname})` : '';
		warnings.push(`the two sides ran on different hosts${names}: differences may come from the hardware, not the release`);
	}

	if (base.engineVersion && candidate.engineVersion && base.engineVersion !== candidate.engineVersion) {
		warnings.push(`the two sides ran on different Docker engine versions (${base.engineVersion} vs ${candidate.engineVersion})`);
	}

	return warnings;
}
