/**
 * Pure statistics for one case's iterations: outliers by modified z-score (as hyperfine:
 * z = (x - median) / (1.4826 * MAD)) and the summary row printed after a run. Median and MAD
 * themselves come from stats/descriptive.ts, the one copy.
 */
import {MAD_NORMAL_CONSTANT, mad, median} from '../stats/descriptive.js';

/** Iglewicz & Hoaglin's cut-off for |modified z|; values above it are flagged, never dropped. */
export const OUTLIER_THRESHOLD = 3.5;
const MEAN_AD_TO_SIGMA = 1.253314;

/**
 * Modified z-scores. When the MAD is 0 (more than half the values equal), the mean absolute
 * deviation stands in (scaled to sigma), so a lone slow value is still caught; when that is 0
 * too, every score is 0.
 */
export function computeModifiedZScores(values: readonly number[]): number[] {
	if (values.length === 0) return [];
	const center = median(values);
	let scale = mad(values, MAD_NORMAL_CONSTANT);
	if (scale === 0) {
		const meanAd = values.reduce((sum, value) => sum + Math.abs(value - center), 0) / values.length;
		scale = MEAN_AD_TO_SIGMA * meanAd;
	}

	if (scale === 0) return values.map(() => 0);
	return values.map((value) => (value - center) / scale);
}

/** Fewer measured values than this say too little about spread to call any of them an outlier. */
export const MIN_VALUES_FOR_OUTLIERS = 5;

/** Which values are outliers (|modified z| > threshold). Pure. */
export function flagOutliers(values: readonly number[], threshold = OUTLIER_THRESHOLD): boolean[] {
	if (values.length < MIN_VALUES_FOR_OUTLIERS) return values.map(() => false);
	return computeModifiedZScores(values).map((score) => Math.abs(score) > threshold);
}

export interface CaseSummary {
	readonly caseName: string;
	readonly count: number;
	readonly warmups: number;
	readonly outliers: number;
	readonly failures: number;
	readonly medianNs: number | undefined;
	readonly meanNs: number | undefined;
	readonly minNs: number | undefined;
	readonly maxNs: number | undefined;
	readonly stddevNs: number | undefined;
	readonly madNs: number | undefined;
	readonly medianUserUs: number | undefined;
	readonly medianSystemUs: number | undefined;
	readonly maxRssBytes: number | undefined;
}

export interface MeasuredIteration {
	readonly wallNs: number;
	readonly userUs?: number | undefined;
	readonly systemUs?: number | undefined;
	readonly maxRssBytes?: number | undefined;
	readonly exitCode?: number | undefined;
	readonly isWarmup?: boolean;
	readonly isOutlier?: boolean;
}

function defined(values: ReadonlyArray<number | undefined>): number[] {
	return values.filter((value): value is number => value !== undefined);
}

function medianOrUndefined(values: readonly number[]): number | undefined {
	return values.length > 0 ? median(values) : undefined;
}

/** Summarizes one case (warmups excluded from every figure but their count). Pure. */
export function summarizeCase(caseName: string, iterations: readonly MeasuredIteration[]): CaseSummary {
	const measured = iterations.filter((iteration) => !iteration.isWarmup);
	const walls = measured.map((iteration) => iteration.wallNs);
	const mean = walls.length > 0 ? walls.reduce((a, b) => a + b, 0) / walls.length : undefined;
	const stddev = mean !== undefined && walls.length > 1
		? Math.sqrt(walls.reduce((sum, wall) => sum + ((wall - mean) ** 2), 0) / (walls.length - 1))
		: undefined;
	const rss = defined(measured.map((iteration) => iteration.maxRssBytes));
	return {
		caseName,
		count: measured.length,
		warmups: iterations.length - measured.length,
		outliers: measured.filter((iteration) => iteration.isOutlier).length,
		failures: measured.filter((iteration) => iteration.exitCode !== 0).length,
		medianNs: medianOrUndefined(walls),
		meanNs: mean,
		minNs: walls.length > 0 ? walls.reduce((a, b) => Math.min(a, b)) : undefined,
		maxNs: walls.length > 0 ? walls.reduce((a, b) => Math.max(a, b)) : undefined,
		stddevNs: stddev,
		madNs: walls.length > 0 ? mad(walls, 1) : undefined,
		medianUserUs: medianOrUndefined(defined(measured.map((iteration) => iteration.userUs))),
		medianSystemUs: medianOrUndefined(defined(measured.map((iteration) => iteration.systemUs))),
		// issue 11: no spread into Math.max, which overflows the stack past ~128,000 values
		maxRssBytes: rss.length > 0 ? rss.reduce((a, b) => Math.max(a, b)) : undefined,
	};
}
