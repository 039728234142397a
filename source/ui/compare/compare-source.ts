/**
 * Where the Compare pane gets its data: an interface, so component tests can hand it a fake,
 * and the implementation over the real store and cache. The analysis lives in compare/.
 */
import type {Cache} from '../../cache/cache.js';
import {loadCaseDetail, type CaseDetail} from '../../compare/case-history.js';
import {loadComparison, type ComparisonReport, type ComparisonRequest} from '../../compare/load-comparison.js';
import type {Store} from '../../store/store.js';

export type {CaseDetail} from '../../compare/case-history.js';

export interface CompareSource {
	/** Release names, oldest first. */
	listReleases(): Promise<string[]>;
	compare(request: ComparisonRequest): Promise<ComparisonReport>;
	getCaseDetail(report: ComparisonReport, caseName: string): Promise<CaseDetail>;
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
		async getCaseDetail(report, caseName) {
			return loadCaseDetail(await getStore(), report, caseName);
		},
	};
}
