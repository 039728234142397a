/**
 * Seeded bootstrap of the ratio of medians. A bootstrap resample of a sorted sample has its
 * median at order statistics whose distribution is known exactly (the resample's count of
 * indices <= j is Binomial(n, j/n)), so each replicate draws the resample median directly from
 * that distribution instead of drawing n indices: the replicates are distributed exactly as
 * a plain resample-and-take-the-median bootstrap, at O(log n) a replicate instead of O(n).
 * `sampleMedianDirect` is the plain bootstrap, kept to test the fast sampler against.
 */
import {medianSorted, quantileSorted} from './descriptive.js';
import {binomialPmf, binomialUpperTail, normalQuantile} from './distributions.js';
import {createRng} from './random.js';

type Rng = () => number;

/** Smallest index j (0-based) with cdf[j] >= u. */
function searchCdf(cdf: Float64Array, u: number): number {
	let lo = 0;
	let hi = cdf.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (cdf[mid]! >= u) hi = mid;
		else lo = mid + 1;
	}

	return lo;
}

/**
 * P(the h-th smallest of n uniform indices on 1..n is <= j) = P(Binomial(n, j/n) >= h), for
 * j = 1..n, stored at [j - 1]. Computed outwards from the middle until the tails vanish.
 */
function orderStatisticCdf(n: number, h: number): Float64Array {
	const cdf = new Float64Array(n);
	const start = Math.min(n, Math.max(1, h));
	for (let j = start; j <= n; j++) {
		const value = binomialUpperTail(n, j / n, h);
		cdf[j - 1] = value;
		if (value >= 1 - 1e-17) {
			cdf.fill(1, j - 1);
			break;
		}
	}

	for (let j = start - 1; j >= 1; j--) {
		const value = binomialUpperTail(n, j / n, h);
		cdf[j - 1] = value;
		if (value <= 1e-300) break;
	}

	cdf[n - 1] = 1;
	return cdf;
}

/** A function drawing the median of one bootstrap resample of an ascending sample. */
export function createMedianSampler(sorted: ArrayLike<number>): (random: Rng) => number {
	const n = sorted.length;
	if (n === 0) throw new RangeError('bootstrap of an empty sample');
	if (n === 1) return () => sorted[0]!;
	if (n % 2 === 1) {
		const cdf = orderStatisticCdf(n, (n + 1) / 2);
		return (random) => sorted[searchCdf(cdf, random())]!;
	}

	const h = n / 2;
	const cdf = orderStatisticCdf(n, h);
	// P(upper middle > l | lower middle = l), computed once per l on first use.
	const pAboveCache = new Float64Array(n + 1).fill(Number.NaN);
	return (random) => {
		const l = searchCdf(cdf, random()) + 1; // 1-based lower middle order statistic.
		let pAbove = pAboveCache[l]!;
		if (Number.isNaN(pAbove)) {
			const massAtL = cdf[l - 1]! - (l >= 2 ? cdf[l - 2]! : 0);
			// P(exactly h indices <= l and at least one equals l): the upper middle is then above l.
			const split = binomialPmf(n, l / n, h) * (1 - ((l - 1) / l) ** h);
			pAbove = massAtL > 0 ? Math.min(1, Math.max(0, split / massAtL)) : 0;
			pAboveCache[l] = pAbove;
		}

		let upper = l;
		if (l < n && random() < pAbove) {
			// The other h indices are uniform on l+1..n; the upper middle is their minimum.
			const span = n - l;
			const v = random();
			const step = Math.ceil(span * (1 - (1 - v) ** (1 / h)));
			upper = l + Math.min(span, Math.max(1, step));
		}

		return (sorted[l - 1]! + sorted[upper - 1]!) / 2;
	};
}

/** The median of one plain bootstrap resample (n draws with replacement). For tests. */
export function sampleMedianDirect(sorted: ArrayLike<number>, random: Rng): number {
	const n = sorted.length;
	const pick = new Float64Array(n);
	for (let i = 0; i < n; i++) pick[i] = sorted[Math.floor(random() * n)]!;
	pick.sort();
	return medianSorted(pick);
}

/** A multiplicative factor known only up to a log-normal uncertainty (e.g. a calibrated overhead). */
export interface UncertainFactor {
	readonly estimate: number;
	/** Standard deviation of ln(factor). */
	readonly logSd: number;
}

/** The log-normal uncertainty implied by a ratio's confidence interval [low, high] at `confidence`. */
export function factorFromInterval(estimate: number, low: number, high: number, confidence = 0.95): UncertainFactor {
	const z = normalQuantile(1 - (1 - confidence) / 2);
	const width = Math.log(Math.max(high, estimate)) - Math.log(Math.min(low, estimate));
	return {estimate, logSd: Number.isFinite(width) && width > 0 ? width / (2 * z) : 0};
}

export interface RatioOfMediansOptions {
	readonly seed: number;
	/** Replicates (default 2000). */
	readonly resamples?: number;
	readonly confidence?: number;
	/** Divides the candidate by this factor, its uncertainty carried into the interval. */
	readonly divideBy?: UncertainFactor;
}

export interface RatioOfMedians {
	/** median(candidate) / median(base), after any divisor. */
	readonly ratio: number;
	readonly low: number;
	readonly high: number;
	readonly confidence: number;
	/** The bootstrap replicates of the ratio, in replicate order (for combining cases, e.g. a geomean). */
	readonly replicates: Float64Array;
}

/** A standard normal deviate (Box-Muller) from the seeded generator. */
function normalDeviate(random: Rng): number {
	const u = 1 - random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * median(candidate) / median(base) with a percentile bootstrap interval; base and candidate
 * are resampled independently. Same inputs and seed, same interval.
 */
export function bootstrapRatioOfMedians(baseSorted: ArrayLike<number>, candidateSorted: ArrayLike<number>, options: RatioOfMediansOptions): RatioOfMedians {
	const resamples = options.resamples ?? 2000;
	const confidence = options.confidence ?? 0.95;
	const divisor = options.divideBy ?? {estimate: 1, logSd: 0};
	const random = createRng(options.seed);
	const sampleBase = createMedianSampler(baseSorted);
	const sampleCandidate = createMedianSampler(candidateSorted);
	const replicates = new Float64Array(resamples);
	for (let r = 0; r < resamples; r++) {
		const b = sampleBase(random);
		const c = sampleCandidate(random);
		const factor = divisor.logSd > 0 ? divisor.estimate * Math.exp(divisor.logSd * normalDeviate(random)) : divisor.estimate;
		replicates[r] = c / b / factor;
	}

	const sorted = Float64Array.from(replicates).sort();
	const alpha = 1 - confidence;
	return {
		ratio: medianSorted(candidateSorted) / medianSorted(baseSorted) / divisor.estimate,
		low: quantileSorted(sorted, alpha / 2),
		high: quantileSorted(sorted, 1 - alpha / 2),
		confidence,
		replicates,
	};
}
