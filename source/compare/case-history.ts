/**
 * History of one case across releases, and what the Compare pane shows beside a comparison.
 * The history reads only the stored per-run summaries (one query); raw samples are read only
 * for the two releases being compared. Serves the TUI and any command alike.
 */
import type {MedianSeries, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';
import type {Metric} from './environment.js';
import {getMetricValue, type ComparisonReport} from './load-comparison.js';

export interface HistoryPoint {
	readonly release: string;
	readonly median: number;
	/** ±Infinity when too few samples for an interval: drawn at the median then. */
	readonly low: number;
	readonly high: number;
	readonly n: number;
}

export interface CaseDetail {
	/** The case's median in every release that has it, in release order (first run). */
	readonly history: readonly HistoryPoint[];
	/** The runs the history is made of: those measured like the candidate (undefined: all). */
	readonly historyMode?: RunMode;
	readonly base: readonly number[];
	readonly candidate: readonly number[];
}

/** Splits "suite/case" when the report spans several suites. */
export function splitCase(report: ComparisonReport, caseName: string): {suite: string | undefined; name: string} {
	const suites = new Set([...report.base.suites, ...report.candidate.suites]);
	const slash = caseName.indexOf('/');
	if (suites.size > 1 && slash > 0 && suites.has(caseName.slice(0, slash))) return {suite: caseName.slice(0, slash), name: caseName.slice(slash + 1)};
	return {suite: suites.size === 1 ? [...suites][0] : undefined, name: caseName};
}

/**
 * The series to draw: measured like the candidate. Of several (suites, resource limits), the
 * one holding the candidate release with the candidate's cpu limit, else the longest. Pure.
 */
export function pickSeries(series: readonly MedianSeries[], candidate: {readonly release: string; readonly cpus?: number | undefined}): MedianSeries | undefined {
	const holding = series.filter((s) => s.points.some((p) => p.release === candidate.release));
	const sameLimits = holding.filter((s) => s.limits.cpus === candidate.cpus);
	const pool = sameLimits.length > 0 ? sameLimits : (holding.length > 0 ? holding : series);
	return pool.reduce<MedianSeries | undefined>((best, s) => (best === undefined || s.points.length > best.points.length ? s : best), undefined);
}

/** A case's per-release medians from the summaries: one query. */
export async function loadCaseHistory(store: Store, query: {caseName: string; suite?: string; mode?: RunMode; metric: Metric; candidate: {release: string; cpus?: number}}): Promise<HistoryPoint[]> {
	const series = await store.getMedianSeries({
		caseName: query.caseName,
		metric: query.metric,
		...(query.suite ? {suite: query.suite} : {}),
		...(query.mode ? {mode: query.mode} : {}),
	});
	const picked = pickSeries(series, query.candidate);
	return (picked?.points ?? []).map((p) => ({release: p.release, median: p.median, low: p.low, high: p.high, n: p.n}));
}

function isSuccessful(exitCode: number | undefined): boolean {
	return exitCode === undefined || exitCode === 0;
}

/** The selected case of a comparison: its history, and both sides' values (raw samples of the two releases). */
export async function loadCaseDetail(store: Store, report: ComparisonReport, caseName: string): Promise<CaseDetail> {
	const {suite, name} = splitCase(report, caseName);
	// Only runs measured the way the candidate was (bare metal or docker): a docker run's
	// overhead must not show up as a change between releases.
	const mode = report.candidate.mode ?? report.candidate.environment.runtime;
	const metric = report.metric;
	const [history, sides] = await Promise.all([
		loadCaseHistory(store, {caseName: name, metric, mode, ...(suite ? {suite} : {}), candidate: {release: report.candidate.release, cpus: report.candidate.environment.cpus}}),
		Promise.all([report.base, report.candidate].map(async (side) => {
			const samples = await store.getSamples({release: side.release, caseName: name, runIds: side.runIds});
			return samples.flatMap((s) => {
				if (!isSuccessful(s.exitCode)) return [];
				const value = getMetricValue(s, metric);
				return value === undefined ? [] : [value];
			});
		})),
	]);
	return {history, historyMode: mode, base: sides[0]!, candidate: sides[1]!};
}
