/** The History pane (issue 14) with a fake source: order, chart, keys, stale loads. */
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Metric} from '../../../source/compare/environment.js';
import {buildCaseHistories, type LoadedHistory} from '../../../source/compare/history.js';
import type {CaseMedian, Run} from '../../../source/store/records.js';
import {HistoryView, type HistorySource} from '../../../source/ui/history/history-view.js';
import {reduceHistory, initialHistoryState} from '../../../source/ui/history/history-state.js';
import {plain, waitForFrame} from '../../helpers/ink.js';

const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

const start = Date.UTC(2026, 0, 1);

/** 60 releases; "late" slows 10% at r040, "early" speeds up 8% at r020 and slows 6% at r045, "flat" stays. */
function makeLoaded(scale = 1): LoadedHistory {
	const runs: Run[] = [];
	const medians: CaseMedian[] = [];
	for (let release = 1; release <= 60; release++) {
		const run: Run = {id: release, releaseId: release, releaseName: `r${String(release).padStart(3, '0')}`, suite: 's', mode: 'bare_metal', status: 'completed', statusReason: undefined, startedAt: new Date(start + release * 3_600_000), endedAt: undefined, environment: {runtime: 'bare_metal'}, isDemo: false};
		runs.push(run);
		const wobble = 1 + (((release * 7919) % 13) - 6) / 1000;
		medians.push(
			{runId: release, caseName: 'flat', median: 1e6 * wobble * scale, count: 10},
			{runId: release, caseName: 'late', median: (release >= 40 ? 1.1e6 : 1e6) * wobble * scale, count: 10},
			{runId: release, caseName: 'early', median: (release >= 20 ? 0.92e6 : 1e6) * (release >= 45 ? 1.06 : 1) * wobble * scale, count: 10},
		);
	}

	return {histories: buildCaseHistories(runs, medians), releases: new Map(runs.map((r) => [r.releaseName, r.startedAt]))};
}

function fakeSource(): HistorySource & {calls: Metric[]; resolveNext?: () => void} {
	const calls: Metric[] = [];
	return {
		calls,
		async load(metric) {
			calls.push(metric);
			return makeLoaded(metric === 'cpu' ? 2 : 1);
		},
	};
}

function renderView(source: HistorySource, onOpenCompare?: (base: string, candidate: string) => void, isActive = true) {
	const instance = render(<HistoryView source={source} isActive={isActive} width={100} height={24} onOpenCompare={onOpenCompare}/>);
	instances.push(instance);
	return instance;
}

describe('HistoryView', () => {
	it('lists cases with a change point first, newest change first, with the chart of the selected one; fits 100×24', async () => {
		const {lastFrame} = renderView(fakeSource());
		const frame = await waitForFrame(lastFrame, (f) => f.includes('3 series, 2 with change points'));
		const lines = frame.split('\n');
		const early = lines.findIndex((l) => l.includes('early ('));
		const late = lines.findIndex((l) => l.includes('late ('));
		const flat = lines.findIndex((l) => l.includes('flat ('));
		expect(early).toBeGreaterThan(-1);
		expect(early).toBeLessThan(late);
		expect(late).toBeLessThan(flat);
		expect(lines[early]).toMatch(/▶ early \(bare metal\)\s+slower \+6\.\d% at r045, p < 0\.001/);
		expect(lines[flat]).toContain('no change point');
		expect(frame).toMatch(/slower \+6\.\d% \[.*\] between r044 and r045/);
		expect(frame).toContain('(1 of 2, newest first)');
		expect(frame).toContain('^');
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
	});

	it('steps through change points with ← / →, cases with ↓, and opens Compare on the releases around one with Enter', async () => {
		const opened: string[] = [];
		const {lastFrame, stdin} = renderView(fakeSource(), (base, candidate) => opened.push(`${base}..${candidate}`));
		await waitForFrame(lastFrame, (f) => f.includes('between r044 and r045'));
		stdin.write('\u001B[D'); // ←: the older change point
		await waitForFrame(lastFrame, (f) => /faster -8\.\d% .* between r019 and r020/.test(f) && f.includes('(2 of 2'));
		stdin.write('\r');
		await waitForFrame(lastFrame, () => opened.length === 1);
		expect(opened).toEqual(['r019..r020']);
		stdin.write('j');
		await waitForFrame(lastFrame, (f) => f.includes('between r039 and r040'));
		stdin.write('j');
		await waitForFrame(lastFrame, (f) => f.includes('flat: 60 releases, no change point'));
		stdin.write('\r');
		expect(opened).toHaveLength(1);
	});

	it('loads again for another metric with m, and for r', async () => {
		const source = fakeSource();
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('History · wall time · 3 series'));
		stdin.write('m');
		await waitForFrame(lastFrame, (f) => f.includes('History · CPU time · 3 series'));
		stdin.write('r');
		await waitForFrame(lastFrame, () => source.calls.length === 3);
		expect(source.calls).toEqual(['wall', 'cpu', 'cpu']);
	});

	it('loads nothing until first shown, and says when the store cannot answer', async () => {
		const source = fakeSource();
		const hidden = renderView(source, undefined, false);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(source.calls).toEqual([]);
		hidden.rerender(<HistoryView source={source} isActive width={100} height={24}/>);
		await waitForFrame(hidden.lastFrame, (f) => f.includes('3 series'));
		const failing = renderView({load: async () => Promise.reject(new Error('connection refused'))});
		await waitForFrame(failing.lastFrame, (f) => f.includes('cannot load the history: connection refused'));
	});

	it('shows the series before their change points are found, then the change points (issue 14: first frame at once)', async () => {
		const loaded = makeLoaded();
		const bare = {...loaded, histories: loaded.histories.map((h) => ({...h, changePoints: []}))};
		const instance = render(<HistoryView source={{load: async () => bare}} isActive width={100} height={24}/>);
		instances.push(instance);
		await waitForFrame(instance.lastFrame, (f) => f.includes('3 series, 2 with change points'));
		const first = instance.frames.map((f) => plain(f)).find((f) => f.includes('finding change points 0/3'));
		expect(first).toBeDefined();
		expect(first).toContain('early (bare metal)');
	});

	it('keeps the selection within the list (reducer)', () => {
		const state = reduceHistory(initialHistoryState, {type: 'select', step: -1, count: 3});
		expect(state).toBe(initialHistoryState);
		expect(reduceHistory(reduceHistory(state, {type: 'select', step: 5, count: 3}), {type: 'change-point', step: 1, count: 2})).toEqual({metric: 'wall', selected: 2, changePoint: 1});
	});
});
