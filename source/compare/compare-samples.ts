/**
 * The comparison of two releases, case by case, from plain numbers. Pure: samples, options
 * and a seed in, a result out; the same inputs always give the same result.
 *
 * Per case: n, median and its order-statistic CI on each side, the change in % (ratio of
 * medians with a seeded bootstrap CI, the candidate divided by the overhead factor when the two
 * sides ran in different environments, the factor's uncertainty carried into the interval), the
 * Mann-Whitney p-value, corrected across cases (Holm by default), and a verdict from the table in
 * verdicts.ts. A change is significant when the adjusted p-value is below alpha AND the change's
 * interval excludes no change. The threshold is symmetric on the log scale (2% means a ratio
 * above 1.02 or below 1/1.02); a significant change is a regression (improvement) when beyond it
 * (by its point estimate, or with `strict` by its whole interval), else "slower (faster), within
 * threshold". When the base median is 0 the ratio is meaningless: the case is decided on the test
 * and the Hodges-Lehmann shift (in the metric's unit), and left out of the geometric mean.
 * Failed iterations, and cases on one side only, get their own verdicts.
 */
import {bootstrapRatioOfMedians, factorFromInterval} from '../stats/bootstrap.js';
import {quantileSorted, sortAscending} from '../stats/descriptive.js';
import {computeHodgesLehmannSorted} from '../stats/hodges-lehmann.js';
import {mannWhitneyUSorted, minSamplesForUTest} from '../stats/mann-whitney.js';
import {computeMedianCiSorted, minSamplesForMedianCi} from '../stats/median-ci.js';
import {adjustPValues, type Correction} from '../stats/multiple-testing.js';
import {hashSeed} from '../stats/random.js';
import {formatPercent, nameSome} from '../text/text.js';
import {createVerdictCounts, type Verdict} from './verdicts.js';

export type {Verdict} from './verdicts.js';

/** A side's failed iterations of one case (non-zero exit, timeout, OOM kill). */
export interface FailureSummary {
	readonly count: number;
	/** The first failure's reason, e.g. "exit code 1". */
	readonly firstReason: string;
}

// Issue 15 (calibration): the verdict the calibration's uncertainty leaves open (see verdicts.ts).
export const UNDECIDED_COARSE = 'undecided: calibration too coarse' satisfies Verdict;

/**
 * Whether a not-significant adjusted change is undecided because the calibration is too coarse:
 * the change's interval reaches past the (log-symmetric) threshold and the overhead alone is
 * uncertain by more than half of it.
 */
export function isCalibrationTooCoarse(adjustment: CaseAdjustment | undefined, ratio: {low: number; high: number}, thresholdPct: number): boolean {
	if (!adjustment) return false;
	const upper = 1 + thresholdPct / 100;
	const reachesPast = ratio.low < 1 / upper || ratio.high > upper;
	const adjustmentHalfWidth = Math.max(adjustment.factor / adjustment.low - 1, adjustment.high / adjustment.factor - 1);
	return reachesPast && adjustmentHalfWidth > thresholdPct / 100 / 2;
}

/**
 * A warning when cases read "no significant change" while their interval still reaches past the
 * threshold on the slower side: the runs could not rule out a regression of the threshold's size,
 * yet a gate passes them. Undefined when no such case. Pure.
 */
export function getWideIntervalWarning(cases: ReadonlyArray<{readonly caseName: string; readonly verdict: string; readonly changeLowPct?: number; readonly changeHighPct?: number}>, thresholdPct: number): string | undefined {
	const wide = cases.filter((c) => c.verdict === 'no significant change' && c.changeHighPct !== undefined && c.changeHighPct > thresholdPct);
	if (wide.length === 0) return undefined;
	const named = wide.map((c) => `${c.caseName} (${c.changeLowPct === undefined ? '' : `${formatPercent(c.changeLowPct)}..`}${formatPercent(c.changeHighPct)})`);
	return `${wide.length} case(s) read "no significant change" with an interval reaching past the ${thresholdPct}% threshold, so a regression of that size is not ruled out: ${nameSome(named)}; more iterations, or runs on a quieter host, narrow the intervals`;
}

/** The overhead applied to one case: candidate values are divided by `factor`. */
export interface CaseAdjustment {
	readonly factor: number;
	readonly low: number;
	readonly high: number;
	/**
	 * 'case': the calibration measured a case of this name; 'workload': the calibration workload
	 * matching the case's profile (named in `workload`); 'summary': the geometric mean over all cases.
	 */
	readonly source: 'case' | 'workload' | 'summary';
	readonly workload?: string;
	/**
	 * The part of the uncertainty that is the overhead's own drift between calibration rounds
	 * (both sides combined, the standard deviation of the log, as %); absent when none drifted.
	 */
	readonly driftPct?: number;
	/** The calibrations it came from. */
	readonly calibrationIds?: readonly number[];
	/** The confidence of [low, high] (default 0.95). */
	readonly confidence?: number;
}

export interface CompareOptions {
	/** Significance level (default 0.05); intervals are at 1 - alpha. */
	readonly alpha?: number;
	/** A change smaller than this (in %, symmetric on the log scale) is never a regression or improvement (default 2). */
	readonly thresholdPct?: number;
	/** A regression (improvement) needs the whole change interval beyond the threshold, not just the estimate. */
	readonly isStrict?: boolean;
	/** The correction across cases (default holm). */
	readonly correction?: Correction;
	/** Failed iterations per case on each side; they are not among the sample values. */
	readonly failures?: {readonly base?: ReadonlyMap<string, FailureSummary>; readonly candidate?: ReadonlyMap<string, FailureSummary>};
	readonly seed?: number;
	readonly resamples?: number;
	/**
	 * How many of each case's values came from each run, in the order they appear (a side's values
	 * grouped by run). With two or more runs on a side, whole runs are resampled too and the wider
	 * interval is kept: runs on a shared host differ by more than their samples show.
	 */
	readonly runLengths?: {readonly base?: ReadonlyMap<string, readonly number[]>; readonly candidate?: ReadonlyMap<string, readonly number[]>};
	/** The overhead to divide each candidate case by, when the sides ran in different environments. */
	readonly adjustmentFor?: (caseName: string) => CaseAdjustment | undefined;
	/** Compute the Hodges-Lehmann shift too (m·n work per case; default true). */
	readonly withShift?: boolean;
}

export interface SideSummary {
	readonly n: number;
	readonly median: number;
	/** -Infinity/+Infinity when n is too small for an interval. */
	readonly low: number;
	readonly high: number;
	readonly min: number;
	readonly max: number;
	readonly p25: number;
	readonly p75: number;
}

export interface CaseComparison {
	readonly caseName: string;
	readonly base: SideSummary | undefined;
	/** The candidate as measured (before any adjustment). */
	readonly candidate: SideSummary | undefined;
	/** The candidate's median after dividing by the overhead factor. */
	readonly adjustedCandidateMedian: number | undefined;
	readonly adjustment: CaseAdjustment | undefined;
	/** (adjusted candidate median / base median - 1) · 100; undefined when the base median is 0. */
	readonly changePct: number | undefined;
	/** 'ratio': decided on the ratio of medians; 'shift': the base median is 0, decided on the shift. */
	readonly changeBasis: 'ratio' | 'shift';
	/** The case's ratio counts towards the geometric mean (a finite, positive ratio). */
	readonly isInGeomean: boolean;
	/** Failed iterations on each side, when either had any. */
	readonly failures: {readonly base: number; readonly candidate: number; readonly firstReason: string | undefined} | undefined;
	readonly changeLowPct: number | undefined;
	readonly changeHighPct: number | undefined;
	/**
	 * What the change interval resampled: 'samples' one by one, or whole 'runs' (the wider, when a
	 * side had two or more runs whose medians differ more than their samples account for).
	 */
	readonly intervalBasis: 'samples' | 'runs' | undefined;
	/** Hodges-Lehmann shift of the (adjusted) candidate against the base, in the metric's unit. */
	readonly shift: {readonly estimate: number; readonly low: number; readonly high: number} | undefined;
	readonly pValue: number | undefined;
	/** Corrected across the cases of this comparison (see SampleComparison.correction). */
	readonly pAdjusted: number | undefined;
	readonly isSignificant: boolean;
	readonly verdict: Verdict;
}

export interface GeomeanSummary {
	readonly cases: number;
	readonly ratio: number;
	readonly low: number;
	readonly high: number;
	readonly changePct: number;
	readonly changeLowPct: number;
	readonly changeHighPct: number;
}

export interface SampleComparison {
	readonly alpha: number;
	readonly confidence: number;
	readonly thresholdPct: number;
	readonly isStrict: boolean;
	readonly correction: Correction;
	/** How many p-values the correction was applied over. */
	readonly testedCases: number;
	/** Cases with samples or failures on both sides. */
	readonly commonCases: number;
	readonly minSamples: number;
	readonly seed: number;
	readonly cases: readonly CaseComparison[];
	/** Over the cases with a finite, positive ratio; undefined when none has. */
	readonly geomean: GeomeanSummary | undefined;
	/** Cases with enough samples but left out of the geometric mean (a median of 0). */
	readonly geomeanExcluded: readonly string[];
	readonly counts: Readonly<Record<Verdict, number>>;
}

/**
 * A side's values cut into its runs, each ascending, by the runs' lengths; one run (`sorted`, the
 * values ascending, sorted here when not given) when the lengths are absent or do not add up to
 * the values (the values then cannot be attributed). Runs without values are left out. Pure.
 */
export function splitRuns(values: readonly number[] | Float64Array, lengths: readonly number[] | undefined, sorted?: Float64Array): Float64Array[] {
	if (!lengths || lengths.length < 2 || lengths.reduce((sum, n) => sum + n, 0) !== values.length) return [sorted ?? sortAscending(values)];
	const runs: Float64Array[] = [];
	let start = 0;
	for (const length of lengths) {
		if (length > 0) runs.push(sortAscending(values.slice(start, start + length)));
		start += length;
	}

	return runs;
}

/** How many samples a side needs: enough for a finite median CI and for the U test to reach alpha. */
export function getMinSamples(alpha: number): number {
	return Math.max(minSamplesForUTest(alpha), minSamplesForMedianCi(1 - alpha));
}

function summarize(sorted: Float64Array, confidence: number): SideSummary {
	const ci = computeMedianCiSorted(sorted, confidence);
	return {
		n: sorted.length,
		median: ci.median,
		low: ci.low,
		high: ci.high,
		min: sorted[0]!,
		max: sorted[sorted.length - 1]!,
		p25: quantileSorted(sorted, 0.25),
		p75: quantileSorted(sorted, 0.75),
	};
}

/**
 * Compares every case present on either side. Values are one metric (e.g. wall ns) per sample;
 * the larger, the worse.
 */
export function compareSampleSets(
	base: ReadonlyMap<string, readonly number[] | Float64Array>,
	candidate: ReadonlyMap<string, readonly number[] | Float64Array>,
	options: CompareOptions = {},
): SampleComparison {
	const alpha = options.alpha ?? 0.05;
	const confidence = 1 - alpha;
	const thresholdPct = options.thresholdPct ?? 2;
	const isStrict = options.isStrict ?? false;
	const correction = options.correction ?? 'holm';
	const seed = options.seed ?? 1;
	const resamples = options.resamples ?? 2000;
	const minSamples = getMinSamples(alpha);
	const baseFailures = options.failures?.base ?? new Map<string, FailureSummary>();
	const candidateFailures = options.failures?.candidate ?? new Map<string, FailureSummary>();
	const names = [...new Set([...base.keys(), ...candidate.keys(), ...baseFailures.keys(), ...candidateFailures.keys()])].sort();

	interface Partial {
		caseName: string;
		base: SideSummary | undefined;
		candidate: SideSummary | undefined;
		adjustment: CaseAdjustment | undefined;
		adjustedCandidateMedian: number | undefined;
		ratio?: {ratio: number; low: number; high: number; replicates: Float64Array; basis: 'samples' | 'runs'};
		shift?: {estimate: number; low: number; high: number};
		pValue: number;
	}

	const partials: Partial[] = names.map((caseName) => {
		const baseValues = base.get(caseName);
		const candidateValues = candidate.get(caseName);
		const baseSorted = baseValues && baseValues.length > 0 ? sortAscending(baseValues) : undefined;
		const candidateSorted = candidateValues && candidateValues.length > 0 ? sortAscending(candidateValues) : undefined;
		const adjustment = options.adjustmentFor?.(caseName);
		const partial: Partial = {
			caseName,
			base: baseSorted ? summarize(baseSorted, confidence) : undefined,
			candidate: candidateSorted ? summarize(candidateSorted, confidence) : undefined,
			adjustment,
			adjustedCandidateMedian: undefined,
			pValue: Number.NaN,
		};
		if (!baseSorted || !candidateSorted) return partial;
		const factor = adjustment?.factor ?? 1;
		partial.adjustedCandidateMedian = partial.candidate!.median / factor;
		if (baseSorted.length < minSamples || candidateSorted.length < minSamples) return partial;

		const adjusted = factor === 1 ? candidateSorted : candidateSorted.map((v) => v / factor);
		partial.pValue = mannWhitneyUSorted(adjusted, baseSorted).pValue;
		// A base median of 0 makes every ratio infinite or undefined: decide on the shift instead.
		const isShiftBasis = partial.base!.median === 0;
		if (!isShiftBasis) {
			// A side of one run is its sorted values as they are: no second sort.
			const baseRuns = splitRuns(baseValues!, options.runLengths?.base?.get(caseName), baseSorted);
			const candidateRuns = splitRuns(candidateValues!, options.runLengths?.candidate?.get(caseName), candidateSorted);
			partial.ratio = bootstrapRatioOfMedians(baseSorted, candidateSorted, {
				seed: hashSeed(caseName, seed),
				resamples,
				confidence,
				...(adjustment ? {divideBy: factorFromInterval(adjustment.factor, adjustment.low, adjustment.high, adjustment.confidence ?? 0.95)} : {}),
				...(baseRuns.length > 1 || candidateRuns.length > 1 ? {runs: {base: baseRuns, candidate: candidateRuns}} : {}),
			});
		}

		if (isShiftBasis || (options.withShift ?? true)) {
			const shift = computeHodgesLehmannSorted(adjusted, baseSorted, confidence);
			partial.shift = {estimate: shift.estimate, low: shift.low, high: shift.high};
		}

		return partial;
	});

	const adjustedP = adjustPValues(partials.map((p) => p.pValue), correction);
	const testedCases = partials.filter((p) => !Number.isNaN(p.pValue)).length;
	const counts = createVerdictCounts();
	const upper = 1 + thresholdPct / 100;
	const lower = 1 / upper;
	let commonCases = 0;
	const cases = partials.map((partial, index): CaseComparison => {
		const pAdjusted = adjustedP[index]!;
		const {ratio, shift} = partial;
		const baseFailure = baseFailures.get(partial.caseName);
		const candidateFailure = candidateFailures.get(partial.caseName);
		const hasBase = partial.base !== undefined || baseFailure !== undefined;
		const hasCandidate = partial.candidate !== undefined || candidateFailure !== undefined;
		if (hasBase && hasCandidate) commonCases++;
		let isSignificant = false;
		let statistical: Verdict = 'too few samples';
		if (ratio) {
			isSignificant = pAdjusted < alpha && (ratio.low > 1 || ratio.high < 1);
			const isSlower = ratio.low > 1;
			const isBeyond = isSlower
				? (isStrict ? ratio.low > upper : ratio.ratio > upper)
				: (isStrict ? ratio.high < lower : ratio.ratio < lower);
			statistical = isSignificant
				? (isSlower ? (isBeyond ? 'regression' : 'slower, within threshold') : (isBeyond ? 'improvement' : 'faster, within threshold'))
				: (isCalibrationTooCoarse(partial.adjustment, ratio, thresholdPct) ? UNDECIDED_COARSE : 'no significant change');
		} else if (shift && !Number.isNaN(partial.pValue)) {
			// Base median 0: any significant shift is beyond every relative threshold.
			isSignificant = pAdjusted < alpha && (shift.low > 0 || shift.high < 0);
			statistical = isSignificant ? (shift.low > 0 ? 'regression' : 'improvement') : 'no significant change';
		}

		const candidateFailed = (candidateFailure?.count ?? 0) > 0;
		const baseFailed = (baseFailure?.count ?? 0) > 0;
		let verdict: Verdict = statistical;
		if (!hasCandidate) verdict = 'missing';
		else if (candidateFailed && !baseFailed) verdict = 'failing';
		else if (!hasBase) verdict = 'new';
		else if (baseFailed && !candidateFailed && statistical !== 'regression') verdict = 'fixed';

		counts[verdict]++;
		const isShiftBasis = partial.base?.median === 0;
		return {
			caseName: partial.caseName,
			base: partial.base,
			candidate: partial.candidate,
			adjustedCandidateMedian: partial.adjustedCandidateMedian,
			adjustment: partial.adjustment,
			changePct: partial.adjustedCandidateMedian !== undefined && partial.base && !isShiftBasis ? (partial.adjustedCandidateMedian / partial.base.median - 1) * 100 : undefined,
			changeLowPct: ratio ? (ratio.low - 1) * 100 : undefined,
			changeHighPct: ratio ? (ratio.high - 1) * 100 : undefined,
			changeBasis: isShiftBasis ? 'shift' : 'ratio',
			intervalBasis: ratio?.basis,
			isInGeomean: ratio !== undefined && isUsableRatio(ratio),
			failures: baseFailed || candidateFailed
				? {base: baseFailure?.count ?? 0, candidate: candidateFailure?.count ?? 0, firstReason: (candidateFailed ? candidateFailure : baseFailure)?.firstReason}
				: undefined,
			shift,
			pValue: Number.isNaN(partial.pValue) ? undefined : partial.pValue,
			pAdjusted: Number.isNaN(pAdjusted) ? undefined : pAdjusted,
			isSignificant,
			verdict,
		};
	});

	const inGeomean = partials.flatMap((p) => (p.ratio && isUsableRatio(p.ratio) ? [p.ratio] : []));
	const geomeanExcluded = partials.filter((p) => !Number.isNaN(p.pValue) && !(p.ratio && isUsableRatio(p.ratio))).map((p) => p.caseName);
	return {
		alpha, confidence, thresholdPct, isStrict, correction, testedCases, commonCases, minSamples, seed, cases,
		geomean: summarizeGeomean(inGeomean, confidence), geomeanExcluded, counts,
	};
}

/** A ratio the geometric mean can take: it and every replicate finite and positive (no median of 0 on either side). */
function isUsableRatio(ratio: {ratio: number; replicates: Float64Array}): boolean {
	if (!(ratio.ratio > 0 && Number.isFinite(ratio.ratio))) return false;
	for (const r of ratio.replicates) if (!(r > 0 && Number.isFinite(r))) return false;
	return true;
}

/** The geometric mean of the per-case ratios; its interval from the replicate-wise geometric means. */
function summarizeGeomean(ratios: ReadonlyArray<{ratio: number; replicates: Float64Array}>, confidence: number): GeomeanSummary | undefined {
	if (ratios.length === 0) return undefined;
	const replicateCount = Math.min(...ratios.map((r) => r.replicates.length));
	const replicateMeans = new Float64Array(replicateCount);
	let logSum = 0;
	for (const r of ratios) {
		logSum += Math.log(r.ratio);
		for (let i = 0; i < replicateCount; i++) replicateMeans[i] = replicateMeans[i]! + Math.log(r.replicates[i]!);
	}

	for (let i = 0; i < replicateCount; i++) replicateMeans[i] = Math.exp(replicateMeans[i]! / ratios.length);
	replicateMeans.sort();
	const alpha = 1 - confidence;
	const ratio = Math.exp(logSum / ratios.length);
	const low = quantileSorted(replicateMeans, alpha / 2);
	const high = quantileSorted(replicateMeans, 1 - alpha / 2);
	return {cases: ratios.length, ratio, low, high, changePct: (ratio - 1) * 100, changeLowPct: (low - 1) * 100, changeHighPct: (high - 1) * 100};
}
