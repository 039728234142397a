/**
 * The order a person reads a comparison in: cases that need attention first (failing, missing,
 * regressed: the verdict table's order), each group in natural order (case-2 before case-10);
 * and the filters of the Compare pane. Pure.
 */
import type {CaseComparison} from './compare-samples.js';
import {orderByVerdict} from './verdicts.js';

export {compareNatural} from './verdicts.js';

/** Cases as every report orders them: by verdict (failing, missing, regressed... first), then naturally by name. */
export function orderCases<T extends CaseComparison>(cases: readonly T[]): T[] {
	return orderByVerdict(cases);
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
