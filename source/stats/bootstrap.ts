/**
 * Seeded bootstrap of the ratio of medians. A bootstrap resample of a sorted sample has its
 * median at order statistics whose distribution is known exactly (the resample's count of
 * indices <= j is Binomial(n, j/n)), so each replicate draws the resample median directly from
 * that distribution instead of drawing n indices: the replicates are distributed exactly as
 * a plain resample-and-take-the-median bootstrap, at O(log n) a replicate instead of O(n).
 * `sampleMedianDirect` is the plain bootstrap, kept to test the fast sampler against.
 *
 * Samples from several runs are not independent draws from one distribution: on a shared host a
 * whole run can fall in a spell of slower CPU. Resampling the samples alone then gives an interval
 * as narrow as if every sample were independent. `createRunMedianSampler` resamples whole runs
 * instead (a cluster bootstrap, as in Kalibera and Jones, "Rigorous benchmarking in reasonable
 * time", 2013), and `bootstrapRatioOfMedians` keeps whichever of the two intervals is wider.
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

/** How many pooled values a checkpoint of the run median sampler stands for. */
const CHECKPOINT = 64;

/**
 * A function drawing the median of one resample of whole runs: as many runs as there are, drawn
 * with replacement, each with all its values, and the median of their pooled values. Each run
 * ascending and non-empty. The values of all runs are pooled and sorted once, each with its run;
 * every 64th place keeps how many values of each run lie before it. A replicate weighs each run
 * by how often it was drawn, bisects the checkpoints for the middle (k operations a step for k
 * runs), then walks at most 64 values: O(k log(N/64) + 64) for N values in all, whatever their
 * number of runs (20 runs of 30 values a side for 50 cases: about a tenth of a second).
 */
export function createRunMedianSampler(runs: ReadonlyArray<ArrayLike<number>>): (random: Rng) => number {
	const k = runs.length;
	if (k === 0 || runs.some((run) => run.length === 0)) throw new RangeError('bootstrap of an empty run');
	const n = runs.reduce((sum, run) => sum + run.length, 0);
	// The pooled values in order, and the run of each.
	const order = Array.from({length: n}, (_, j) => j);
	const valueOf = new Float64Array(n);
	const runOfIndex = new Int32Array(n);
	let at = 0;
	for (const [i, run] of runs.entries()) {
		for (let j = 0; j < run.length; j++, at++) {
			valueOf[at] = run[j]!;
			runOfIndex[at] = i;
		}
	}

	order.sort((x, y) => valueOf[x]! - valueOf[y]!);
	const pooled = Float64Array.from(order, (j) => valueOf[j]!);
	const runOf = Int32Array.from(order, (j) => runOfIndex[j]!);
	// before[c * k + i]: how many values of run i lie among the first c * CHECKPOINT pooled ones.
	const checkpoints = Math.floor(n / CHECKPOINT);
	const before = new Int32Array((checkpoints + 1) * k);
	for (let c = 1; c <= checkpoints; c++) {
		before.copyWithin(c * k, (c - 1) * k, c * k);
		for (let j = (c - 1) * CHECKPOINT; j < c * CHECKPOINT; j++) before[c * k + runOf[j]!]!++;
	}

	const draws = new Int32Array(k);
	const weightBefore = (c: number): number => {
		let weight = 0;
		for (let i = 0; i < k; i++) weight += draws[i]! * before[c * k + i]!;
		return weight;
	};

	// The place in `pooled` of the position-th smallest (1-based) drawn value: the last checkpoint
	// with fewer drawn values before it than the position, then a walk from there. `reached` is
	// how many drawn values lie at or before that place.
	let reached = 0;
	const select = (position: number): number => {
		let lo = 0;
		let hi = checkpoints;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (weightBefore(mid) < position) lo = mid;
			else hi = mid - 1;
		}

		reached = weightBefore(lo);
		let j = lo * CHECKPOINT;
		for (; j < n - 1; j++) {
			reached += draws[runOf[j]!]!;
			if (reached >= position) return j;
		}

		reached += draws[runOf[j]!]!;
		return j;
	};

	return (random) => {
		draws.fill(0);
		for (let i = 0; i < k; i++) draws[Math.floor(random() * k)]!++;
		let total = 0;
		for (let i = 0; i < k; i++) total += draws[i]! * runs[i]!.length;
		const lower = select(Math.floor((total + 1) / 2));
		if (total % 2 === 1) return pooled[lower]!;
		// The upper middle: the same place while its value was drawn often enough, else the next drawn one.
		let upper = lower;
		while (reached < total / 2 + 1 && upper < n - 1) reached += draws[runOf[++upper]!]!;
		return (pooled[lower]! + pooled[upper]!) / 2;
	};
}

/** The median of one resample of whole runs drawn plainly (k runs drawn, values pooled and sorted). For tests. */
export function sampleRunMedianDirect(runs: ReadonlyArray<ArrayLike<number>>, random: Rng): number {
	const pick: number[] = [];
	for (let i = 0; i < runs.length; i++) pick.push(...Array.from(runs[Math.floor(random() * runs.length)]!));
	return medianSorted(Float64Array.from(pick).sort());
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
	/**
	 * Each side's values split by run, each run ascending. When either side has two or more runs,
	 * whole runs are resampled too, and the wider of the two intervals is kept.
	 */
	readonly runs?: {readonly base: ReadonlyArray<ArrayLike<number>>; readonly candidate: ReadonlyArray<ArrayLike<number>>};
}

export interface RatioOfMedians {
	/** median(candidate) / median(base), after any divisor. */
	readonly ratio: number;
	readonly low: number;
	readonly high: number;
	readonly confidence: number;
	/** The bootstrap replicates of the ratio, in replicate order (for combining cases, e.g. a geomean). */
	readonly replicates: Float64Array;
	/**
	 * 'samples': samples resampled one by one; 'runs': whole runs resampled, because that interval
	 * was the wider (the runs' medians differ more than their samples' spread accounts for).
	 */
	readonly basis: 'samples' | 'runs';
}

/** A standard normal deviate (Box-Muller) from the seeded generator. */
function normalDeviate(random: Rng): number {
	const u = 1 - random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Replicates of candidate / base / divisor, from the two median samplers and the seeded generator. */
function drawRatioReplicates(sampleBase: (random: Rng) => number, sampleCandidate: (random: Rng) => number, divisor: UncertainFactor, resamples: number, seed: number): Float64Array {
	const random = createRng(seed);
	const replicates = new Float64Array(resamples);
	for (let r = 0; r < resamples; r++) {
		const b = sampleBase(random);
		const c = sampleCandidate(random);
		const factor = divisor.logSd > 0 ? divisor.estimate * Math.exp(divisor.logSd * normalDeviate(random)) : divisor.estimate;
		replicates[r] = c / b / factor;
	}

	return replicates;
}

/** The percentile interval of some replicates at `confidence`. */
function percentileInterval(replicates: Float64Array, confidence: number): {low: number; high: number} {
	const sorted = Float64Array.from(replicates).sort();
	const alpha = 1 - confidence;
	return {low: quantileSorted(sorted, alpha / 2), high: quantileSorted(sorted, 1 - alpha / 2)};
}

/** How wide an interval of ratios is, on the log scale (NaN and infinite widths count as widest). */
function logWidth(interval: {low: number; high: number}): number {
	const width = Math.log(interval.high) - Math.log(interval.low);
	return Number.isNaN(width) ? Number.POSITIVE_INFINITY : width;
}

/**
 * median(candidate) / median(base) with a percentile bootstrap interval; base and candidate
 * are resampled independently. With runs given and two or more on either side, whole runs are
 * resampled as well, on a generator of their own, and the wider interval is kept with its
 * replicates. Same inputs and seed, same interval.
 */
export function bootstrapRatioOfMedians(baseSorted: ArrayLike<number>, candidateSorted: ArrayLike<number>, options: RatioOfMediansOptions): RatioOfMedians {
	const resamples = options.resamples ?? 2000;
	const confidence = options.confidence ?? 0.95;
	const divisor = options.divideBy ?? {estimate: 1, logSd: 0};
	const ratio = medianSorted(candidateSorted) / medianSorted(baseSorted) / divisor.estimate;
	const sampleBase = createMedianSampler(baseSorted);
	const sampleCandidate = createMedianSampler(candidateSorted);
	const replicates = drawRatioReplicates(sampleBase, sampleCandidate, divisor, resamples, options.seed);
	const interval = percentileInterval(replicates, confidence);
	const runs = options.runs;
	if (runs && (runs.base.length > 1 || runs.candidate.length > 1)) {
		// A side of one run has no runs to resample: its samples are resampled as above, by the same sampler.
		const byRun = drawRatioReplicates(
			runs.base.length > 1 ? createRunMedianSampler(runs.base) : sampleBase,
			runs.candidate.length > 1 ? createRunMedianSampler(runs.candidate) : sampleCandidate,
			divisor, resamples, (options.seed ^ 0x5bd1e995) >>> 0);
		const byRunInterval = percentileInterval(byRun, confidence);
		if (logWidth(byRunInterval) > logWidth(interval)) return {ratio, ...byRunInterval, confidence, replicates: byRun, basis: 'runs'};
	}

	return {ratio, ...interval, confidence, replicates, basis: 'samples'};
}
