/**
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum). Exact p-values from the null
 * distribution of U for small samples without ties; otherwise the normal approximation with
 * the tie-corrected variance and a continuity correction. The choice of method follows R's
 * `wilcox.test` (exact when both samples have fewer than 50 values and there are no ties),
 * and the normal formula matches R's `correct = TRUE` and scipy's `method="asymptotic"`.
 */
import {sortAscending} from './descriptive.js';
import {normalCdf} from './distributions.js';

export type MannWhitneyMethod = 'exact' | 'normal';

export interface MannWhitneyResult {
	/** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half (R's W). */
	readonly u: number;
	readonly n1: number;
	readonly n2: number;
	/** The two-sided p-value. */
	readonly pValue: number;
	readonly method: MannWhitneyMethod;
	/** The standardized statistic, for the normal method. */
	readonly z: number | undefined;
	readonly hasTies: boolean;
}

export interface MannWhitneyOptions {
	/** 'auto' (default): exact when both n < exactLimit and there are no ties. */
	readonly method?: 'auto' | MannWhitneyMethod;
	/** The continuity correction of the normal method (default true). */
	readonly continuity?: boolean;
	/** Default 50, as R. */
	readonly exactLimit?: number;
}

interface RankSummary {
	readonly u: number;
	/** Σ (t³ - t) over groups of tied values. */
	readonly tieTerm: number;
}

/** U of x and the tie term, by merging two ascending samples (average ranks for ties). */
function summarizeRanks(sx: ArrayLike<number>, sy: ArrayLike<number>): RankSummary {
	const m = sx.length;
	const n = sy.length;
	let i = 0;
	let j = 0;
	let rankSumX = 0;
	let tieTerm = 0;
	let before = 0;
	while (i < m || j < n) {
		const value = j >= n || (i < m && sx[i]! <= sy[j]!) ? sx[i]! : sy[j]!;
		let cx = 0;
		let cy = 0;
		while (i < m && sx[i] === value) {
			cx++;
			i++;
		}

		while (j < n && sy[j] === value) {
			cy++;
			j++;
		}

		const t = cx + cy;
		rankSumX += cx * (before + (t + 1) / 2);
		if (t > 1) tieTerm += t * t * t - t;
		before += t;
	}

	return {u: rankSumX - (m * (m + 1)) / 2, tieTerm};
}

const exactCache = new Map<string, Float64Array>();

/**
 * The null CDF of U for sample sizes m and n: cdf[u] = P(U <= u). Counts by the recursion
 * f(i, j, u) = f(i - 1, j, u - j) + f(i, j - 1, u) (all additions of positive numbers).
 */
export function getExactUCdf(m: number, n: number): Float64Array {
	const key = m <= n ? `${m},${n}` : `${n},${m}`;
	const cached = exactCache.get(key);
	if (cached) return cached;
	const a = Math.min(m, n);
	const b = Math.max(m, n);
	// previous[j] holds the frequencies of U for (i - 1) x-values and j y-values.
	let previous: Float64Array[] = [];
	for (let j = 0; j <= b; j++) previous.push(Float64Array.of(1));
	for (let i = 1; i <= a; i++) {
		const current: Float64Array[] = [Float64Array.of(1)];
		for (let j = 1; j <= b; j++) {
			const freq = new Float64Array(i * j + 1);
			const left = current[j - 1]!;
			for (let u = 0; u < left.length; u++) freq[u] = left[u]!;
			const up = previous[j]!;
			for (let u = 0; u < up.length; u++) freq[u + j] = freq[u + j]! + up[u]!;
			current.push(freq);
		}

		previous = current;
	}

	const freq = previous[b]!;
	let total = 0;
	for (const f of freq) total += f;
	const cdf = new Float64Array(freq.length);
	let running = 0;
	for (let u = 0; u < freq.length; u++) {
		running += freq[u]!;
		cdf[u] = running / total;
	}

	exactCache.set(key, cdf);
	return cdf;
}

/** P(U <= u) under the null, exact. */
export function exactUCdf(u: number, m: number, n: number): number {
	if (u < 0) return 0;
	const cdf = getExactUCdf(m, n);
	return u >= cdf.length - 1 ? 1 : cdf[Math.floor(u)]!;
}

/** The Mann-Whitney U test on two ascending samples. */
export function mannWhitneyUSorted(sx: ArrayLike<number>, sy: ArrayLike<number>, options: MannWhitneyOptions = {}): MannWhitneyResult {
	const m = sx.length;
	const n = sy.length;
	if (m === 0 || n === 0) throw new RangeError('Mann-Whitney U needs two non-empty samples');
	const {u, tieTerm} = summarizeRanks(sx, sy);
	const hasTies = tieTerm > 0;
	const limit = options.exactLimit ?? 50;
	const method: MannWhitneyMethod = options.method === undefined || options.method === 'auto'
		? (m < limit && n < limit && !hasTies ? 'exact' : 'normal')
		: options.method;

	if (method === 'exact') {
		// Each tail read directly (P(U >= u) = P(U <= mn - u) by symmetry), never as 1 minus the
		// other: a tail of 1e-17 would round to 0 (issue 12, as R's pwilcox(q - 1, lower = FALSE)).
		const lower = exactUCdf(u, m, n);
		const upper = exactUCdf(m * n - u, m, n);
		return {u, n1: m, n2: n, pValue: Math.min(1, 2 * Math.min(lower, upper)), method, z: undefined, hasTies};
	}

	const total = m + n;
	const variance = ((m * n) / 12) * ((total + 1) - tieTerm / (total * (total - 1)));
	if (!(variance > 0)) return {u, n1: m, n2: n, pValue: 1, method, z: 0, hasTies};
	let numerator = u - (m * n) / 2;
	if (options.continuity ?? true) numerator -= Math.sign(numerator) * 0.5;
	const z = numerator / Math.sqrt(variance);
	const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z)));
	return {u, n1: m, n2: n, pValue, method, z, hasTies};
}

/** The two-sided Mann-Whitney U test of x against y (any order). */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>, options: MannWhitneyOptions = {}): MannWhitneyResult {
	return mannWhitneyUSorted(sortAscending(x), sortAscending(y), options);
}

/** The smallest equal sample size at which the exact test can reach `alpha` at all (benchstat's rule; 4 at 0.05). */
export function minSamplesForUTest(alpha: number, limit = 10): number {
	for (let n = 1; n <= limit; n++) {
		// The most extreme arrangement: U = 0, p = 2 / C(2n, n).
		if (Math.min(1, 2 * exactUCdf(0, n, n)) <= alpha) return n;
	}

	return limit + 1;
}
