/**
 * The figures a store keeps per run, case and metric so that views of history never rescan raw
 * samples: median with its order-statistic interval, quartiles, mean, standard deviation, MAD,
 * minimum and maximum. Pure.
 */
import {quantileSorted, sortAscending} from './descriptive.js';
import {computeMedianCiSorted} from './median-ci.js';

export interface ValueSummary {
	readonly n: number;
	readonly median: number;
	/** Bounds of the median's 95% interval; ±Infinity when the sample is too small to bound it. */
	readonly medianLow: number;
	readonly medianHigh: number;
	/** Quartiles (type 7, as quantileSorted). */
	readonly q1: number;
	readonly q3: number;
	readonly mean: number;
	/** Sample standard deviation (n - 1); 0 for a single value. */
	readonly stddev: number;
	/** Raw median absolute deviation (not scaled to σ). */
	readonly mad: number;
	readonly min: number;
	readonly max: number;
}

/** The confidence of the stored median intervals. */
export const SUMMARY_CONFIDENCE = 0.95;

/** Summarises values in any order; undefined for an empty sample. */
export function summarizeValues(values: ArrayLike<number>): ValueSummary | undefined {
	const n = values.length;
	if (n === 0) return undefined;
	const sorted = sortAscending(values);
	const ci = computeMedianCiSorted(sorted, SUMMARY_CONFIDENCE);
	let sum = 0;
	for (let i = 0; i < n; i++) sum += sorted[i]!;
	const mean = sum / n;
	let squares = 0;
	for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
	const deviations = new Float64Array(n);
	for (let i = 0; i < n; i++) deviations[i] = Math.abs(sorted[i]! - ci.median);
	deviations.sort();
	const mid = n >> 1;
	const mad = n % 2 === 1 ? deviations[mid]! : (deviations[mid - 1]! + deviations[mid]!) / 2;
	return {
		n,
		median: ci.median,
		medianLow: ci.low,
		medianHigh: ci.high,
		q1: quantileSorted(sorted, 0.25),
		q3: quantileSorted(sorted, 0.75),
		mean,
		stddev: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
		mad,
		min: sorted[0]!,
		max: sorted[n - 1]!,
	};
}
