import {describe, expect, test} from 'vitest';
import {createVerdictCounts, judgeGate, orderByVerdict, summarizeCounts, VERDICT_LABELS, VERDICTS} from '../../../source/compare/verdicts.js';

describe('the verdict table', () => {
	test('every label has its own symbol and a short form that fits the pane column', () => {
		const symbols = VERDICTS.map((v) => VERDICT_LABELS[v].symbol);
		expect(new Set(symbols).size).toBe(VERDICTS.length);
		for (const v of VERDICTS) expect([...VERDICT_LABELS[v].short].length).toBeLessThanOrEqual(9);
		expect(VERDICTS.slice(0, 2)).toEqual(['failing', 'missing']);
	});

	test('display order: failing and missing first, then by name', () => {
		const rows = [{caseName: 'b', verdict: 'no significant change'}, {caseName: 'z', verdict: 'missing'}, {caseName: 'a', verdict: 'failing'}, {caseName: 'c', verdict: 'regression'}] as const;
		expect(orderByVerdict(rows).map((r) => r.caseName)).toEqual(['a', 'z', 'c', 'b']);
	});

	test('the summary counts every label present', () => {
		const counts = {...createVerdictCounts(), 'regression': 2, 'failing': 1, 'slower, within threshold': 3};
		expect(summarizeCounts(counts)).toBe('1 failing, 2 regression, 3 slower, within threshold');
		expect(summarizeCounts(createVerdictCounts())).toBe('no cases');
	});
});

describe('the --fail-on-regression gate', () => {
	test('passes on changes within the threshold, improvements, new and fixed cases', () => {
		const counts = {...createVerdictCounts(), 'slower, within threshold': 2, 'improvement': 1, 'new': 1, 'fixed': 1, 'too few samples': 1};
		expect(judgeGate(counts, 5)).toEqual({isFailing: false, reasons: []});
	});

	// issue 12: failing and missing cases fail the gate; --allow-missing accepts removals.
	test('fails on regression, failing and missing (unless removals are allowed)', () => {
		const counts = {...createVerdictCounts(), 'failing': 1, 'missing': 2, 'no significant change': 3};
		expect(judgeGate(counts, 4).reasons).toEqual(['1 failing', '2 missing (--allow-missing accepts removed cases)']);
		expect(judgeGate({...createVerdictCounts(), missing: 2, regression: 0}, 3, {allowMissing: true}).isFailing).toBe(false);
		expect(judgeGate({...createVerdictCounts(), regression: 1}, 3, {allowMissing: true}).reasons).toEqual(['1 regression']);
	});

	// issue 11 point 10: every case renamed, nothing in common, and the gate passed.
	test('fails when no case is in both releases, even with --allow-missing', () => {
		const counts = {...createVerdictCounts(), missing: 3, new: 3};
		const gate = judgeGate(counts, 0, {allowMissing: true});
		expect(gate.isFailing).toBe(true);
		expect(gate.reasons).toEqual(['no case in common between base and candidate']);
	});
});
