/**
 * The comparison of two releases, case by case, from plain numbers. Pure: samples, options
 * and a seed in, a result out; the same inputs always give the same result.
 *
 * Per case: n, median and its order-statistic CI on each side, the change in % (ratio of
 * medians with a seeded bootstrap CI, the candidate divided by the overhead factor when the two
 * sides ran in different environments, the factor's uncertainty carried into the interval), the
 * Mann-Whitney p-value, Holm-adjusted across cases, and a verdict. A change is significant when
 * the adjusted p-value is below alpha AND the change's interval excludes zero; it is a
 * regression (improvement) when significant and slower (faster) by more than the threshold.
 */
import {bootstrapRatioOfMedians, factorFromInterval} from '../stats/bootstrap.js';
import {quantileSorted, sortAscending} from '../stats/descriptive.js';
import {computeHodgesLehmannSorted} from '../stats/hodges-lehmann.js';
import {adjustHolm} from '../stats/holm.js';
import {mannWhitneyUSorted, minSamplesForUTest} from '../stats/mann-whitney.js';
import {computeMedianCiSorted, minSamplesForMedianCi} from '../stats/median-ci.js';
import {hashSeed} from '../stats/random.js';

export type Verdict = 'regression' | 'improvement' | 'no significant change' | 'too few samples' | typeof UNDECIDED_COARSE;

// Issue 15 (calibration): a verdict the calibration's uncertainty leaves open. Kept apart from the
// other labels so the verdict-label rework can fold it into its table.
/** Not significant, but the interval reaches past the threshold and the overhead alone is uncertain by over half of it. */
export const UNDECIDED_COARSE = 'undecided: calibration too coarse';

/** Whether a not-significant adjusted change is undecided because the calibration is too coarse. */
export function isCalibrationTooCoarse(adjustment: CaseAdjustment | undefined, ratio: {low: number; high: number}, thresholdPct: number): boolean {
	if (!adjustment) return false;
	const threshold = thresholdPct / 100;
	const reachesPast = ratio.low < 1 - threshold || ratio.high > 1 + threshold;
	const adjustmentHalfWidth = Math.max(adjustment.factor / adjustment.low - 1, adjustment.high / adjustment.factor - 1);
	return reachesPast && adjustmentHalfWidth > threshold / 2;
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
	/** The calibrations it came from. */
	readonly calibrationIds?: readonly number[];
	/** The confidence of [low, high] (default 0.95). */
	readonly confidence?: number;
}

export interface CompareOptions {
	/** Significance level (default 0.05); intervals are at 1 - alpha. */
	readonly alpha?: number;
	/** A change smaller than this (in %) is never a regression or improvement (default 2). */
	readonly thresholdPct?: number;
	readonly seed?: number;
	readonly resamples?: number;
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
	/** (adjusted candidate median / base median - 1) · 100. */
	readonly changePct: number | undefined;
	readonly changeLowPct: number | undefined;
	readonly changeHighPct: number | undefined;
	/** Hodges-Lehmann shift of the (adjusted) candidate against the base, in the metric's unit. */
	readonly shift: {readonly estimate: number; readonly low: number; readonly high: number} | undefined;
	readonly pValue: number | undefined;
	/** Holm-adjusted across the cases of this comparison. */
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
	readonly minSamples: number;
	readonly seed: number;
	readonly cases: readonly CaseComparison[];
	/** Over the cases with enough samples; undefined when none has. */
	readonly geomean: GeomeanSummary | undefined;
	readonly counts: Readonly<Record<Verdict, number>>;
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
	const seed = options.seed ?? 1;
	const resamples = options.resamples ?? 2000;
	const minSamples = getMinSamples(alpha);
	const names = [...new Set([...base.keys(), ...candidate.keys()])].sort();

	interface Partial {
		caseName: string;
		base: SideSummary | undefined;
		candidate: SideSummary | undefined;
		adjustment: CaseAdjustment | undefined;
		adjustedCandidateMedian: number | undefined;
		ratio?: {ratio: number; low: number; high: number; replicates: Float64Array};
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
		const ratio = bootstrapRatioOfMedians(baseSorted, candidateSorted, {
			seed: hashSeed(caseName, seed),
			resamples,
			confidence,
			...(adjustment ? {divideBy: factorFromInterval(adjustment.factor, adjustment.low, adjustment.high, adjustment.confidence ?? 0.95)} : {}),
		});
		partial.ratio = ratio;
		if (options.withShift ?? true) {
			const shift = computeHodgesLehmannSorted(adjusted, baseSorted, confidence);
			partial.shift = {estimate: shift.estimate, low: shift.low, high: shift.high};
		}

		return partial;
	});

	const adjustedP = adjustHolm(partials.map((p) => p.pValue));
	const counts: Record<Verdict, number> = {'regression': 0, 'improvement': 0, 'no significant change': 0, 'too few samples': 0, [UNDECIDED_COARSE]: 0};
	const cases = partials.map((partial, index): CaseComparison => {
		const pAdjusted = adjustedP[index]!;
		const ratio = partial.ratio;
		let verdict: Verdict = 'too few samples';
		let isSignificant = false;
		if (ratio) {
			isSignificant = pAdjusted < alpha && (ratio.low > 1 || ratio.high < 1);
			const changePct = (ratio.ratio - 1) * 100;
			verdict = isSignificant && changePct > thresholdPct
				? 'regression'
				: (isSignificant && changePct < -thresholdPct ? 'improvement' : 'no significant change');
			if (verdict === 'no significant change' && isCalibrationTooCoarse(partial.adjustment, ratio, thresholdPct)) verdict = UNDECIDED_COARSE;
		}

		counts[verdict]++;
		return {
			caseName: partial.caseName,
			base: partial.base,
			candidate: partial.candidate,
			adjustedCandidateMedian: partial.adjustedCandidateMedian,
			adjustment: partial.adjustment,
			changePct: partial.adjustedCandidateMedian !== undefined && partial.base ? (partial.adjustedCandidateMedian / partial.base.median - 1) * 100 : undefined,
			changeLowPct: ratio ? (ratio.low - 1) * 100 : undefined,
			changeHighPct: ratio ? (ratio.high - 1) * 100 : undefined,
			shift: partial.shift,
			pValue: Number.isNaN(partial.pValue) ? undefined : partial.pValue,
			pAdjusted: Number.isNaN(pAdjusted) ? undefined : pAdjusted,
			isSignificant,
			verdict,
		};
	});

	return {alpha, confidence, thresholdPct, minSamples, seed, cases, geomean: summarizeGeomean(partials.flatMap((p) => (p.ratio ? [p.ratio] : [])), confidence), counts};
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
