/**
 * Calibration maths, pure: from interleaved measurements of the same cases on bare metal and
 * in a container, the overhead per case and dimension (wall, cpu, rss) as the ratio of medians
 * docker / bare metal with a seeded bootstrap interval, and a summary per dimension (geometric
 * mean over cases, its interval from the replicate-wise geometric means).
 */
import type {RatioEstimate} from '../store/records.js';
import {bootstrapRatioOfMedians} from '../stats/bootstrap.js';
import {mean, medianSorted, quantileSorted, sampleVariance, sortAscending} from '../stats/descriptive.js';
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
	/**
	 * The same points split by interleaving round. When given (two rounds or more), the interval
	 * also covers the round-to-round spread of the ratio: drift during the calibration (load on
	 * the host) then widens it instead of passing for precision.
	 */
	readonly rounds?: ReadonlyArray<{readonly bare: readonly CalibrationPoint[]; readonly docker: readonly CalibrationPoint[]}>;
}

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30 (standard table); beyond, the normal 1.96. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** A 95% interval of the ratio from per-round ratios: exp(mean log ± t·sd/√k); undefined below two rounds. */
export function computeRoundInterval(ratios: readonly number[]): {low: number; high: number} | undefined {
	const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map((r) => Math.log(r));
	const k = logs.length;
	if (k < 2) return undefined;
	const center = mean(logs);
	const sd = Math.sqrt(sampleVariance(logs));
	const t = T975[k - 2] ?? 1.96;
	return {low: Math.exp(center - (t * sd) / Math.sqrt(k)), high: Math.exp(center + (t * sd) / Math.sqrt(k))};
}

/**
 * n · var(median of n) / σ² for normal data, n = 2..8 (a median of two is their mean), then the
 * asymptotic π/2. Checked by simulation in R: `var(replicate(4e5, median(rnorm(n)))) * n`.
 */
const MEDIAN_VARIANCE_FACTOR = [1, 1.346, 1.192, 1.436, 1.286, 1.473, 1.346];

/** The variance of the log of a sample's median, from the sample's own spread. */
function logVarianceOfMedian(values: readonly number[]): number {
	const logs = values.map((v) => Math.log(v));
	return (sampleVariance(logs) / logs.length) * (MEDIAN_VARIANCE_FACTOR[logs.length - 2] ?? Math.PI / 2);
}

/**
 * How far the overhead itself moves from round to round, beyond what the rounds' own measurement
 * noise explains: the standard deviation of the log ratio between rounds, with the noise of each
 * round's ratio of medians taken off (method of moments for a one-way random-effects model:
 * drift² = var(round log ratios) − mean within-round variance). 0 when the noise explains all of
 * the spread; undefined below three rounds with two points a side. A run measured at another
 * time sees an overhead about this far from the calibrated one (issue 15: the CPU-time overhead
 * of file I/O moved by several percent within minutes on a shared disk), so an adjustment widens
 * its interval by it. Pure.
 */
export function estimateDrift(rounds: ReadonlyArray<{readonly bare: readonly number[]; readonly docker: readonly number[]}>): number | undefined {
	const ratios: number[] = [];
	const noise: number[] = [];
	for (const round of rounds) {
		const bare = round.bare.filter((v) => v > 0 && Number.isFinite(v));
		const docker = round.docker.filter((v) => v > 0 && Number.isFinite(v));
		if (bare.length < 2 || docker.length < 2) continue;
		ratios.push(Math.log(medianSorted(sortAscending(docker)) / medianSorted(sortAscending(bare))));
		noise.push(logVarianceOfMedian(bare) + logVarianceOfMedian(docker));
	}

	if (ratios.length < 3) return undefined;
	return Math.sqrt(Math.max(0, sampleVariance(ratios) - mean(noise)));
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
			const rounds = computeRoundInterval((measured.rounds ?? []).map((round) => {
				const b = sortAscending(round.bare.map((p) => p[dimension]).filter((v) => v > 0));
				const d = sortAscending(round.docker.map((p) => p[dimension]).filter((v) => v > 0));
				return b.length > 0 && d.length > 0 ? medianSorted(d) / medianSorted(b) : Number.NaN;
			}));
			const low = Math.min(ratio.low, rounds?.low ?? ratio.low);
			const high = Math.max(ratio.high, rounds?.high ?? ratio.high);
			const drift = estimateDrift((measured.rounds ?? []).map((round) => ({bare: round.bare.map((p) => p[dimension]), docker: round.docker.map((p) => p[dimension])})));
			perDimension[dimension] = {ratio: ratio.ratio, low, high, n: Math.min(bare.length, docker.length), ...(drift === undefined ? {} : {drift})};
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
