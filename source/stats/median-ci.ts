/**
 * Distribution-free confidence intervals of a quantile from order statistics, the method
 * benchstat uses (golang.org/x/perf/benchmath through go-moremath's QuantileCI): the number of
 * sample points below the population q-quantile is Binomial(n, q); the interval is the run of
 * order statistics that holds at least the requested probability, grown out from the mode,
 * left-biased on ties; exact binomial sums up to n = 30, the normal approximation with a
 * continuity correction beyond.
 */
import {binomialPmf, normalCdf, normalQuantile} from './distributions.js';

export interface QuantileCiOrders {
	/** 1-based order statistic of the lower bound; 0 means -∞ (the sample is too small). */
	readonly loOrder: number;
	/** 1-based order statistic of the upper bound; n + 1 means +∞. */
	readonly hiOrder: number;
	/** The confidence actually achieved (at least the one asked for, unless 1 was asked). */
	readonly confidence: number;
	/** Another interval of the same width had the same confidence (the left one was taken). */
	readonly isAmbiguous: boolean;
}

/** Above this sample size the binomial is replaced by its normal approximation. */
export const EXACT_ORDER_LIMIT = 30;

/** Which order statistics bound the `confidence` interval of the q-quantile for a sample of n. */
/** `exactLimit` is a parameter only so tests can force the normal approximation at small n. */
export function computeQuantileCiOrders(n: number, q: number, confidence: number, exactLimit = EXACT_ORDER_LIMIT): QuantileCiOrders {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample size ${n} is not a count`);
	if (confidence >= 1 || n === 0) return {loOrder: 0, hiOrder: n + 1, confidence: 1, isAmbiguous: false};

	let l: number;
	let r: number;
	let achieved: number;
	let isAmbiguous: boolean;
	if (n <= exactLimit) {
		// Start at the (lower) mode and add the larger neighbour until the mass reaches `confidence`.
		const pmf = (k: number): number => binomialPmf(n, q, k);
		const mode = q === 0 ? 0 : Math.ceil((n + 1) * q) - 1;
		achieved = pmf(mode);
		l = mode;
		r = mode + 1;
		let lp = pmf(l - 1);
		let rp = pmf(r);
		isAmbiguous = rp === achieved;
		while (achieved < confidence && (lp > 0 || rp > 0)) {
			isAmbiguous = lp === rp;
			if (lp >= rp) {
				achieved += lp;
				l--;
				lp = pmf(l - 1);
			} else {
				achieved += rp;
				r++;
				rp = pmf(r);
			}
		}
	} else {
		const mu = n * q;
		const sigma = Math.sqrt(n * q * (1 - q));
		const cdf = (lo: number, hi: number): number => normalCdf((hi - 0.5 - mu) / sigma) - normalCdf((lo - 0.5 - mu) / sigma);
		const l1 = mu + sigma * normalQuantile((1 - confidence) / 2);
		const r1 = 2 * mu - l1;
		// Band k of the binomial is [k - 0.5, k + 0.5] under the continuity correction.
		l = Math.floor(Math.floor(l1 - 0.5) + 0.5) + 1;
		r = Math.floor(Math.ceil(r1 - 0.5) + 0.5) + 1;
		achieved = cdf(l, r);
		isAmbiguous = false;
		const biased = cdf(l, r - 1);
		if (biased >= confidence && biased < achieved) {
			achieved = biased;
			isAmbiguous = true;
			r--;
		}

		if (l <= 0 && r >= n + 1) {
			achieved = 1;
			isAmbiguous = false;
		}
	}

	return {loOrder: Math.max(l, 0), hiOrder: Math.min(r, n + 1), confidence: achieved, isAmbiguous};
}

export interface MedianCi {
	readonly median: number;
	/** -Infinity when the sample is too small for the confidence asked. */
	readonly low: number;
	/** +Infinity when the sample is too small for the confidence asked. */
	readonly high: number;
	readonly confidence: number;
	readonly n: number;
}

/**
 * The median's orders for (n, confidence), computed once: a store writes a summary per run, case
 * and metric, nearly all of the same few sample sizes, and the binomial sums were over a quarter
 * of a nightly batch's summary work (issue 13). Bounded: emptied when full.
 */
const medianOrders = new Map<string, QuantileCiOrders>();
const MEDIAN_ORDERS_LIMIT = 4096;

function getMedianOrders(n: number, confidence: number): QuantileCiOrders {
	const key = `${n}:${confidence}`;
	let orders = medianOrders.get(key);
	if (orders === undefined) {
		orders = computeQuantileCiOrders(n, 0.5, confidence);
		if (medianOrders.size >= MEDIAN_ORDERS_LIMIT) medianOrders.clear();
		medianOrders.set(key, orders);
	}

	return orders;
}

/** The median of an ascending sample with its order-statistic confidence interval. */
export function computeMedianCiSorted(sorted: ArrayLike<number>, confidence = 0.95): MedianCi {
	const n = sorted.length;
	if (n === 0) throw new RangeError('median of an empty sample');
	const orders = getMedianOrders(n, confidence);
	const mid = n >> 1;
	const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
	return {
		median,
		low: orders.loOrder < 1 ? Number.NEGATIVE_INFINITY : sorted[orders.loOrder - 1]!,
		high: orders.hiOrder > n ? Number.POSITIVE_INFINITY : sorted[orders.hiOrder - 1]!,
		confidence: orders.confidence,
		n,
	};
}

/** The smallest sample size whose median interval at `confidence` is finite (benchstat's rule; 6 at 95%). */
export function minSamplesForMedianCi(confidence: number, limit = 50): number {
	for (let n = 2; n <= limit; n++) {
		const orders = computeQuantileCiOrders(n, 0.5, confidence);
		if (orders.loOrder > 0 && orders.hiOrder <= n) return n;
	}

	return limit + 1;
}
