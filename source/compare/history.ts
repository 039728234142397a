/**
 * A case's history across releases and where it changed: per-run medians from the store, one
 * series per case and measurement set-up (bare metal, or docker under given limits and image,
 * never mixed), in release order, with its change points. The analysis is pure; only
 * `loadHistories` reads the store.
 */
import {UserError} from '../errors.js';
import {computeChangePoints, type ChangePoint, type ChangePointOptions} from '../stats/change-points.js';
import type {CaseMedian, Run, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';
import {describeEnvironment, getEnvironmentKey, toSideEnvironment, type Metric} from './environment.js';
import {compareNatural} from './verdicts.js';

export type ReleaseOrder = 'first-run' | 'semver';

/** One release's value in a series: the median of its runs' medians. */
export interface HistoryPoint {
	readonly release: string;
	readonly releaseId: number;
	/**
	 * The release's first run in this series (this suite and set-up): its place in first-run
	 * order. Per series, because interleaved measurements of several set-ups (bare metal and
	 * docker rounds) would otherwise order releases by whichever set-up ran first.
	 */
	readonly firstRunAt: Date;
	readonly median: number;
	/** Runs and samples behind the value. */
	readonly runs: number;
	readonly samples: number;
}

/** A change point with the releases either side of it. */
export interface ReleaseChangePoint extends ChangePoint {
	/** The last release before the change. */
	readonly releaseBefore: string;
	/** The first release after it: where it got slower (or faster, or noisier). */
	readonly releaseAfter: string;
}

export interface CaseHistory {
	readonly suite: string;
	readonly caseName: string;
	/** "bare metal", "docker 2 cpus 1g rqc-busybox:test". */
	readonly setup: string;
	readonly setupKey: string;
	readonly points: readonly HistoryPoint[];
	/** In release order (oldest first). */
	readonly changePoints: readonly ReleaseChangePoint[];
}

export interface HistoryQuery {
	readonly metric: Metric;
	readonly suite?: string | undefined;
	readonly caseName?: string | undefined;
	readonly mode?: RunMode | undefined;
	readonly order?: ReleaseOrder;
	readonly changePoints?: ChangePointOptions;
	/** false: the series only, each with no change points yet (see findChangePoints). */
	readonly withChangePoints?: boolean;
}

/** Numeric-aware order of version names: v1.2.10 after v1.2.9, 1.0.0-rc.1 before 1.0.0. */
export function compareVersions(a: string, b: string): number {
	const parse = (name: string) => {
		// An optional product prefix (demo-v1.2.0, api-1.4), then MAJOR[.MINOR[.PATCH]][-PRE][+BUILD].
		const match = /^(.*?[^\d.])?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(name);
		if (!match) return undefined;
		return {prefix: (match[1] ?? '').replace(/v$/, ''), core: [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)], pre: match[5]?.split('.')};
	};
	const x = parse(a);
	const y = parse(b);
	if (!x) throw new UserError(`release ${JSON.stringify(a)} is not a version, so --order semver cannot place it`, 'use --order first-run (the default), or name releases like v1.2.3');
	if (!y) throw new UserError(`release ${JSON.stringify(b)} is not a version, so --order semver cannot place it`, 'use --order first-run (the default), or name releases like v1.2.3');
	if (x.prefix !== y.prefix) return x.prefix < y.prefix ? -1 : 1;
	for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! - y.core[i]!;
	// A pre-release comes before its release; identifiers compare numerically when both are numbers.
	if (!x.pre || !y.pre) return x.pre ? -1 : (y.pre ? 1 : 0);
	for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
		const p = x.pre[i];
		const q = y.pre[i];
		if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
		if (p === q) continue;
		const isNumeric = /^\d+$/.test(p) && /^\d+$/.test(q);
		return isNumeric ? Number(p) - Number(q) : (p < q ? -1 : 1);
	}

	return 0;
}

function medianOf(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Groups per-run medians into one series per (suite, case, set-up), orders each by release and
 * finds its change points (unless told not to). Runs not in `runs` (not completed, or filtered
 * out) are ignored.
 */
export function buildCaseHistories(runs: readonly Run[], medians: readonly CaseMedian[], query: Pick<HistoryQuery, 'order' | 'changePoints' | 'withChangePoints'> = {}): CaseHistory[] {
	const runById = new Map(runs.map((run) => [run.id, run]));
	interface Series {suite: string; caseName: string; setup: string; setupKey: string; byRelease: Map<number, {release: string; medians: number[]; samples: number; firstRunAt: Date}>}
	const series = new Map<string, Series>();
	for (const row of medians) {
		const run = runById.get(row.runId);
		if (!run) continue;
		const side = toSideEnvironment(run.environment, run.mode);
		const setupKey = getEnvironmentKey(side);
		const key = JSON.stringify([run.suite, row.caseName, setupKey]);
		let entry = series.get(key);
		if (!entry) {
			entry = {suite: run.suite, caseName: row.caseName, setup: describeEnvironment(side), setupKey, byRelease: new Map()};
			series.set(key, entry);
		}

		let point = entry.byRelease.get(run.releaseId);
		if (!point) {
			point = {release: run.releaseName, medians: [], samples: 0, firstRunAt: run.startedAt};
			entry.byRelease.set(run.releaseId, point);
		}

		if (run.startedAt < point.firstRunAt) point.firstRunAt = run.startedAt;

		point.medians.push(row.median);
		point.samples += row.count;
	}

	const order = query.order ?? 'first-run';
	const histories: CaseHistory[] = [];
	for (const entry of series.values()) {
		const points: HistoryPoint[] = [...entry.byRelease].map(([releaseId, point]) => ({
			release: point.release,
			releaseId,
			firstRunAt: point.firstRunAt,
			median: medianOf(point.medians),
			runs: point.medians.length,
			samples: point.samples,
		}));
		points.sort(order === 'semver'
			? (a, b) => compareVersions(a.release, b.release)
			: (a, b) => a.firstRunAt.getTime() - b.firstRunAt.getTime() || a.releaseId - b.releaseId);
		const series = {suite: entry.suite, caseName: entry.caseName, setup: entry.setup, setupKey: entry.setupKey, points, changePoints: []};
		histories.push(query.withChangePoints === false ? series : findChangePoints(series, query.changePoints));
	}

	return histories.sort((a, b) => a.suite.localeCompare(b.suite) || compareNatural(a.caseName, b.caseName) || a.setup.localeCompare(b.setup));
}

/** The series with its change points found (the costly part: a console does it case by case). */
export function findChangePoints(history: CaseHistory, options?: ChangePointOptions): CaseHistory {
	const {points} = history;
	const changePoints = computeChangePoints(points.map((p) => p.median), options).map((point) => ({
		...point,
		releaseBefore: points[point.index - 1]!.release,
		releaseAfter: points[point.index]!.release,
	}));
	return {...history, changePoints};
}

/** A release that history starts from (`--since`): its name and first run. */
export interface SinceRelease {
	readonly release: string;
	readonly firstRunAt: Date;
}

/** The change points whose first release after the change is `since` or later, in the given order. */
export function getChangePointsSince(history: CaseHistory, since: SinceRelease | undefined, order: ReleaseOrder = 'first-run'): ReleaseChangePoint[] {
	if (since === undefined) return [...history.changePoints];
	const at = history.points.findIndex((point) => point.release === since.release);
	return history.changePoints.filter((point) => {
		if (at !== -1) return point.index >= at;
		// A series that did not measure `since` places it by version, or by time.
		const after = history.points[point.index]!;
		return order === 'semver' ? compareVersions(after.release, since.release) >= 0 : after.firstRunAt >= since.firstRunAt;
	});
}

/**
 * What fails a nightly gate: change points towards slower, beyond the threshold (percent), at or
 * after `since`.
 */
export function findRegressions(histories: readonly CaseHistory[], options: {readonly since?: SinceRelease | undefined; readonly order?: ReleaseOrder; readonly thresholdPct: number}): Array<{history: CaseHistory; changePoint: ReleaseChangePoint}> {
	const found: Array<{history: CaseHistory; changePoint: ReleaseChangePoint}> = [];
	for (const history of histories) {
		for (const changePoint of getChangePointsSince(history, options.since, options.order)) {
			if (changePoint.direction === 'slower' && changePoint.change * 100 > options.thresholdPct) found.push({history, changePoint});
		}
	}

	return found;
}

export interface LoadedHistory {
	readonly histories: CaseHistory[];
	/** Every release with a completed run, with its first run: to place `--since`. */
	readonly releases: ReadonlyMap<string, Date>;
}

/** Reads the runs and per-run medians a history needs and builds it. */
export async function loadHistories(store: Store, query: HistoryQuery): Promise<LoadedHistory> {
	const [runs, medians] = await Promise.all([
		store.listRuns({limit: 10_000_000, statuses: ['completed']}),
		store.getCaseMedians({metric: query.metric, suite: query.suite, caseName: query.caseName, mode: query.mode}),
	]);
	const releases = new Map<string, Date>();
	for (const run of runs) {
		const seen = releases.get(run.releaseName);
		if (!seen || run.startedAt < seen) releases.set(run.releaseName, run.startedAt);
	}

	return {histories: buildCaseHistories(runs, medians, query), releases};
}
