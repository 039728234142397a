/**
 * How precise a calibration is, when to stop measuring, and why it is not precise enough. Pure:
 * calibration results, times and load figures in, values out (issue 15).
 */
import type {CalibrationPoint, CalibrationResult} from './calibration.js';
import type {CaseProfile, RatioEstimate} from '../store/records.js';
import {nameSome} from '../text/text.js';
import {medianSorted, sortAscending} from '../stats/descriptive.js';

/** The dimensions whose interval must reach the target (rss is a by-product, not a time). */
export const PRECISION_DIMENSIONS = ['wall', 'cpu'] as const;

/** The larger side of an interval around its ratio, in %: ×1.02 [1.01, 1.035] → 1.47. */
export function getHalfWidthPct(estimate: RatioEstimate): number {
	if (!(estimate.ratio > 0) || !(estimate.low > 0) || !Number.isFinite(estimate.high)) return Number.POSITIVE_INFINITY;
	return Math.max(estimate.ratio / estimate.low - 1, estimate.high / estimate.ratio - 1) * 100;
}

export interface WidthEntry {
	readonly case: string;
	readonly dimension: string;
	readonly halfWidthPct: number;
}

/** Every case's wall and cpu half-width, widest first. */
export function listHalfWidths(result: CalibrationResult): WidthEntry[] {
	const entries: WidthEntry[] = [];
	for (const [name, dimensions] of Object.entries(result.cases)) {
		for (const dimension of PRECISION_DIMENSIONS) {
			const estimate = dimensions[dimension];
			if (estimate) entries.push({case: name, dimension, halfWidthPct: getHalfWidthPct(estimate)});
		}
	}

	return entries.sort((a, b) => b.halfWidthPct - a.halfWidthPct);
}

export interface StopInputs {
	readonly rounds: number;
	readonly minRounds: number;
	readonly widestPct: number;
	readonly targetPct: number;
	readonly elapsedMs: number;
	readonly maxTimeMs: number;
	/** How long a round takes (the slowest so far): another one must fit in the budget. */
	readonly lastRoundMs: number;
}

/** 'target' once every interval is within the target (after minRounds), 'time' when another round would not fit. */
export function getStopReason(inputs: StopInputs): 'target' | 'time' | undefined {
	if (inputs.rounds >= inputs.minRounds && inputs.widestPct <= inputs.targetPct) return 'target';
	if (inputs.elapsedMs + inputs.lastRoundMs > inputs.maxTimeMs) return 'time';
	return undefined;
}

/**
 * Why a calibration is wider than its target, in words a person can act on: the host's load
 * against its cores, and the noisiest cases with the round-to-round spread of their ratio.
 */
export function describeImprecision(widths: readonly WidthEntry[], options: {targetPct: number; loadAverage: readonly [number, number]; cores: number; stoppedBy: 'target' | 'time'}): string[] {
	const over = widths.filter((w) => w.halfWidthPct > options.targetPct);
	if (over.length === 0) return [];
	const reasons: string[] = [];
	const load = Math.max(...options.loadAverage);
	if (load > options.cores * 0.5) {
		reasons.push(`the host was busy: load average ${options.loadAverage[0].toFixed(2)} at the start and ${options.loadAverage[1].toFixed(2)} at the end on ${options.cores} core(s); other work moves both sides' times`);
	}

	reasons.push(`noisiest: ${nameSome(over.map((w) => `${w.case} ${w.dimension} ±${formatWidth(w.halfWidthPct)}`))} (target ±${options.targetPct}%)`);
	if (options.stoppedBy === 'time') reasons.push('the time budget ended first: a longer --max-time narrows the intervals');
	return reasons;
}

/** Overheads that moved from round to round by more than minPct (wall and cpu), most first. Pure. */
export function listDrifts(cases: Readonly<Record<string, Readonly<Record<string, RatioEstimate>>>>, minPct: number): Array<{case: string; dimension: string; driftPct: number}> {
	const entries: Array<{case: string; dimension: string; driftPct: number}> = [];
	for (const [name, dimensions] of Object.entries(cases)) {
		for (const dimension of PRECISION_DIMENSIONS) {
			const drift = dimensions[dimension]?.drift;
			if (drift !== undefined && drift * 100 > minPct) entries.push({case: name, dimension, driftPct: drift * 100});
		}
	}

	return entries.sort((a, b) => b.driftPct - a.driftPct);
}

function formatWidth(pct: number): string {
	return Number.isFinite(pct) ? `${pct.toFixed(1)}%` : '∞';
}

/** A case's profile from its bare-metal points: median CPU/wall, median system share, peak RSS. */
export function computeProfile(points: ReadonlyArray<CalibrationPoint & {readonly system?: number}>): CaseProfile | undefined {
	const usable = points.filter((p) => p.wall > 0 && p.cpu > 0);
	if (usable.length === 0) return undefined;
	// wall is in ns, cpu in µs.
	const cpuPerWall = medianSorted(sortAscending(usable.map((p) => p.cpu / (p.wall / 1000))));
	const systemShare = medianSorted(sortAscending(usable.map((p) => (p.system ?? 0) / p.cpu)));
	return {cpuPerWall, systemShare, peakRssBytes: Math.max(...usable.map((p) => p.rss))};
}
