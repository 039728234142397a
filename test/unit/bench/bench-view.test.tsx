/** The Benchmarks screen with a fake source: running and recent runs, b / B to launch, x to stop. */
import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it, vi} from 'vitest';
import {reduceProgress, initialProgressState, type BenchEvent} from '../../../source/bench/progress.js';
import type {BenchSnapshot, BenchSource, LaunchRequest} from '../../../source/ui/bench/bench-source.js';
import {BenchView, formatRunningLine} from '../../../source/ui/bench/bench-view.js';
import {createBenchViewState, reduceBenchView, type BenchViewAction} from '../../../source/ui/bench/bench-view-state.js';
import type {Run} from '../../../source/store/records.js';
import {tick, waitForFrame} from '../../helpers/ink.js';

const now = Date.parse('2026-11-26T12:00:10.000Z');

function event(overrides: Partial<BenchEvent>): BenchEvent {
	return {
		type: 'progress', runId: 7, suite: 'calibration', mode: 'docker', release: 'v1.3.0', host: 'ci-1', pid: 1, done: 120, total: 300,
		caseName: 'cpu-sha256', caseDone: 10, caseTotal: 22, medianNs: 188_000_000, elapsedMs: 60_000, etaMs: 90_000, status: 'running',
		reason: undefined, startedAt: '2026-11-26T12:00:00.000Z', time: '2026-11-26T12:00:09.000Z', ...overrides,
	};
}

function run(overrides: Partial<Run>): Run {
	return {
		id: 5, releaseId: 1, releaseName: 'v1.2.0', suite: 'smoke', mode: 'bare_metal', status: 'completed', statusReason: undefined,
		startedAt: new Date('2026-11-26T11:40:00.000Z'), endedAt: new Date('2026-11-26T11:41:00.000Z'), environment: {runtime: 'bare_metal'}, isDemo: false, ...overrides,
	};
}

class FakeSource implements BenchSource {
	snapshot: BenchSnapshot;
	readonly launches: LaunchRequest[] = [];
	stops = 0;
	readonly listeners = new Set<() => void>();
	constructor(snapshot: Partial<BenchSnapshot>) {
		this.snapshot = {progress: initialProgressState, recentRuns: [], suites: [], ownRunIds: [], message: undefined, isLoading: false, ...snapshot};
	}

	getSnapshot = () => this.snapshot;
	subscribe = (listener: () => void) => {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	};

	start = () => {};
	launch = (request: LaunchRequest) => {
		this.launches.push(request);
	};

	stopOwnRuns = () => {
		this.stops++;
	};

	close = async () => {};
	push(patch: Partial<BenchSnapshot>) {
		this.snapshot = {...this.snapshot, ...patch};
		for (const listener of this.listeners) listener();
	}
}

const suites = [
	{name: 'calibration', description: 'overhead cases', file: '/b/calibration.yaml', cases: ['a', 'b'], problems: []},
	{name: 'smoke', description: 'tiny', file: '/b/smoke.json', cases: ['t'], problems: []},
];

describe('BenchView', () => {
	it('shows running runs (from anywhere) with bar, done/total, median, ETA, and recent runs', async () => {
		const source = new FakeSource({
			progress: reduceProgress(initialProgressState, event({})),
			recentRuns: [run({}), run({id: 4, suite: 'oom', mode: 'docker', status: 'failed', statusReason: 'OOMKilled'})],
		});
		const {lastFrame, unmount} = render(<BenchView source={source} isActive width={120} height={12} now={() => now} renderIntervalMs={10}/>);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('#7'));
		expect(frame).toContain('Running (1)');
		expect(frame).toMatch(/#7 calibration docker v1\.3\.0 @ci-1 \[#+\.+\] 120\/300 cpu-sha256 median 188 ms ETA 1m30s/);
		expect(frame).toMatch(/✓ #5 smoke\s+bare metal\s+v1\.2\.0/);
		expect(frame).toMatch(/✗ #4 oom .*failed: OOMKilled/);
		source.push({progress: reduceProgress(source.snapshot.progress, event({type: 'end', done: 300, status: 'completed', time: '2026-11-26T12:00:10.000Z'}))});
		const ended = await waitForFrame(lastFrame, (f) => f.includes('Running (none)'));
		// Run 7 is not in this store's list: it is shown as ended elsewhere.
		expect(ended).toMatch(/✓ #7 calibration docker v1\.3\.0 @ci-1 {2}completed/);
		unmount();
	});

	it('b picks a suite and a release, then launches a docker run; B a bare-metal one', async () => {
		const source = new FakeSource({suites});
		const captured: boolean[] = [];
		const {lastFrame, stdin, unmount} = render(<BenchView source={source} isActive width={100} height={12} defaultRelease="v9" onCaptureInput={(c) => captured.push(c)} renderIntervalMs={10}/>);
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		stdin.write('b');
		await waitForFrame(lastFrame, (f) => f.includes('Run a suite in docker'));
		stdin.write('\u001B[B'); // down: smoke
		await waitForFrame(lastFrame, (f) => f.includes('› smoke'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v9'));
		await vi.waitFor(() => expect(captured.at(-1)).toBe(true));
		stdin.write('\u007F'); // backspace
		await waitForFrame(lastFrame, (f) => f.includes('Release: v█'));
		stdin.write('.1-rc');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v.1-rc'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		await vi.waitFor(() => expect(source.launches).toEqual([{suiteFile: '/b/smoke.json', mode: 'docker', release: 'v.1-rc'}]));
		await vi.waitFor(() => expect(captured.at(-1)).toBe(false));

		stdin.write('B');
		await waitForFrame(lastFrame, (f) => f.includes('Run a suite bare metal'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v.1-rc'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		await vi.waitFor(() => expect(source.launches[1]).toEqual({suiteFile: '/b/smoke.json', mode: 'bare_metal', release: 'v.1-rc'}));
		stdin.write('x');
		await vi.waitFor(() => expect(source.stops).toBe(1));
		unmount();
	});

	// issue 13: the release prompt replaces its pre-filled default on the first key typed (was `devv-tui-1`)
	it('typing in the release prompt replaces the offered default; Enter alone keeps it', async () => {
		const source = new FakeSource({suites});
		const {lastFrame, stdin, unmount} = render(<BenchView source={source} isActive width={100} height={12} renderIntervalMs={10}/>);
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		stdin.write('b');
		await waitForFrame(lastFrame, (f) => f.includes('Run a suite in docker'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Release: dev█'));
		stdin.write('v');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v█'));
		stdin.write('-tui-1');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v-tui-1█'));
		stdin.write('\r');
		await vi.waitFor(() => expect(source.launches).toEqual([{suiteFile: '/b/calibration.yaml', mode: 'docker', release: 'v-tui-1'}]));
		// The next launch offers the last release; Enter takes it as it is.
		stdin.write('B');
		await waitForFrame(lastFrame, (f) => f.includes('Run a suite bare metal'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Release: v-tui-1█'));
		stdin.write('\r');
		await vi.waitFor(() => expect(source.launches[1]).toEqual({suiteFile: '/b/calibration.yaml', mode: 'bare_metal', release: 'v-tui-1'}));
		unmount();
	});

	// issue 10: keys bound from the keymap reach the mode the key before them opened, before any render
	it('b, ↓, Enter, a release and Enter sent at once launch the run', async () => {
		const source = new FakeSource({suites});
		const {lastFrame, stdin, unmount} = render(<BenchView source={source} isActive width={100} height={12} renderIntervalMs={10}/>);
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		for (const key of ['b', '\u001B[B', '\r', 'r1', '\r']) stdin.write(key);
		await vi.waitFor(() => expect(source.launches).toEqual([{suiteFile: '/b/smoke.json', mode: 'docker', release: 'r1'}]));
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		unmount();
	});

	it('Esc backs out without launching, and keys do nothing while inactive', async () => {
		const source = new FakeSource({suites});
		const {lastFrame, stdin, rerender, unmount} = render(<BenchView source={source} isActive width={100} height={12} renderIntervalMs={10}/>);
		stdin.write('b');
		await waitForFrame(lastFrame, (f) => f.includes('Run a suite in docker'));
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => f.includes('Recent runs'));
		rerender(<BenchView source={source} isActive={false} width={100} height={12} renderIntervalMs={10}/>);
		stdin.write('b');
		await tick();
		expect(lastFrame()).not.toContain('Run a suite in docker');
		expect(source.launches).toEqual([]);
		unmount();
	});

	it('never draws taller than its height', async () => {
		let progress = initialProgressState;
		for (let id = 1; id <= 30; id++) progress = reduceProgress(progress, event({runId: id}));
		const source = new FakeSource({progress, recentRuns: Array.from({length: 20}, (_, i) => run({id: 100 + i})), message: {text: 'hello', isError: false}});
		const {lastFrame, unmount} = render(<BenchView source={source} isActive width={80} height={10} now={() => now} renderIntervalMs={10}/>);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('hello'));
		expect(frame.split('\n').length).toBeLessThanOrEqual(10);
		unmount();
	});
});

describe('bench view state and lines', () => {
	it('does not open the picker without suites, wraps the selection, refuses an empty release', () => {
		let state = createBenchViewState('dev');
		expect(reduceBenchView(state, {type: 'open-picker', mode: 'docker', suiteCount: 0}).mode).toBe('browse');
		state = reduceBenchView(state, {type: 'open-picker', mode: 'bare_metal', suiteCount: 3});
		state = reduceBenchView(state, {type: 'move', delta: -1, suiteCount: 3});
		expect(state.suiteIndex).toBe(2);
		state = reduceBenchView(state, {type: 'choose'});
		expect(state.release).toBe('dev');
		for (let i = 0; i < 3; i++) state = reduceBenchView(state, {type: 'backspace'});
		expect(reduceBenchView(state, {type: 'confirm'}).launch).toBeUndefined();
		state = reduceBenchView(reduceBenchView(state, {type: 'type', text: 'v2 /x'}), {type: 'confirm'});
		expect(state.launch).toEqual({suiteIndex: 2, mode: 'bare_metal', release: 'v2x'});
	});

	// issue 13: the first typed character replaces the offered release; after an edit, typing appends
	it.each([
		['typing replaces the default', [{type: 'type', text: 'v'}, {type: 'type', text: '-tui-1'}], 'v-tui-1'],
		['a refused character leaves the default offered', [{type: 'type', text: ' '}, {type: 'type', text: 'x'}], 'x'],
		['Backspace edits the default, then typing appends', [{type: 'backspace'}, {type: 'type', text: 'v2'}], 'dev2'],
		['nothing typed keeps the default', [], 'dev'],
	] as Array<[string, BenchViewAction[], string]>)('release prompt: %s', (_name, actions, release) => {
		const opened: BenchViewAction[] = [{type: 'open-picker', mode: 'docker', suiteCount: 1}, {type: 'choose'}];
		let state = [...opened, ...actions].reduce(reduceBenchView, createBenchViewState('dev'));
		expect(state.release).toBe(release);
		state = reduceBenchView(state, {type: 'confirm'});
		expect(state.launch?.release).toBe(release);
	});

	it('marks a run silent when its events stopped', () => {
		const line = formatRunningLine(event({time: '2026-11-26T11:50:00.000Z'}), 200, now);
		expect(line).toMatch(/no news for 10m10s/);
	});
});
