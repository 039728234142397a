/** Case histories across releases (issue 14): series per set-up, release order, the gate. */
import {describe, expect, it} from 'vitest';
import {buildCaseHistories, compareVersions, findRegressions, getChangePointsSince} from '../../../source/compare/history.js';
import {formatHistoryChart, formatSparkline} from '../../../source/compare/history-format.js';
import type {CaseMedian, Run} from '../../../source/store/records.js';

const start = Date.UTC(2026, 0, 1);

function makeRun(id: number, release: number, options: {mode?: Run['mode']; cpus?: number; at?: number; suite?: string} = {}): Run {
	const mode = options.mode ?? 'bare_metal';
	return {
		id,
		releaseId: release,
		releaseName: `r${String(release).padStart(3, '0')}`,
		suite: options.suite ?? 's',
		mode,
		status: 'completed',
		statusReason: undefined,
		startedAt: new Date(start + (options.at ?? release) * 3_600_000),
		endedAt: undefined,
		environment: mode === 'docker' ? {runtime: 'docker', limits: {cpus: options.cpus ?? 2}, image: 'img'} : {runtime: 'bare_metal'},
		isDemo: false,
	};
}

/** 40 releases, a 10% step at release 25 in case "moves", "steady" flat; small alternating noise. */
function makeHistory(): {runs: Run[]; medians: CaseMedian[]} {
	const runs: Run[] = [];
	const medians: CaseMedian[] = [];
	for (let release = 1; release <= 40; release++) {
		const run = makeRun(release, release);
		runs.push(run);
		const wobble = 1 + ((release * 7919) % 13 - 6) / 1000;
		medians.push({runId: run.id, caseName: 'steady', median: 1_000_000 * wobble, count: 30});
		medians.push({runId: run.id, caseName: 'moves', median: (release >= 25 ? 1_100_000 : 1_000_000) * wobble, count: 30});
	}

	return {runs, medians};
}

describe('buildCaseHistories', () => {
	it('finds the step between the right two releases, and none in the flat case', () => {
		const {runs, medians} = makeHistory();
		const histories = buildCaseHistories(runs, medians);
		expect(histories.map((h) => h.caseName)).toEqual(['moves', 'steady']);
		const [moves, steady] = histories;
		expect(steady!.changePoints).toEqual([]);
		expect(moves!.changePoints).toHaveLength(1);
		expect(moves!.changePoints[0]).toMatchObject({releaseBefore: 'r024', releaseAfter: 'r025', direction: 'slower'});
		expect(moves!.changePoints[0]!.change).toBeCloseTo(0.1, 2);
	});

	it('keeps bare metal, docker and other limits apart, and takes the median of a release\'s runs', () => {
		const runs = [makeRun(1, 1), makeRun(2, 1, {at: 1.5}), makeRun(3, 1, {mode: 'docker'}), makeRun(4, 1, {mode: 'docker', cpus: 1}), makeRun(5, 1, {at: 2})];
		const medians: CaseMedian[] = runs.map((run, i) => ({runId: run.id, caseName: 'c', median: [10, 30, 50, 70, 20][i]!, count: 5}));
		const histories = buildCaseHistories(runs, medians);
		expect(histories.map((h) => [h.setup, h.points.map((p) => [p.median, p.runs, p.samples])])).toEqual([
			['bare metal', [[20, 3, 15]]],
			['docker 1 cpus img', [[70, 1, 5]]],
			['docker 2 cpus img', [[50, 1, 5]]],
		]);
	});

	it('orders releases by their first run in the series, or by version', () => {
		const runs = [makeRun(1, 3, {at: 1}), makeRun(2, 1, {at: 2}), makeRun(3, 2, {at: 3})];
		const medians: CaseMedian[] = runs.map((run) => ({runId: run.id, caseName: 'c', median: 1, count: 1}));
		expect(buildCaseHistories(runs, medians)[0]!.points.map((p) => p.release)).toEqual(['r003', 'r001', 'r002']);
		expect(buildCaseHistories(runs, medians, {order: 'semver'})[0]!.points.map((p) => p.release)).toEqual(['r001', 'r002', 'r003']);
	});

	it('ignores medians of runs it was not given (not completed)', () => {
		expect(buildCaseHistories([makeRun(1, 1)], [{runId: 2, caseName: 'c', median: 1, count: 1}])).toEqual([]);
	});

	it('sorts cases naturally', () => {
		const run = makeRun(1, 1);
		const names = ['case-10', 'case-2', 'case-1'];
		expect(buildCaseHistories([run], names.map((caseName) => ({runId: 1, caseName, median: 1, count: 1}))).map((h) => h.caseName)).toEqual(['case-1', 'case-2', 'case-10']);
	});
});

describe('the gate and --since', () => {
	const {runs, medians} = makeHistory();
	const histories = buildCaseHistories(runs, medians);
	const moves = histories[0]!;
	const since = (release: number) => ({release: `r${String(release).padStart(3, '0')}`, firstRunAt: new Date(start + release * 3_600_000)});

	it('counts a change point at or after --since, not before', () => {
		expect(getChangePointsSince(moves, since(25))).toHaveLength(1);
		expect(getChangePointsSince(moves, since(26))).toHaveLength(0);
		expect(getChangePointsSince(moves, undefined)).toHaveLength(1);
		// A release the series never measured is placed by time.
		expect(getChangePointsSince(moves, {release: 'other', firstRunAt: new Date(start + 24.5 * 3_600_000)})).toHaveLength(1);
	});

	it('fails only on slower changes beyond the threshold', () => {
		expect(findRegressions(histories, {since: since(20), thresholdPct: 5}).map((r) => r.history.caseName)).toEqual(['moves']);
		expect(findRegressions(histories, {since: since(20), thresholdPct: 15})).toEqual([]);
		expect(findRegressions(histories, {since: since(30), thresholdPct: 5})).toEqual([]);
	});
});

describe('compareVersions', () => {
	it.each([
		['v1.2.9', 'v1.2.10', -1],
		['1.10.0', '1.9.0', 1],
		['v1.0.0-rc.1', 'v1.0.0', -1],
		['v1.0.0-rc.2', 'v1.0.0-rc.10', -1],
		['v1.0.0-alpha', 'v1.0.0-beta', -1],
		['demo-v1.1.0', 'demo-v1.2.0', -1],
		['v2', 'v1.9.9', 1],
		['v1.2.3+build.5', 'v1.2.3', 0],
	])('%s against %s', (a, b, sign) => {
		expect(Math.sign(compareVersions(a, b))).toBe(sign);
	});

	it('refuses a name that is not a version, naming it', () => {
		expect(() => compareVersions('nightly', 'v1.0.0')).toThrow(/"nightly" is not a version/);
	});
});

describe('history charts', () => {
	it('draws a sparkline from lowest to highest', () => {
		expect(formatSparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
		expect(formatSparkline([5, 5, 5], 8)).toBe('▁▁▁');
	});

	it('keeps a one-release spike when squeezing many releases into few columns, and marks change points', () => {
		const runs = Array.from({length: 400}, (_, i) => makeRun(i + 1, i + 1));
		const medians: CaseMedian[] = runs.map((run, i) => ({runId: run.id, caseName: 'c', median: i === 201 ? 5_000_000 : (i >= 300 ? 1_200_000 : 1_000_000), count: 1}));
		const [history] = buildCaseHistories(runs, medians);
		const chart = formatHistoryChart(history!, 'wall', {width: 60, height: 6});
		expect(chart).toContain('5.00 ms');
		const lines = chart.split('\n');
		expect(lines.at(-2)).toContain('^');
		expect(lines.at(-1)).toMatch(/^\s+r001\s+r400$/);
	});
});
