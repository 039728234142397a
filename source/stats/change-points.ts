/**
 * Change points in a series of per-release values (a case's medians in release order): where
 * did it get slower, faster or noisier, and is the change still there.
 *
 * E-divisive with means (Matteson & James 2014, "A nonparametric approach for multiple change
 * point analysis of multivariate data", JASA 109(505)) finds candidates: the split (τ, κ) of an
 * interval that maximises the energy-distance statistic Q̂, accepted while a permutation test
 * (shuffling within the current clusters) says it is significant. As Apache Otava (Fleming et
 * al. 2023, "Hunter") does, it runs over sliding windows of fixed positions, so a change point
 * found in old releases stays where it is when new releases arrive, and the weak change points
 * of all windows are then merged: the weakest is dropped, and its neighbours re-tested on the
 * segments it joined, until every one left is significant and large enough. The merge step tests
 * adjacent segments with Mann-Whitney (release medians have outliers; a t-test would be swayed),
 * and the change is a Hodges-Lehmann ratio with its interval. Pure and deterministic (seeded).
 */
import {computeHodgesLehmann} from './hodges-lehmann.js';
import {mannWhitneyU} from './mann-whitney.js';
import {createRng, hashSeed} from './random.js';

export interface ChangePointOptions {
	/** The largest p-value a reported change point may have (merge step). */
	readonly maxPValue?: number;
	/** The smallest relative change of the median reported (0.02 = 2%). */
	readonly minChange?: number;
	/** Releases per sliding window of the split step (windows overlap by half). */
	readonly windowLength?: number;
	/** The fewest releases on either side of a change point. */
	readonly minSegment?: number;
	/** Permutations of the split step's significance test. */
	readonly permutations?: number;
	/** The p-value that makes a weak change point in the split step. */
	readonly splitPValue?: number;
	readonly seed?: number;
	/** Of the change's interval. */
	readonly confidence?: number;
}

/** The defaults, chosen by measurement (scripts/stats/change-point-rates.mjs prints the rates). */
export const DEFAULT_CHANGE_POINT_OPTIONS = {
	maxPValue: 0.0001,
	minChange: 0.01,
	windowLength: 50,
	minSegment: 4,
	permutations: 99,
	splitPValue: 0.02,
	seed: 1,
	confidence: 0.95,
} as const satisfies Required<ChangePointOptions>;

export type ChangeDirection = 'slower' | 'faster' | 'noisier';

export interface ChangePoint {
	/** The index of the first value after the change. */
	readonly index: number;
	readonly medianBefore: number;
	readonly medianAfter: number;
	/** Values tested either side: to the neighbouring change point, at most a window. */
	readonly countBefore: number;
	readonly countAfter: number;
	/** Relative change of the level, after over before minus one (Hodges-Lehmann ratio). */
	readonly change: number;
	readonly changeLow: number;
	readonly changeHigh: number;
	readonly pValue: number;
	/** Higher values are slower: time, CPU time and memory all read that way. */
	readonly direction: ChangeDirection;
}

interface Candidate {
	readonly index: number;
	readonly qhat: number;
}

type Interval = readonly [start: number, end: number];

/**
 * Rows of running sums of distances: row k holds Σ_{i'<i} |x_i' − x_k| at column i, so any
 * sum of the distances from x_k to a run of the window is two lookups.
 */
function distanceSums(values: Float64Array, into?: Float64Array): Float64Array {
	const n = values.length;
	const sums = into !== undefined && into.length >= n * (n + 1) ? into : new Float64Array(n * (n + 1));
	for (let k = 0; k < n; k++) {
		const row = k * (n + 1);
		const xk = values[k]!;
		let total = 0;
		for (let i = 0; i < n; i++) {
			sums[row + i] = total;
			total += Math.abs(values[i]! - xk);
		}

		sums[row + n] = total;
	}

	return sums;
}

/** 1 / k for k < length (0 for k = 0): the split search multiplies instead of dividing. */
const reciprocals = new Map<number, Float64Array>();
function getReciprocals(length: number): Float64Array {
	let table = reciprocals.get(length);
	if (!table) {
		table = new Float64Array(length);
		for (let k = 1; k < length; k++) table[k] = 1 / k;
		reciprocals.set(length, table);
	}

	return table;
}

/** The (τ, κ) split of [start, end) with the largest Q̂, both parts at least minSegment long. */
function bestSplit(sums: Float64Array, n: number, [start, end]: Interval, minSegment: number): Candidate | undefined {
	const stride = n + 1;
	const inverse = getReciprocals(n + 2);
	let bestQhat = Number.NEGATIVE_INFINITY;
	let bestTau = -1;
	let withinLeft = 0;
	for (let tau = start + 1; tau <= end - minSegment; tau++) {
		// Within-left sum grows by the distances from x_{τ-1} to the values before it.
		const added = tau - 1;
		withinLeft += sums[added * stride + added]! - sums[added * stride + start]!;
		const left = tau - start;
		if (left < minSegment) continue;
		// Q̂ = (2·between − 2·right·withinLeft/(left−1) − 2·left·withinRight/(right−1)) / (left+right).
		const leftTerm = left > 1 ? 2 * withinLeft * inverse[left - 1]! : 0;
		let between = 0;
		let withinRight = 0;
		for (let kappa = tau + 1; kappa <= end; kappa++) {
			const row = (kappa - 1) * stride;
			between += sums[row + tau]! - sums[row + start]!;
			withinRight += sums[row + kappa - 1]! - sums[row + tau]!;
			const right = kappa - tau;
			if (right < minSegment) continue;
			const qhat = (2 * between - right * leftTerm - (right > 1 ? 2 * left * withinRight * inverse[right - 1]! : 0)) * inverse[left + right]!;
			if (qhat > bestQhat) {
				bestQhat = qhat;
				bestTau = tau;
			}
		}
	}

	return bestTau === -1 ? undefined : {index: bestTau, qhat: bestQhat};
}

function bestSplitOfAll(values: Float64Array, intervals: readonly Interval[], minSegment: number, buffer?: Float64Array): Candidate | undefined {
	const sums = distanceSums(values, buffer);
	let best: Candidate | undefined;
	for (const interval of intervals) {
		const candidate = bestSplit(sums, values.length, interval, minSegment);
		if (candidate !== undefined && (best === undefined || candidate.qhat > best.qhat)) best = candidate;
	}

	return best;
}

/**
 * The permutation p-value of a candidate: values shuffled within each interval, the largest Q̂
 * of each shuffle compared with the candidate's. Stops early once the p-value cannot reach
 * the level any more, which is most of the work saved on series without a change.
 */
interface WindowOptions {
	readonly permutations: number;
	readonly level: number;
	readonly minSegment: number;
	readonly random: () => number;
	/** Scratch space reused by every window: the shuffled values and their distance sums. */
	readonly scratch: {shuffled: Float64Array; sums: Float64Array};
}

function permutationPValue(values: Float64Array, intervals: readonly Interval[], candidate: Candidate, options: WindowOptions): number {
	const shuffled = options.scratch.shuffled.subarray(0, values.length);
	shuffled.set(values);
	const buffer = options.scratch.sums;
	let exceeded = 0;
	const {permutations, level, minSegment, random} = options;
	for (let r = 0; r < permutations; r++) {
		for (const [start, end] of intervals) {
			for (let i = end - 1; i > start; i--) {
				const j = start + Math.floor(random() * (i - start + 1));
				const t = shuffled[i]!;
				shuffled[i] = shuffled[j]!;
				shuffled[j] = t;
			}
		}

		const found = bestSplitOfAll(shuffled, intervals, minSegment, buffer);
		if (found !== undefined && found.qhat >= candidate.qhat) exceeded++;
		// (exceeded + 1) / (permutations + 1) > level whatever the remaining shuffles give.
		if ((exceeded + 1) / (permutations + 1) > level) return (exceeded + 1) / (r + 2);
	}

	return (exceeded + 1) / (permutations + 1);
}

/** E-divisive over one window: the indices (within the window) of its significant splits. */
function divideWindow(values: Float64Array, options: WindowOptions): number[] {
	const points: number[] = [];
	for (;;) {
		const bounds = [0, ...points, values.length];
		const intervals: Interval[] = [];
		for (let i = 0; i + 1 < bounds.length; i++) intervals.push([bounds[i]!, bounds[i + 1]!]);
		const candidate = bestSplitOfAll(values, intervals, options.minSegment, options.scratch.sums);
		if (candidate === undefined) return points;
		if (permutationPValue(values, intervals, candidate, options) > options.level) return points;
		points.push(candidate.index);
		points.sort((a, b) => a - b);
	}
}

function medianOf(values: ArrayLike<number>): number {
	const sorted = Array.from(values).sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface SegmentTest {
	readonly point: ChangePoint;
	/** Whether the level moved significantly and by at least minChange. */
	readonly isLevel: boolean;
	/** Whether only the spread moved (significantly, at least doubled or halved). */
	readonly isSpread: boolean;
}

/**
 * Tests the segments either side of one change point against each other, each at most a window
 * long: the level just before and just after the change, which a slow drift elsewhere in a long
 * segment does not blur, and which releases added far away do not alter.
 */
function testSegments(series: Float64Array, from: number, index: number, to: number, options: Required<ChangePointOptions>): SegmentTest {
	const before = series.subarray(Math.max(from, index - options.windowLength), index);
	const after = series.subarray(index, Math.min(to, index + options.windowLength));
	const medianBefore = medianOf(before);
	const medianAfter = medianOf(after);
	// Exact for a short side (a change a few releases ago); the normal approximation cannot reach
	// small p-values there (4 against 46 at best 7.7e-4 against an exact 2.6e-6).
	const isShort = Math.min(before.length, after.length) <= 10;
	const testOptions = isShort ? {exactLimit: Math.max(before.length, after.length) + 1} : {};
	const location = mannWhitneyU(after, before, testOptions);
	const isPositive = before.every((v) => v > 0) && after.every((v) => v > 0);
	let change: number;
	let changeLow: number;
	let changeHigh: number;
	if (isPositive) {
		const shift = computeHodgesLehmann(Array.from(after, Math.log), Array.from(before, Math.log), options.confidence);
		change = Math.expm1(shift.estimate);
		changeLow = Math.expm1(shift.low);
		changeHigh = Math.expm1(shift.high);
	} else {
		const shift = computeHodgesLehmann(after, before, options.confidence);
		const scale = Math.abs(medianBefore) || 1;
		change = shift.estimate / scale;
		changeLow = shift.low / scale;
		changeHigh = shift.high / scale;
	}

	const isLevel = location.pValue <= options.maxPValue && Math.abs(change) >= options.minChange;
	// Spread: Mann-Whitney on absolute deviations from each segment's median.
	const spreadAfter = Array.from(after, (v) => Math.abs(v - medianAfter));
	const spreadBefore = Array.from(before, (v) => Math.abs(v - medianBefore));
	const madRatio = (medianOf(spreadAfter) || Number.MIN_VALUE) / (medianOf(spreadBefore) || Number.MIN_VALUE);
	const spread = mannWhitneyU(spreadAfter, spreadBefore, testOptions);
	const isSpread = !isLevel && madRatio >= 2 && spread.pValue <= options.maxPValue;
	return {
		point: {
			index,
			medianBefore,
			medianAfter,
			countBefore: before.length,
			countAfter: after.length,
			change,
			changeLow,
			changeHigh,
			pValue: isSpread ? spread.pValue : location.pValue,
			direction: isLevel ? (change > 0 ? 'slower' : 'faster') : 'noisier',
		},
		isLevel,
		isSpread,
	};
}

/**
 * The change points of a series in order, each with the segments either side of it. Values
 * must be finite; a series shorter than two segments has none.
 */
export function computeChangePoints(series: ArrayLike<number>, options: ChangePointOptions = {}): ChangePoint[] {
	const settings: Required<ChangePointOptions> = {...DEFAULT_CHANGE_POINT_OPTIONS, ...options};
	const values = Float64Array.from(series);
	if (values.some((v) => !Number.isFinite(v))) throw new RangeError('change points need finite values');
	const n = values.length;
	const {windowLength, minSegment} = settings;
	if (windowLength < 2 * minSegment) throw new RangeError(`the window (${windowLength}) must hold two segments of ${minSegment}`);
	if (n < 2 * minSegment) return [];

	// Split: windows at fixed positions, so old windows (and their change points) never move.
	// The series itself proposes changes of level; its absolute successive differences propose
	// changes of spread, which the energy statistic alone finds poorly in short windows.
	const weak = new Set<number>();
	const differences = values.map((v, i) => (i === 0 ? Math.abs(values[1]! - v) : Math.abs(v - values[i - 1]!)));
	const step = Math.max(1, Math.floor(windowLength / 2));
	const scratch = {shuffled: new Float64Array(windowLength), sums: new Float64Array(windowLength * (windowLength + 1))};
	for (const [name, series] of [['level', values], ['spread', differences]] as const) {
		for (let start = 0; start < n; start += step) {
			const end = Math.min(n, start + windowLength);
			if (end - start >= 2 * minSegment) {
				const random = createRng(hashSeed(`${name}:${start}`, settings.seed));
				// The spread pass only proposes: its candidates face the merge step's own test, so
				// half the shuffles do (the smallest p-value they can give is still the level).
				const permutations = name === 'spread' ? Math.max(Math.ceil(1 / settings.splitPValue) - 1, Math.floor(settings.permutations / 2)) : settings.permutations;
				for (const point of divideWindow(series.subarray(start, end), {permutations, level: settings.splitPValue, minSegment, random, scratch})) {
					weak.add(start + point);
				}
			}

			if (end === n) break;
		}
	}

	// Merge: drop the weakest until every change point left stands on its own segments.
	const points = [...weak].sort((a, b) => a - b);
	const testAt = (i: number): SegmentTest => testSegments(values, i === 0 ? 0 : points[i - 1]!, points[i]!, i + 1 < points.length ? points[i + 1]! : n, settings);
	let tests = points.map((_, i) => testAt(i));
	for (;;) {
		let weakest = -1;
		for (let i = 0; i < tests.length; i++) {
			const test = tests[i]!;
			if (test.isLevel || test.isSpread) continue;
			if (weakest === -1 || test.point.pValue > tests[weakest]!.point.pValue
				|| (test.point.pValue === tests[weakest]!.point.pValue && Math.abs(test.point.change) < Math.abs(tests[weakest]!.point.change))) {
				weakest = i;
			}
		}

		if (weakest === -1) break;
		points.splice(weakest, 1);
		tests.splice(weakest, 1);
		// The neighbours now span the removed point's segments.
		tests = tests.map((test, i) => (i === weakest - 1 || i === weakest ? testAt(i) : test));
	}

	return tests.map((test) => test.point);
}
