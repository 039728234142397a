/**
 * The Hodges-Lehmann shift between two samples: the median of all m·n pairwise differences
 * x_i - y_j, with the distribution-free (Moses) confidence interval read off the sorted
 * differences at the quantiles of the Mann-Whitney U distribution, as R's
 * `wilcox.test(x, y, conf.int = TRUE)` does for the exact case. For large or tied samples the
 * interval inverts the tie-corrected normal test with continuity correction, as R does.
 *
 * The m·n differences are never materialized: a k-th smallest pairwise difference is selected
 * in the implicit sorted matrix (Monahan's randomized selection), O((m + n) log(mn)).
 */
import {sortAscending} from './descriptive.js';
import {normalQuantile} from './distributions.js';
import {getExactUCdf, mannWhitneyUSorted} from './mann-whitney.js';
import {createRng} from './random.js';

/**
 * The k-th smallest (0-based) of the differences sx[i] - sy[j], for ascending sx and sy.
 * Each round brackets the target rank between two pivots read off a random sample of the
 * candidates (Floyd-Rivest), so a million differences come down to a few thousand in a handful
 * of O(m + n) passes; a round that fails to shrink falls back to one random pivot.
 */
export function selectPairwiseDifference(sx: ArrayLike<number>, sy: ArrayLike<number>, k: number): number {
	const m = sx.length;
	const n = sy.length;
	if (!(k >= 0 && k < m * n) || !Number.isInteger(k)) throw new RangeError(`rank ${k} is outside the ${m}×${n} differences`);
	// Row i is x_i minus y in descending order, so d(i, c) = x[i] - z[c] grows along rows and columns.
	const x = Float64Array.from(sx);
	const z = new Float64Array(n);
	for (let c = 0; c < n; c++) z[c] = sy[n - 1 - c]!;
	const lo = new Int32Array(m);
	const hi = new Int32Array(m).fill(n);
	const lower = new Int32Array(m);
	const upper = new Int32Array(m);
	let below = 0;
	const random = createRng(0x9e37_79b9 ^ (m * 31 + n));

	// prefix[i] = active candidates in rows before i; rebuilt each round.
	const prefix = new Float64Array(m + 1);
	const countActive = (): number => {
		for (let i = 0; i < m; i++) prefix[i + 1] = prefix[i]! + hi[i]! - lo[i]!;
		return prefix[m]!;
	};

	/** The active element of rank r (0-based, in row order), by binary search over the rows. */
	const activeAt = (r: number): number => {
		let a = 0;
		let b = m - 1;
		while (a < b) {
			const mid = (a + b + 1) >> 1;
			if (prefix[mid]! <= r) a = mid;
			else b = mid - 1;
		}

		return x[a]! - z[lo[a]! + (r - prefix[a]!)]!;
	};

	/** Fills `into` with each row's first column whose difference is >= p (strict: > p), clamped to the active range; returns how many active differences lie before. */
	const partition = (p: number, isStrict: boolean, into: Int32Array): number => {
		let c = n;
		let count = 0;
		for (let i = 0; i < m; i++) {
			const xi = x[i]!;
			if (isStrict) {
				while (c > 0 && xi - z[c - 1]! > p) c--;
			} else {
				while (c > 0 && xi - z[c - 1]! >= p) c--;
			}

			const l = lo[i]!;
			const h = hi[i]!;
			const at = c < l ? l : (c > h ? h : c);
			into[i] = at;
			count += at - l;
		}

		return count;
	};

	let previousActive = Number.POSITIVE_INFINITY;
	for (;;) {
		const active = countActive();
		if (active <= Math.max(64, m + n)) {
			const rest = new Float64Array(active);
			let at = 0;
			for (let i = 0; i < m; i++) for (let c = lo[i]!; c < hi[i]!; c++) rest[at++] = x[i]! - z[c]!;
			rest.sort();
			return rest[k - below]!;
		}

		const target = k - below;
		if (active < previousActive) {
			// Two pivots around the target's place in a sorted random sample of the candidates.
			const size = 512;
			const sample = new Float64Array(size);
			for (let t = 0; t < size; t++) sample[t] = activeAt(Math.floor(random() * active));
			sample.sort();
			const fraction = target / active;
			const place = fraction * (size - 1);
			// Three standard deviations of the target's place in the sample, and a little more.
			const spread = 3 * Math.sqrt(size * fraction * (1 - fraction)) + 2;
			const pLow = sample[Math.max(0, Math.floor(place - spread))]!;
			const pHigh = sample[Math.min(size - 1, Math.ceil(place + spread))]!;
			previousActive = active;
			const less = partition(pLow, false, lower);
			if (target < less) {
				hi.set(lower);
				continue;
			}

			const atMost = partition(pHigh, true, upper);
			if (target >= atMost) {
				below += atMost;
				lo.set(upper);
				continue;
			}

			if (pLow === pHigh) return pLow;
			below += less;
			lo.set(lower);
			hi.set(upper);
			continue;
		}

		// The bracket did not shrink the candidates (heavy ties): one random pivot always does.
		previousActive = active;
		const pivot = activeAt(Math.floor(random() * active));
		const less = partition(pivot, false, lower);
		const atMost = partition(pivot, true, upper);
		if (target < less) {
			hi.set(lower);
		} else if (target < atMost) {
			return pivot;
		} else {
			below += atMost;
			lo.set(upper);
		}
	}
}

/**
 * The (k+1)-th smallest difference given the k-th (value) in O(m + n): the value again when
 * more than k + 1 differences are <= it, else the smallest difference above it.
 */
function nextPairwiseDifference(sx: ArrayLike<number>, sy: ArrayLike<number>, k: number, value: number): number {
	const m = sx.length;
	const n = sy.length;
	let atMost = 0;
	let next = Number.POSITIVE_INFINITY;
	// For row i: y ascending, x_i - y_j > value ⇔ y_j < x_i - value; count and the nearest above.
	let j = 0;
	for (let i = 0; i < m; i++) {
		const xi = sx[i]!;
		while (j < n && xi - sy[j]! > value) j++;
		atMost += n - j;
		if (j > 0) next = Math.min(next, xi - sy[j - 1]!);
	}

	return atMost > k + 1 ? value : next;
}

export interface ShiftEstimate {
	/** The Hodges-Lehmann estimate of the shift of x relative to y. */
	readonly estimate: number;
	readonly low: number;
	readonly high: number;
	/** The confidence the interval achieves. */
	readonly confidence: number;
	readonly method: 'exact' | 'normal';
}

/** Both samples merged in ascending order (they are each ascending already). */
function mergeSorted(sx: ArrayLike<number>, sy: ArrayLike<number>): Float64Array {
	const all = new Float64Array(sx.length + sy.length);
	let i = 0;
	let j = 0;
	let at = 0;
	while (i < sx.length || j < sy.length) all[at++] = j >= sy.length || (i < sx.length && sx[i]! <= sy[j]!) ? sx[i++]! : sy[j++]!;
	return all;
}

/** Hodges-Lehmann shift of ascending sx relative to ascending sy, with its confidence interval. */
export function computeHodgesLehmannSorted(sx: ArrayLike<number>, sy: ArrayLike<number>, confidence = 0.95): ShiftEstimate {
	const m = sx.length;
	const n = sy.length;
	if (m === 0 || n === 0) throw new RangeError('Hodges-Lehmann needs two non-empty samples');
	const total = m * n;
	let estimate: number;
	if (total % 2 === 1) {
		estimate = selectPairwiseDifference(sx, sy, (total - 1) / 2);
	} else {
		const lower = selectPairwiseDifference(sx, sy, total / 2 - 1);
		estimate = (lower + nextPairwiseDifference(sx, sy, total / 2 - 1, lower)) / 2;
	}
	const alpha = 1 - confidence;
	const all = mergeSorted(sx, sy);
	let hasTies = false;
	for (let i = 1; i < all.length && !hasTies; i++) hasTies = all[i] === all[i - 1];
	if (m < 50 && n < 50 && !hasTies) {
		// R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; the interval is diffs[qu], diffs[mn - qu + 1].
		const cdf = getExactUCdf(m, n);
		let qu = 0;
		while (qu < cdf.length && cdf[qu]! < alpha / 2) qu++;
		if (qu === 0) qu = 1;
		const achieved = 1 - 2 * cdf[qu - 1]!;
		qu = Math.min(qu, Math.ceil(total / 2));
		return {
			estimate,
			low: selectPairwiseDifference(sx, sy, qu - 1),
			high: selectPairwiseDifference(sx, sy, total - qu),
			confidence: Math.min(1, achieved),
			method: 'exact',
		};
	}

	const z = normalQuantile(1 - alpha / 2);
	return {estimate, low: invertNormalTest(sx, sy, z), high: invertNormalTest(sx, sy, -z), confidence, method: 'normal'};
}

/** Σ (t³ - t) over the groups of equal values of an ascending sample. */
function getTieTerm(sorted: ArrayLike<number>): number {
	let term = 0;
	for (let i = 0; i < sorted.length;) {
		let j = i;
		while (j < sorted.length && sorted[j] === sorted[i]) j++;
		const t = j - i;
		term += t * t * t - t;
		i = j;
	}

	return term;
}

/** R's wdiff(d, zq): the continuity-corrected standardized U of (x - d) against y, minus zq. */
function getShiftedStatistic(sx: ArrayLike<number>, sy: ArrayLike<number>, d: number, zq: number): number {
	const shifted = new Float64Array(sx.length);
	for (let i = 0; i < sx.length; i++) shifted[i] = sx[i]! - d;
	const result = mannWhitneyUSorted(shifted, sy, {method: 'normal', continuity: true});
	return (result.z ?? 0) - zq;
}

/**
 * The end of the normal-approximation interval R's `wilcox.test(x, y, conf.int = TRUE,
 * exact = FALSE, correct = TRUE)` finds: the shift d where the test of x - d against y, ties
 * and continuity correction included, crosses zq (+z for the lower end, -z for the upper). R
 * finds it with uniroot (to 1e-4); between two pairwise differences the statistic is constant
 * (only the samples' own ties enter its variance there), so the crossing is exactly at a
 * pairwise difference, found here by rank. Counting the cross ties at d = 0, as a quantile of
 * the U distribution at the observed data does, made the interval too narrow, even a point
 * (issue 12).
 */
function invertNormalTest(sx: ArrayLike<number>, sy: ArrayLike<number>, zq: number): number {
	const m = sx.length;
	const n = sy.length;
	const total = m * n;
	const mumin = sx[0]! - sy[n - 1]!;
	const mumax = sx[m - 1]! - sy[0]!;
	// R returns an end of the range when the test is not rejected there at all.
	if (getShiftedStatistic(sx, sy, mumin, zq) <= 0) return mumin;
	if (getShiftedStatistic(sx, sy, mumax, zq) >= 0) return mumax;
	const count = m + n;
	const sigma = Math.sqrt((total / 12) * ((count + 1) - (getTieTerm(sx) + getTieTerm(sy)) / (count * (count - 1))));
	// With c differences at or below d, U = mn - c; the smallest c at which the statistic is <= zq.
	const isAtOrBelow = (c: number): boolean => {
		const dz = total / 2 - c;
		return dz - 0.5 * Math.sign(dz) <= zq * sigma;
	};

	let lo = 0;
	let hi = total;
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		if (isAtOrBelow(mid)) hi = mid;
		else lo = mid + 1;
	}

	return selectPairwiseDifference(sx, sy, Math.min(total - 1, Math.max(0, lo - 1)));
}

/** Hodges-Lehmann shift of x relative to y (any order). */
export function computeHodgesLehmann(x: ArrayLike<number>, y: ArrayLike<number>, confidence = 0.95): ShiftEstimate {
	return computeHodgesLehmannSorted(sortAscending(x), sortAscending(y), confidence);
}
