/**
 * The one vocabulary of verdicts: every output (table, JSON, markdown, JUnit, the Compare pane)
 * reads a case's label, symbol, colour, order and gate effect from this table. A new label is one
 * more entry here (and its rule in compare-samples.ts); nothing else lists them.
 */

/** Colour names as the text helpers know them (kept literal so stats-level code needs no UI import). */
export type VerdictColor = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

export interface VerdictLabel {
	/** One character that says the verdict without colour. */
	readonly symbol: string;
	/** At most 9 characters, for the Compare pane's column. */
	readonly short: string;
	readonly color: VerdictColor;
	/** Display order: lower first (failing and missing lead). */
	readonly rank: number;
	/** What `--fail-on-regression` makes of it ('missing-unless-allowed': fails unless --allow-missing). */
	readonly gate: 'fail' | 'fail-unless-allowed' | 'pass';
	/** How a JUnit report records it. */
	readonly junit: 'failure' | 'error' | 'skipped' | 'passed';
	/** One line for the legend and the README. */
	readonly meaning: string;
}

export const VERDICT_LABELS = {
	'failing': {symbol: '!', short: 'failing', color: 'red', rank: 0, gate: 'fail', junit: 'failure', meaning: 'the candidate has failed iterations (non-zero exit, timeout, OOM kill) the base did not have'},
	'missing': {symbol: '∅', short: 'missing', color: 'magenta', rank: 1, gate: 'fail-unless-allowed', junit: 'error', meaning: 'a case of the base with no sample in the candidate'},
	'regression': {symbol: '✗', short: 'slower', color: 'red', rank: 2, gate: 'fail', junit: 'failure', meaning: 'significantly slower, beyond the threshold'},
	'slower, within threshold': {symbol: '↑', short: 'slower≤th', color: 'yellow', rank: 3, gate: 'pass', junit: 'passed', meaning: 'significantly slower, but not (shown to be) beyond the threshold'},
	// Issue 15: an adjusted change the calibration's own uncertainty leaves open.
	'undecided: calibration too coarse': {symbol: '~', short: 'undecided', color: 'yellow', rank: 3.5, gate: 'pass', junit: 'skipped', meaning: 'no significant change, but the interval reaches past the threshold and the overhead adjustment alone is uncertain by more than half of it: calibrate more precisely (rqc calibrate --suite)'},
	'too few samples': {symbol: '?', short: 'too few', color: 'blue', rank: 4, gate: 'pass', junit: 'skipped', meaning: 'fewer samples on a side than a test at alpha needs'},
	'faster, within threshold': {symbol: '↓', short: 'faster≤th', color: 'cyan', rank: 5, gate: 'pass', junit: 'passed', meaning: 'significantly faster, but not (shown to be) beyond the threshold'},
	'improvement': {symbol: '✓', short: 'faster', color: 'green', rank: 6, gate: 'pass', junit: 'passed', meaning: 'significantly faster, beyond the threshold'},
	'fixed': {symbol: '*', short: 'fixed', color: 'green', rank: 7, gate: 'pass', junit: 'passed', meaning: 'the base had failed iterations the candidate no longer has'},
	'new': {symbol: '+', short: 'new', color: 'cyan', rank: 8, gate: 'pass', junit: 'passed', meaning: 'a case of the candidate with no sample in the base'},
	'no significant change': {symbol: '=', short: 'same', color: 'gray', rank: 9, gate: 'pass', junit: 'passed', meaning: 'no change the test can tell from noise'},
} as const satisfies Readonly<Record<string, VerdictLabel>>;

export type Verdict = keyof typeof VERDICT_LABELS;

/** Every verdict, in display order. */
export const VERDICTS: readonly Verdict[] = (Object.keys(VERDICT_LABELS) as Verdict[]).sort((a, b) => VERDICT_LABELS[a].rank - VERDICT_LABELS[b].rank);

/** The label of a verdict. */
export function getVerdictLabel(verdict: Verdict): VerdictLabel {
	return VERDICT_LABELS[verdict];
}

/** A zero count for every verdict. */
export function createVerdictCounts(): Record<Verdict, number> {
	return Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
}

const collator = new Intl.Collator('en', {numeric: true, sensitivity: 'base'});

/** Natural order of names: digit runs compare as numbers ("case-2" < "case-10"). */
export function compareNatural(a: string, b: string): number {
	return collator.compare(a, b) || (a < b ? -1 : (a > b ? 1 : 0));
}

/** Cases in display order: by verdict rank, then naturally by name (case-2 before case-10). Pure; returns a new array. */
export function orderByVerdict<T extends {readonly verdict: Verdict; readonly caseName: string}>(cases: readonly T[]): T[] {
	return [...cases].sort((a, b) => VERDICT_LABELS[a.verdict].rank - VERDICT_LABELS[b.verdict].rank || compareNatural(a.caseName, b.caseName));
}

/** "1 failing, 2 regression, ..." over every label with a count, in display order ("! 1 failing" with symbols); "no cases" when empty. */
export function summarizeCounts(counts: Readonly<Record<Verdict, number>>, hasSymbols = false): string {
	const parts = VERDICTS.filter((v) => counts[v] > 0).map((v) => `${hasSymbols ? `${VERDICT_LABELS[v].symbol} ` : ''}${counts[v]} ${v}`);
	return parts.length > 0 ? parts.join(', ') : 'no cases';
}

export interface GateResult {
	/** `--fail-on-regression` exits 1. */
	readonly isFailing: boolean;
	/** Why, one phrase each ("2 regression", "no case in common"); empty when it passes. */
	readonly reasons: readonly string[];
}

/**
 * The gate of `--fail-on-regression`: fails on every label whose gate is 'fail', on missing
 * cases unless removals are allowed, and on a comparison with no case on both sides (a gate
 * must never pass on nothing). Pure.
 */
export function judgeGate(counts: Readonly<Record<Verdict, number>>, commonCases: number, options: {readonly allowMissing?: boolean} = {}): GateResult {
	const reasons: string[] = [];
	for (const verdict of VERDICTS) {
		const {gate} = VERDICT_LABELS[verdict];
		if (counts[verdict] > 0 && (gate === 'fail' || (gate === 'fail-unless-allowed' && !options.allowMissing))) {
			reasons.push(`${counts[verdict]} ${verdict}${gate === 'fail-unless-allowed' ? ' (--allow-missing accepts removed cases)' : ''}`);
		}
	}

	if (commonCases === 0) reasons.push('no case in common between base and candidate');
	return {isFailing: reasons.length > 0, reasons};
}
