/**
 * Descriptive statistics. Pure: arrays in, numbers out; inputs are never mutated.
 * Functions named `*Sorted` take an ascending array and skip the sort.
 */

/** An ascending copy of values (numeric order, not the default string order). */
export function sortAscending(values: ArrayLike<number>): Float64Array {
	const copy = Float64Array.from(values as ArrayLike<number>);
	copy.sort();
	return copy;
}

function verifyNonEmpty(values: ArrayLike<number>, what: string): void {
	if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

/**
 * The q-quantile of an ascending sample by linear interpolation between order statistics
 * (Hyndman & Fan type 7: R's default `quantile()`, numpy's default `percentile()`).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
	verifyNonEmpty(sorted, 'quantile');
	if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
	const h = (sorted.length - 1) * q;
	const lo = Math.floor(h);
	const hi = Math.ceil(h);
	const a = sorted[lo]!;
	const b = sorted[hi]!;
	return a + (h - lo) * (b - a);
}

/** The q-quantile (type 7) of values in any order. */
export function quantile(values: ArrayLike<number>, q: number): number {
	return quantileSorted(sortAscending(values), q);
}

/** Several quantiles at once, sorting once. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
	const sorted = sortAscending(values);
	return qs.map((q) => quantileSorted(sorted, q));
}

/** The median of an ascending sample: the middle value, or the mean of the two middle values. */
export function medianSorted(sorted: ArrayLike<number>): number {
	verifyNonEmpty(sorted, 'median');
	const n = sorted.length;
	const mid = n >> 1;
	return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of values in any order. */
export function median(values: ArrayLike<number>): number {
	return medianSorted(sortAscending(values));
}

/** The consistency constant that makes the MAD estimate σ for normal data (R's `mad()` default). */
export const MAD_NORMAL_CONSTANT = 1.4826;

/**
 * The median absolute deviation from the median, times `constant` (default 1.4826 as in R's
 * `mad()`; pass 1 for the raw MAD).
 */
export function mad(values: ArrayLike<number>, constant = MAD_NORMAL_CONSTANT): number {
	const center = median(values);
	const deviations = new Float64Array(values.length);
	for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i]! - center);
	return constant * median(deviations);
}

/** The arithmetic mean. */
export function mean(values: ArrayLike<number>): number {
	verifyNonEmpty(values, 'mean');
	let sum = 0;
	for (let i = 0; i < values.length; i++) sum += values[i]!;
	return sum / values.length;
}

/** The sample variance (n − 1 in the denominator); needs two values or more. */
export function sampleVariance(values: ArrayLike<number>): number {
	if (values.length < 2) throw new RangeError(`sample variance needs two values or more, got ${values.length}`);
	const center = mean(values);
	let squares = 0;
	for (let i = 0; i < values.length; i++) squares += (values[i]! - center) ** 2;
	return squares / (values.length - 1);
}

/** The geometric mean of positive values (e.g. ratios): exp of the mean log. */
export function geometricMean(values: ArrayLike<number>): number {
	verifyNonEmpty(values, 'geometric mean');
	let sum = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i]!;
		if (!(v > 0)) throw new RangeError(`geometric mean needs positive values, got ${v}`);
		sum += Math.log(v);
	}

	return Math.exp(sum / values.length);
}
