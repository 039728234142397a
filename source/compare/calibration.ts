/**
 * Calibration maths, pure: from interleaved measurements of the same cases on bare metal and
 * in a container, the overhead per case and dimension (wall, cpu, rss) as the ratio of medians
 * docker / bare metal with a seeded bootstrap interval, and a summary per dimension (geometric
 * mean over cases, its interval from the replicate-wise geometric means).
 */
import type {RatioEstimate} from '../store/records.js';
import {bootstrapRatioOfMedians} from '../stats/bootstrap.js';
import {quantileSorted, sortAscending} from '../stats/descriptive.js';
import {hashSeed} from '../stats/random.js';

export type Dimension = 'wall' | 'cpu' | 'rss';
export const DIMENSIONS: readonly Dimension[] = ['wall', 'cpu', 'rss'];

/** One measured iteration, reduced to the three dimensions (cpu = user + system µs). */
export interface CalibrationPoint {
	readonly wall: number;
	readonly cpu: number;
	readonly rss: number;
}

export interface CaseMeasurements {
	readonly bare: readonly CalibrationPoint[];
	readonly docker: readonly CalibrationPoint[];
}

export interface CalibrationResult {
	readonly cases: Record<string, Record<string, RatioEstimate>>;
	readonly summary: Record<string, RatioEstimate>;
}

/** Overheads per case and dimension; a dimension is left out where either side has no positive value. */
export function computeCalibration(measurements: ReadonlyMap<string, CaseMeasurements>, options: {seed?: number; resamples?: number; confidence?: number} = {}): CalibrationResult {
	const seed = options.seed ?? 1;
	const confidence = options.confidence ?? 0.95;
	const resamples = options.resamples ?? 2000;
	const cases: Record<string, Record<string, RatioEstimate>> = {};
	const replicates: Record<Dimension, Array<{ratio: number; replicates: Float64Array}>> = {wall: [], cpu: [], rss: []};
	for (const [name, measured] of measurements) {
		const perDimension: Record<string, RatioEstimate> = {};
		for (const dimension of DIMENSIONS) {
			const bare = sortAscending(measured.bare.map((p) => p[dimension]).filter((v) => v > 0));
			const docker = sortAscending(measured.docker.map((p) => p[dimension]).filter((v) => v > 0));
			if (bare.length < 2 || docker.length < 2) continue;
			const ratio = bootstrapRatioOfMedians(bare, docker, {seed: hashSeed(`${name}:${dimension}`, seed), resamples, confidence});
			perDimension[dimension] = {ratio: ratio.ratio, low: ratio.low, high: ratio.high, n: Math.min(bare.length, docker.length)};
			replicates[dimension].push(ratio);
		}

		cases[name] = perDimension;
	}

	const summary: Record<string, RatioEstimate> = {};
	const alpha = 1 - confidence;
	for (const dimension of DIMENSIONS) {
		const list = replicates[dimension];
		if (list.length === 0) continue;
		const count = Math.min(...list.map((r) => r.replicates.length));
		const means = new Float64Array(count);
		for (const r of list) for (let i = 0; i < count; i++) means[i] = means[i]! + Math.log(r.replicates[i]!);
		for (let i = 0; i < count; i++) means[i] = Math.exp(means[i]! / list.length);
		means.sort();
		const ratio = Math.exp(list.reduce((sum, r) => sum + Math.log(r.ratio), 0) / list.length);
		summary[dimension] = {ratio, low: quantileSorted(means, alpha / 2), high: quantileSorted(means, 1 - alpha / 2), n: list.length};
	}

	return {cases, summary};
}
