/**
 * issue 13 point 5: the Compare pane at thousands of releases: pickers with type-to-filter,
 * natural case order with cases needing attention first, / filtering cases, and a case's
 * chart never drawn under another case's name while it loads.
 */
import React from 'react';
import {describe, expect, test, vi} from 'vitest';
import {render} from 'ink-testing-library';
import {compareSampleSets} from '../../../source/compare/compare-samples.js';
import {compareNatural, filterCases, filterReleases, orderCases} from '../../../source/compare/case-order.js';
import {toSideEnvironment} from '../../../source/compare/environment.js';
import type {ComparisonReport, ComparisonRequest} from '../../../source/compare/load-comparison.js';
import type {CaseDetail, CompareSource} from '../../../source/ui/compare/compare-source.js';
import {CompareView} from '../../../source/ui/compare/compare-view.js';
import {getPickerChoices, initialCompareState, reduceCompare} from '../../../source/ui/compare/compare-state.js';
import {createRng} from '../../../source/stats/random.js';
import {waitForFrame} from '../../helpers/ink.js';

function noisy(center: number, n: number, seed: number): number[] {
	const random = createRng(seed);
	return Array.from({length: n}, () => center * (1 + 0.02 * (random() * 2 - 1)));
}

const RELEASES = Array.from({length: 3000}, (_, i) => `r${i + 1}`);
const CASES = ['case-10', 'case-2', 'case-1', 'slow-one', 'gone'];

function createSource(): CompareSource & {requests: ComparisonRequest[]; release: (caseName: string) => void} {
	const requests: ComparisonRequest[] = [];
	const waiting = new Map<string, () => void>();
	const sideOf = (release: string, isCandidate: boolean) => new Map(CASES
		.filter((name) => !(isCandidate && name === 'gone'))
		.map((name, i) => [name, noisy(name === 'slow-one' && isCandidate ? 2e6 : 1e6, 30, i + release.length)]));
	const env = toSideEnvironment({runtime: 'bare_metal'}, 'bare_metal');
	return {
		requests,
		release(caseName) {
			waiting.get(caseName)?.();
		},
		listReleases: async () => RELEASES,
		async compare(request) {
			requests.push(request);
			const result = compareSampleSets(sideOf(request.base, false), sideOf(request.candidate, true));
			const side = (release: string) => ({selector: release, release, mode: undefined, runIds: [1], suites: ['s'], sampleCount: 90, environment: env, environmentLabel: 'bare metal', calibrationId: undefined});
			return {base: side(request.base), candidate: side(request.candidate), metric: 'wall', unit: 'ns', isAdjusted: false, isRawAcrossEnvironments: false, warnings: [], result, hasRegression: true, isCached: false} satisfies ComparisonReport;
		},
		async getCaseDetail(_report, caseName): Promise<CaseDetail> {
			// case-2's history is slow: it answers only when the test says so.
			if (caseName === 'case-2') await new Promise<void>((resolve) => waiting.set(caseName, resolve));
			const level = Number(caseName.replace(/\D/g, '') || 7) * 1e6;
			return {history: [{release: 'r1', median: level, low: level, high: level, n: 30}, {release: 'r2', median: level, low: level, high: level, n: 30}], base: [level], candidate: [level]};
		},
	};
}

describe('case order and filters (pure)', () => {
	test('natural order: case-2 before case-10', () => {
		expect(['case-10', 'case-2', 'case-1'].sort(compareNatural)).toEqual(['case-1', 'case-2', 'case-10']);
	});

	test('missing or failing first, then regressed, then the rest; / keeps names holding every word', () => {
		const result = compareSampleSets(
			new Map([['b-10', noisy(1, 30, 1)], ['b-2', noisy(1, 30, 2)], ['a-gone', noisy(1, 30, 3)], ['z-slow', noisy(1, 30, 4)]]),
			new Map([['b-10', noisy(1, 30, 5)], ['b-2', noisy(1, 30, 6)], ['z-slow', noisy(2, 30, 7)]]),
		);
		const ordered = orderCases(result.cases);
		expect(ordered.map((c) => c.caseName)).toEqual(['a-gone', 'z-slow', 'b-2', 'b-10']);
		expect(filterCases(ordered, 'B 1').map((c) => c.caseName)).toEqual(['b-10']);
		expect(filterCases(ordered, '').length).toBe(4);
	});

	test('a picker lists matching releases newest first, and picks with enter', () => {
		expect(filterReleases(RELEASES, '299').slice(0, 3)).toEqual(['r2999', 'r2998', 'r2997']);
		let state = reduceCompare(initialCompareState, {type: 'releases-loaded', releases: RELEASES});
		state = reduceCompare(state, {type: 'open-input', kind: 'base'});
		for (const ch of '1500') state = reduceCompare(state, {type: 'input-type', text: ch});
		expect(getPickerChoices(state)).toEqual(['r1500']);
		state = reduceCompare(state, {type: 'input-accept'});
		expect([state.releases[state.baseIndex], state.releases[state.candidateIndex], state.input]).toEqual(['r1500', 'r3000', undefined]);
		// Escape leaves the pick as it was; the step keys still work after.
		state = reduceCompare(reduceCompare(state, {type: 'open-input', kind: 'candidate'}), {type: 'input-cancel'});
		expect(state.releases[state.candidateIndex]).toBe('r3000');
		expect(state.releases[reduceCompare(state, {type: 'move-base', by: 1}).baseIndex]).toBe('r1501');
	});
});

describe('Compare pane at 3,000 releases', () => {
	test('p opens a type-to-filter picker for the base; enter compares the picked release', async () => {
		const source = createSource();
		const captured: boolean[] = [];
		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} onCaptureInput={(is) => captured.push(is)} />);
		await waitForFrame(lastFrame, (f) => f.includes('base r2999'));
		stdin.write('p');
		await waitForFrame(lastFrame, (f) => f.includes('pick the base'));
		for (const ch of '42') stdin.write(ch);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('pick the base (now r2999): 42'));
		expect(frame).toContain('r2942');
		expect(captured).toContain(true);
		stdin.write('\u001B[B');
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('base r2842'));
		await vi.waitFor(() => {
			expect(source.requests.at(-1)).toMatchObject({base: 'r2842', candidate: 'r3000'});
		});
		expect(captured.at(-1)).toBe(false);
		unmount();
	});

	test('cases in natural order, missing and regressed first; / filters as it is typed', async () => {
		const source = createSource();
		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('case-10'));
		const order = frame.split('\n').filter((line) => /^[!∅✗↑~?↓✓*+=] [a-z]/.test(line)).map((line) => line.split(/\s+/)[1]);
		expect(order).toEqual(['gone', 'slow-one', 'case-1', 'case-2', 'case-10']);
		stdin.write('/');
		for (const ch of 'case-1') stdin.write(ch);
		const filtered = await waitForFrame(lastFrame, (f) => f.includes('2 of 5 cases'));
		expect(filtered).not.toMatch(/slow-one\s/);
		expect(filtered).toContain('case-10');
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => f.includes('slow-one') && !f.includes('of 5 cases'));
		unmount();
	});

	// issue 13: moving the selection never shows one case's chart under another's name.
	test('a slow chart load is never drawn under the next case', async () => {
		const source = createSource();
		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		await waitForFrame(lastFrame, (f) => f.includes('gone: median across releases'));
		// gone → slow-one → case-1, then case-2 (whose history waits).
		stdin.write('j');
		stdin.write('j');
		await waitForFrame(lastFrame, (f) => f.includes('case-1: median across releases'));
		stdin.write('j');
		await new Promise((resolve) => setTimeout(resolve, 200));
		// case-2 is selected and its load has not answered: no chart titled case-2, and no other case's chart.
		expect(lastFrame()).not.toContain('median across releases');
		source.release('case-2');
		await waitForFrame(lastFrame, (f) => f.includes('case-2: median across releases'));
		unmount();
	});
});
