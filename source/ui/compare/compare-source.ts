/**
 * Where the Compare pane gets its data: an interface, so component tests can hand it a fake,
 * and the implementation over the real store and cache.
 */
import type {Cache} from '../../cache/cache.js';
import {getMetricValue, loadComparison, type ComparisonReport, type ComparisonRequest} from '../../compare/load-comparison.js';
import type {Metric} from '../../compare/environment.js';
import {computeMedianCiSorted} from '../../stats/median-ci.js';
import {sortAscending} from '../../stats/descriptive.js';
import type {Store} from '../../store/store.js';
import type {HistoryPoint} from './compare-chart.js';

export interface CaseDetail {
	/** The case's median across every release that has it, oldest first. */
	readonly history: readonly HistoryPoint[];
	/** The runs the history is made of: those measured like the candidate (undefined: all). */
	readonly historyMode?: 'bare_metal' | 'docker';
	readonly base: readonly number[];
	readonly candidate: readonly number[];
}

export interface CompareSource {
	/** Release names, oldest first. */
	listReleases(): Promise<string[]>;
	compare(request: ComparisonRequest): Promise<ComparisonReport>;
	getCaseDetail(report: ComparisonReport, caseName: string, releases: readonly string[]): Promise<CaseDetail>;
}

/** Splits "suite/case" when the report spans several suites. */
function splitCase(report: ComparisonReport, caseName: string): {suite: string | undefined; name: string} {
	const suites = new Set([...report.base.suites, ...report.candidate.suites]);
	const slash = caseName.indexOf('/');
	if (suites.size > 1 && slash > 0 && suites.has(caseName.slice(0, slash))) return {suite: caseName.slice(0, slash), name: caseName.slice(slash + 1)};
	return {suite: suites.size === 1 ? [...suites][0] : undefined, name: caseName};
}

function values(samples: ReadonlyArray<Parameters<typeof getMetricValue>[0]>, metric: Metric): number[] {
	return samples.flatMap((s) => {
		const v = getMetricValue(s, metric);
		return v === undefined || (s.exitCode !== undefined && s.exitCode !== 0) ? [] : [v];
	});
}

export function createStoreCompareSource(getStore: () => Promise<Store>, cache: Cache | undefined): CompareSource {
	return {
		async listReleases() {
			const store = await getStore();
			return (await store.listReleases()).map((r) => r.name);
		},
		async compare(request) {
			return loadComparison(await getStore(), request, cache);
		},
		async getCaseDetail(report, caseName, releases) {
			const store = await getStore();
			const {suite, name} = splitCase(report, caseName);
			// Only runs measured the way the candidate was (bare metal or docker): a docker run's
			// overhead must not show up as a change between releases.
			const mode = (await store.getRun(report.candidate.runIds[0] ?? -1))?.mode;
			const history: HistoryPoint[] = [];
			for (const release of releases) {
				const runIds = (await store.listRuns({release, statuses: ['completed', 'aborted']}))
					.filter((run) => (mode === undefined || run.mode === mode) && (suite === undefined || run.suite === suite))
					.map((run) => run.id);
				if (runIds.length === 0) continue;
				const found = values(await store.getSamples({release, caseName: name, runIds, ...(suite ? {suite} : {})}), report.metric);
				if (found.length === 0) continue;
				const ci = computeMedianCiSorted(sortAscending(found), report.result.confidence);
				history.push({release, median: ci.median, low: ci.low, high: ci.high, n: found.length});
			}

			const [base, candidate] = await Promise.all([
				store.getSamples({release: report.base.release, caseName: name, runIds: report.base.runIds}),
				store.getSamples({release: report.candidate.release, caseName: name, runIds: report.candidate.runIds}),
			]);
			return {history, historyMode: mode, base: values(base, report.metric), candidate: values(candidate, report.metric)};
		},
	};
}
