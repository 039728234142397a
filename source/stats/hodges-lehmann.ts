/**
 * The Hodges-Lehmann shift between two samples: the median of all m·n pairwise differences
 * x_i - y_j, with the distribution-free (Moses) confidence interval read off the sorted
 * differences at the quantiles of the Mann-Whitney U distribution, as R's
 * `wilcox.test(x, y, conf.int = TRUE)` does for the exact case. For large or tied samples the
 * U quantile comes from the tie-corrected normal approximation (Hollander & Wolfe).
 *
 * The m·n differences are never materialized: a k-th smallest pairwise difference is selected
 * in the implicit sorted matrix (Monahan's randomized selection), O((m + n) log(mn)).
 */
import {sortAscending} from './descriptive.js';
import {normalCdf, normalQuantile} from './distributions.js';
import {getExactUCdf} from './mann-whitney.js';
import {createRng} from './random.js';

/** The k-th smallest (0-based) of the differences sx[i] - sy[j], for ascending sx and sy. */
export function selectPairwiseDifference(sx: ArrayLike<number>, sy: ArrayLike<number>, k: number): number {
	const m = sx.length;
	const n = sy.length;
	if (!(k >= 0 && k < m * n) || !Number.isInteger(k)) throw new RangeError(`rank ${k} is outside the ${m}×${n} differences`);
	// Column c holds sy in descending order, so d(i, c) grows along rows and columns.
	const d = (i: number, c: number): number => sx[i]! - sy[n - 1 - c]!;
	const lo = new Int32Array(m);
	const hi = new Int32Array(m).fill(n);
	let below = 0;
	const random = createRng(0x9e37_79b9 ^ (m * 31 + n));
	for (;;) {
		let active = 0;
		for (let i = 0; i < m; i++) active += hi[i]! - lo[i]!;
		if (active <= Math.max(64, m + n)) {
			const rest = new Float64Array(active);
			let at = 0;
			for (let i = 0; i < m; i++) for (let c = lo[i]!; c < hi[i]!; c++) rest[at++] = d(i, c);
			rest.sort();
			return rest[k - below]!;
		}

		let pick = Math.floor(random() * active);
		let pivot = Number.NaN;
		for (let i = 0; i < m; i++) {
			const size = hi[i]! - lo[i]!;
			if (pick < size) {
				pivot = d(i, lo[i]! + pick);
				break;
			}

			pick -= size;
		}

		// First column with d >= pivot (lt) and with d > pivot (le), both non-increasing in i.
		const lt = new Int32Array(m);
		const le = new Int32Array(m);
		let cLt = n;
		let cLe = n;
		let countLess = below;
		let countLessOrEqual = below;
		for (let i = 0; i < m; i++) {
			while (cLt > 0 && d(i, cLt - 1) >= pivot) cLt--;
			while (cLe > 0 && d(i, cLe - 1) > pivot) cLe--;
			lt[i] = Math.min(Math.max(cLt, lo[i]!), hi[i]!);
			le[i] = Math.min(Math.max(cLe, lo[i]!), hi[i]!);
			countLess += lt[i]! - lo[i]!;
			countLessOrEqual += le[i]! - lo[i]!;
		}

		if (k < countLess) {
			hi.set(lt);
		} else if (k < countLessOrEqual) {
			return pivot;
		} else {
			below = countLessOrEqual;
			lo.set(le);
		}
	}
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

function hasTiesSorted(sx: ArrayLike<number>, sy: ArrayLike<number>): boolean {
	const all = new Float64Array(sx.length + sy.length);
	all.set(sx as ArrayLike<number>);
	all.set(sy as ArrayLike<number>, sx.length);
	all.sort();
	for (let i = 1; i < all.length; i++) if (all[i] === all[i - 1]) return true;
	return false;
}

/** Hodges-Lehmann shift of ascending sx relative to ascending sy, with its confidence interval. */
export function computeHodgesLehmannSorted(sx: ArrayLike<number>, sy: ArrayLike<number>, confidence = 0.95): ShiftEstimate {
	const m = sx.length;
	const n = sy.length;
	if (m === 0 || n === 0) throw new RangeError('Hodges-Lehmann needs two non-empty samples');
	const total = m * n;
	const estimate = total % 2 === 1
		? selectPairwiseDifference(sx, sy, (total - 1) / 2)
		: (selectPairwiseDifference(sx, sy, total / 2 - 1) + selectPairwiseDifference(sx, sy, total / 2)) / 2;
	const alpha = 1 - confidence;
	const isExact = m < 50 && n < 50 && !hasTiesSorted(sx, sy);
	let qu: number;
	let achieved: number;
	if (isExact) {
		// R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; the interval is diffs[qu], diffs[mn - qu + 1].
		const cdf = getExactUCdf(m, n);
		qu = 0;
		while (qu < cdf.length && cdf[qu]! < alpha / 2) qu++;
		if (qu === 0) qu = 1;
		achieved = 1 - 2 * cdf[qu - 1]!;
	} else {
		let tieTerm = 0;
		const all = new Float64Array(m + n);
		all.set(sx as ArrayLike<number>);
		all.set(sy as ArrayLike<number>, m);
		all.sort();
		for (let i = 0; i < all.length;) {
			let j = i;
			while (j < all.length && all[j] === all[i]) j++;
			const t = j - i;
			tieTerm += t * t * t - t;
			i = j;
		}

		const count = m + n;
		const sigma = Math.sqrt(((m * n) / 12) * ((count + 1) - tieTerm / (count * (count - 1))));
		qu = Math.max(1, Math.ceil(total / 2 - normalQuantile(1 - alpha / 2) * sigma - 0.5));
		achieved = sigma > 0 ? 1 - 2 * normalCdf((qu - 1 + 0.5 - total / 2) / sigma) : 1;
	}

	qu = Math.min(qu, Math.ceil(total / 2));
	return {
		estimate,
		low: selectPairwiseDifference(sx, sy, qu - 1),
		high: selectPairwiseDifference(sx, sy, total - qu),
		confidence: Math.min(1, achieved),
		method: isExact ? 'exact' : 'normal',
	};
}

/** Hodges-Lehmann shift of x relative to y (any order). */
export function computeHodgesLehmann(x: ArrayLike<number>, y: ArrayLike<number>, confidence = 0.95): ShiftEstimate {
	return computeHodgesLehmannSorted(sortAscending(x), sortAscending(y), confidence);
}
