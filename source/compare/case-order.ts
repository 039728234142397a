/**
 * The order a person reads a comparison in: cases that need attention first (failing or
 * missing on a side, then regressed), each group in natural order (case-2 before case-10). Pure.
 */
import type {CaseComparison} from './compare-samples.js';

const collator = new Intl.Collator('en', {numeric: true, sensitivity: 'base'});

/** Natural order of names: digit runs compare as numbers ("case-2" < "case-10"). */
export function compareNatural(a: string, b: string): number {
	return collator.compare(a, b) || (a < b ? -1 : (a > b ? 1 : 0));
}

/** 0: missing on a side (no successful sample: failing or absent); 1: regressed; 2: the rest. */
export function getAttentionRank(row: CaseComparison): number {
	if (row.base === undefined || row.candidate === undefined) return 0;
	return row.verdict === 'regression' ? 1 : 2;
}

/** Cases by attention, then naturally by name. */
export function orderCases<T extends CaseComparison>(cases: readonly T[]): T[] {
	return [...cases].sort((a, b) => getAttentionRank(a) - getAttentionRank(b) || compareNatural(a.caseName, b.caseName));
}

/** Cases whose name holds every word of the filter (case-insensitive); all cases when it is empty. */
export function filterCases<T extends CaseComparison>(cases: readonly T[], filter: string): T[] {
	const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return [...cases];
	return cases.filter((row) => words.every((word) => row.caseName.toLowerCase().includes(word)));
}

/** Release names matching a typed filter, newest first (what a picker lists). */
export function filterReleases(releases: readonly string[], filter: string): string[] {
	const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
	return [...releases].reverse().filter((name) => words.every((word) => name.toLowerCase().includes(word)));
}
