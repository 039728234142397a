import React from 'react';
import {describe, expect, test, vi} from 'vitest';
import {render} from 'ink-testing-library';
import {compareSampleSets} from '../../../source/compare/compare-samples.js';
import type {ComparisonReport, ComparisonRequest} from '../../../source/compare/load-comparison.js';
import {toSideEnvironment} from '../../../source/compare/environment.js';
import {VERDICT_COLOR} from '../../../source/compare/format.js';
import {CompareView, layOutNotes} from '../../../source/ui/compare/compare-view.js';
import type {CompareSource} from '../../../source/ui/compare/compare-source.js';
import {renderHistograms, renderHistoryChart} from '../../../source/ui/compare/compare-chart.js';
import {reduceCompare, initialCompareState} from '../../../source/ui/compare/compare-state.js';
import {createRng} from '../../../source/stats/random.js';
import {plain, tick, waitForFrame} from '../../helpers/ink.js';

function noisy(center: number, n: number, seed: number): number[] {
	const random = createRng(seed);
	return Array.from({length: n}, () => center * (1 + 0.02 * (random() * 2 - 1)));
}

const releaseMedians: Record<string, Record<string, number>> = {
	'v1.0': {'parse-json': 10e6, 'render-page': 50e6, 'startup': 200e6},
	'v1.1': {'parse-json': 10e6, 'render-page': 50e6, 'startup': 200e6},
	'v1.2': {'parse-json': 12e6, 'render-page': 40e6, 'startup': 200e6},
};

/** A fake source: samples made up per release, the real comparison logic on top. */
function createFakeSource(): CompareSource & {requests: ComparisonRequest[]} {
	const requests: ComparisonRequest[] = [];
	const samplesOf = (release: string) => new Map(Object.entries(releaseMedians[release]!).map(([name, median], i) => [name, noisy(median, 30, release.length * 10 + i + Number(release.slice(-1)))]));
	const env = toSideEnvironment({runtime: 'bare_metal'}, 'bare_metal');
	return {
		requests,
		listReleases: async () => Object.keys(releaseMedians),
		async compare(request) {
			requests.push(request);
			const result = compareSampleSets(samplesOf(request.base), samplesOf(request.candidate));
			const side = (release: string) => ({selector: release, release, mode: undefined, runIds: [1], suites: ['demo'], sampleCount: 90, environment: env, environmentLabel: 'bare metal', calibrationId: undefined});
			const report: ComparisonReport = {base: side(request.base), candidate: side(request.candidate), metric: 'wall', unit: 'ns', isAdjusted: false, isRawAcrossEnvironments: false, warnings: [], result, hasRegression: result.counts.regression > 0, isCached: false};
			return report;
		},
		async getCaseDetail(report, caseName) {
			return {
				history: Object.entries(releaseMedians).filter(([, medians]) => medians[caseName] !== undefined)
					.map(([release, medians]) => ({release, median: medians[caseName]!, low: medians[caseName]! * 0.98, high: medians[caseName]! * 1.02, n: 30})),
				// A case only one side has (missing, new) has no samples on the other.
				base: samplesOf(report.base.release).get(caseName) ?? [],
				candidate: samplesOf(report.candidate.release).get(caseName) ?? [],
			};
		},
	};
}

describe('Compare pane', () => {
	test('defaults to the two latest releases; verdicts by colour and by symbol; chart and histograms; fits 80×24', async () => {
		const source = createFakeSource();
		const {lastFrame, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('render-page') && f.includes('median across releases') && f.includes('cand'));
		expect(source.requests[0]).toMatchObject({base: 'v1.1', candidate: 'v1.2'});
		expect(frame).toContain('base v1.1');
		expect(frame).toMatch(/✗ parse-json .*\+20\.\d%.*slower/);
		expect(frame).toMatch(/✓ render-page .*-20\.\d%.*faster/);
		expect(frame).toMatch(/= startup .*same/);
		expect(frame).toContain('geomean of 3');
		expect(frame).toContain('v1.0');
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(22);
		// issue 12: the summary line counts every label shown, with its symbol.
		expect(frame).toContain('✗ 1 regression, ✓ 1 improvement, = 1 no significant change');
		// With three cases the chart gets the rows the table does not need: 22 - 9 fixed - 3 cases.
		const chartRows = lines.filter((line) => /^ *\S+ ms[┤┼]/.test(line));
		expect(chartRows.length).toBe(10);
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
		// Colour (when the terminal has it) follows the verdict; the symbols above say it without.
		expect([VERDICT_COLOR.regression, VERDICT_COLOR.improvement]).toEqual(['red', 'green']);
		unmount();
	});

	test('keys: b picks an older base, ↓ selects the next case, a switches to raw numbers', async () => {
		const source = createFakeSource();
		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		await waitForFrame(lastFrame, (f) => f.includes('parse-json'));
		stdin.write('b');
		await waitForFrame(lastFrame, (f) => f.includes('base v1.0'));
		await vi.waitFor(() => {
			expect(source.requests.at(-1)).toMatchObject({base: 'v1.0', candidate: 'v1.2'});
		});
		await waitForFrame(lastFrame, (f) => f.includes('parse-json: median'));
		stdin.write('\u001B[B');
		await waitForFrame(lastFrame, (f) => f.includes('render-page: median'));
		stdin.write('a');
		await waitForFrame(lastFrame, (f) => f.includes('wall raw'));
		await vi.waitFor(() => {
			expect(source.requests.at(-1)).toMatchObject({noAdjust: true});
		});
		unmount();
	});

	test('keys: B / c / C step the releases, j / k the cases, m the metric, r reloads', async () => {
		const source = createFakeSource();
		let listings = 0;
		const list = source.listReleases;
		source.listReleases = async () => {
			listings++;
			return list();
		};

		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		await waitForFrame(lastFrame, (f) => f.includes('parse-json: median'));
		stdin.write('c');
		await waitForFrame(lastFrame, (f) => f.includes('candidate v1.1'));
		stdin.write('B');
		await waitForFrame(lastFrame, (f) => f.includes('base v1.2'));
		stdin.write('C');
		await waitForFrame(lastFrame, (f) => f.includes('base v1.2') && f.includes('candidate v1.2'));
		stdin.write('j');
		await waitForFrame(lastFrame, (f) => f.includes('render-page: median'));
		stdin.write('k');
		await waitForFrame(lastFrame, (f) => f.includes('parse-json: median'));
		stdin.write('m');
		await waitForFrame(lastFrame, (f) => f.includes('(c/C)  cpu'));
		await vi.waitFor(() => {
			expect(source.requests.at(-1)).toMatchObject({base: 'v1.2', candidate: 'v1.2', metric: 'cpu'});
		});
		expect(listings).toBe(1);
		stdin.write('r');
		await vi.waitFor(() => {
			expect(listings).toBe(2);
		});
		unmount();
	});

	test('a refusal (no calibration) shows the message and the command to run', async () => {
		const source = createFakeSource();
		const {UserError} = await import('../../../source/errors.js');
		source.compare = async () => {
			throw new UserError('no calibration matches docker 1 cpus 512m', 'run `rqc calibrate --cpus 1 --memory 512m` first, or pass --no-adjust to compare raw numbers');
		};

		const {lastFrame, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('no calibration'));
		expect(frame).toContain('rqc calibrate --cpus 1 --memory 512m');
		expect(frame).toContain('press a for raw numbers');
		unmount();
	});

	test('warnings: the note line counts them and shows the first; w shows every warning and note whole, wrapped, and w again the cases', async () => {
		const source = createFakeSource();
		const compare = source.compare.bind(source);
		const long = 'the two sides ran on different hosts (build-host-a vs build-host-b): differences may come from the hardware, not the release';
		source.compare = async (request) => ({...await compare(request), warnings: [long, 'a second warning that is short']});
		const {lastFrame, stdin, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('parse-json'));
		expect(plain(frame)).toContain('! 2 warning(s), w shows all  bare metal vs bare metal  ! the two sides');
		// Cut at the width on the note line: the end of the long warning is not there.
		expect(plain(frame)).not.toContain('not the release');
		stdin.write('w');
		const open = plain(await waitForFrame(lastFrame, (f) => f.includes('back to the cases')));
		expect(open).toContain('! the two sides ran on different hosts');
		expect(open).toContain('not the release');
		expect(open).toContain('! a second warning that is short');
		expect(open).not.toContain('parse-json');
		for (const line of open.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		stdin.write('w');
		await waitForFrame(lastFrame, (f) => f.includes('parse-json') && !f.includes('back to the cases'));
		unmount();
	});

	test('notes laid out in the rows there are: warnings marked on every wrapped line; what did not fit is counted', () => {
		const notes = ['bare metal vs docker', '! a warning long enough to wrap onto a second line here'];
		const all = layOutNotes(notes, 30, 10, 'w');
		expect(all.map((l) => l.text)).toEqual(['bare metal vs docker', '! a warning long enough to', 'wrap onto a second line here', '', 'w: back to the cases']);
		expect(all.map((l) => l.isWarning)).toEqual([false, true, true, false, false]);
		const cut = layOutNotes(notes, 30, 3, 'w');
		expect(cut.map((l) => l.text)).toEqual(['bare metal vs docker', '! a warning long enough to', '… 1 more line(s): enlarge the terminal  w: back to the cases']);
		expect(cut.at(-1)!.isHint).toBe(true);
	});

	// issue 12: the pane uses the report's labels and symbols, failing and missing first, and counts every label.
	test('failing and missing cases lead, with the shared symbols; the summary counts every label; a zero base shows the shift', async () => {
		const source = createFakeSource();
		source.compare = async (request) => {
			const result = compareSampleSets(
				new Map([['a-steady', noisy(10e6, 20, 1)], ['b-flaky', noisy(10e6, 20, 2)], ['c-removed', noisy(10e6, 20, 3)], ['d-zero', Array.from({length: 20}, () => 0)]]),
				new Map([['a-steady', noisy(10e6, 20, 4)], ['b-flaky', noisy(10e6, 5, 5)], ['d-zero', noisy(10e6, 20, 6)], ['e-added', noisy(10e6, 20, 7)]]),
				{failures: {candidate: new Map([['b-flaky', {count: 15, firstReason: 'exit code 1'}]])}},
			);
			const env = toSideEnvironment({runtime: 'bare_metal'}, 'bare_metal');
			const side = (release: string) => ({selector: release, release, mode: undefined, runIds: [1], suites: ['demo'], sampleCount: 80, environment: env, environmentLabel: 'bare metal', calibrationId: undefined});
			return {base: side(request.base), candidate: side(request.candidate), metric: 'wall', unit: 'ns', isAdjusted: false, isRawAcrossEnvironments: false, warnings: [], result, hasRegression: true, isCached: false};
		};

		const {lastFrame, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		const frame = plain(await waitForFrame(lastFrame, (f) => f.includes('e-added')));
		const rows = frame.split('\n').filter((line) => /^[!∅✗=+↑↓✓?*] /.test(line) && !line.includes(' 1 failing,'));
		expect(rows.map((line) => line.slice(0, 11))).toEqual(['! b-flaky  ', '∅ c-removed', '✗ d-zero   ', '+ e-added  ', '= a-steady ']);
		expect(rows[0]).toContain('failing');
		expect(rows[1]).toContain('missing');
		expect(rows[2]).toMatch(/\+\d+\.\d+ ms/);
		expect(frame).toContain('! 1 failing, ∅ 1 missing, ✗ 1 regression, + 1 new, = 1 no significant change');
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
		unmount();
	});

	test('fewer than two releases says what to do', async () => {
		const source = createFakeSource();
		source.listReleases = async () => ['only'];
		const {lastFrame, unmount} = render(<CompareView source={source} isActive width={80} height={22} />);
		await tick();
		const frame = await waitForFrame(lastFrame, (f) => f.includes('needs two'));
		expect(plain(frame)).toContain('1 release(s) stored');
		unmount();
	});
});

describe('compare pane pictures and state', () => {
	test('history chart draws three series within the width', () => {
		const lines = renderHistoryChart([
			{release: 'a', median: 10, low: 9, high: 11, n: 10},
			{release: 'b', median: 12, low: 11, high: 13, n: 10},
		], 60, 5, (v) => v.toFixed(1));
		expect(lines).toHaveLength(5);
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
		expect(lines.join('\n')).toContain('13.');
	});

	test('histograms share bins: a shifted candidate peaks further right', () => {
		const h = renderHistograms([1, 1, 1, 2, 2, 3], [3, 4, 4, 5, 5, 5], 10)!;
		expect(h.base.indexOf('█')).toBeLessThan(h.candidate.indexOf('█'));
		expect(h.base).toHaveLength(10);
	});

	test('state: default to the two latest, keep picks across reloads, clamp moves', () => {
		let state = reduceCompare(initialCompareState, {type: 'releases-loaded', releases: ['a', 'b', 'c']});
		expect([state.baseIndex, state.candidateIndex]).toEqual([1, 2]);
		state = reduceCompare(state, {type: 'move-base', by: -5});
		expect(state.baseIndex).toBe(0);
		state = reduceCompare(state, {type: 'releases-loaded', releases: ['a', 'b', 'c', 'd']});
		expect([state.releases[state.baseIndex], state.releases[state.candidateIndex]]).toEqual(['a', 'c']);
		state = reduceCompare(reduceCompare(state, {type: 'cases-loaded', count: 3}), {type: 'move-case', by: 9});
		expect(state.caseIndex).toBe(2);
	});
});
