import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {ContainerView} from '../../../source/docker/monitor.js';
import {ServicesView} from '../../../source/ui/services/services-view.js';
import {FakeServicesSource, makeRecord, makeSample} from '../../helpers/fake-services-source.js';
import {plain, tick, waitForFrame} from '../../helpers/ink.js';

const NOW = 1_120_000;
const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

function many(count: number): ContainerView[] {
	return Array.from({length: count}, (_, i) => {
		const id = `svc${String(i).padStart(2, '0')}`;
		return {record: makeRecord({id}), sample: makeSample({cpuPercent: i})};
	});
}

function renderView(source: FakeServicesSource, size = {width: 80, height: 21}) {
	const instance = render(<ServicesView source={source} isActive width={size.width} height={size.height} renderIntervalMs={10} now={() => NOW}/>);
	instances.push(instance);
	return instance;
}

describe('ServicesView', () => {
	it('shows the table with state, health, CPU and memory of each container', async () => {
		const source = new FakeServicesSource([
			{record: makeRecord({id: 'db', health: 'healthy', memoryLimitBytes: 256 * 1024 * 1024}), sample: makeSample({cpuPercent: 50.04})},
			{record: makeRecord({id: 'cache', state: 'exited', exitCode: 0, pid: 0}), sample: undefined},
		]);
		const {lastFrame} = renderView(source);
		// The charts appear once the first row is selected.
		const frame = await waitForFrame(lastFrame, (f) => f.includes('db') && f.includes('one core'));
		expect(frame).toContain('NAME');
		expect(frame).toContain('CPU%');
		expect(frame).toMatch(/✓ db\s+running\s+healthy\s+50\.0\s+64M\/256M/);
		expect(frame).toMatch(/■ cache\s+exited\(0\)/);
		expect(frame).toContain('2 containers: 1 running');
		// The selected container's charts, with the one-core note.
		expect(frame).toContain('(100% = one core)');
	});

	it('marks unhealthy and restarting rows with a symbol, and shows the probe output', async () => {
		const source = new FakeServicesSource([
			{record: makeRecord({id: 'api', health: 'unhealthy', healthOutput: 'probe says no'}), sample: makeSample()},
			{record: makeRecord({id: 'worker', state: 'restarting', restartCount: 7}), sample: undefined},
		]);
		const {lastFrame} = renderView(source);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('probe says no'));
		expect(frame).toMatch(/✗ api\s+running\s+unhealthy/);
		expect(frame).toMatch(/↻ worker\s+restarting\s+-\s/);
		expect(frame).toContain('1 unhealthy, 1 restarting');
	});

	it('stays within 80×24 with 50 containers and scrolls to keep the selection visible', async () => {
		const source = new FakeServicesSource(many(50));
		const {lastFrame, stdin} = renderView(source, {width: 80, height: 21});
		let frame = await waitForFrame(lastFrame, (f) => f.includes('svc00') && f.includes('one core'));
		const lines = frame.split('\n');
		expect(lines.length).toBeLessThanOrEqual(21);
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
		expect(frame).toContain('rows 1-');
		expect(frame).not.toContain('svc49');
		stdin.write('G');
		frame = await waitForFrame(lastFrame, (f) => f.includes('svc49'));
		expect(frame).not.toContain('svc00 ');
		expect(frame.split('\n').length).toBeLessThanOrEqual(21);
		stdin.write('g');
		await waitForFrame(lastFrame, (f) => f.includes('svc00') && !f.includes('svc49'));
	});

	it('truncates long names and drops low-priority columns in a narrow terminal', async () => {
		const source = new FakeServicesSource([{record: makeRecord({id: 'a-very-long-service-name-that-does-not-fit-anywhere'}), sample: makeSample()}]);
		const {lastFrame} = renderView(source, {width: 50, height: 12});
		const frame = await waitForFrame(lastFrame, (f) => f.includes('a-very'));
		for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
		expect(frame).toContain('…');
		expect(frame).not.toContain('BLK R/W');
	});

	it('filters by name with /', async () => {
		const source = new FakeServicesSource(many(5));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc03') && f.includes('one core'));
		stdin.write('/');
		await waitForFrame(lastFrame, (f) => f.includes('Enter applies'));
		stdin.write('svc03');
		await waitForFrame(lastFrame, (f) => f.includes('/svc03'));
		stdin.write('\r');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('filter "svc03"'));
		expect(frame).toContain('svc03');
		expect(frame).not.toContain('svc01');
	});

	it('asks before stopping, and only stops on y', async () => {
		const source = new FakeServicesSource(many(2));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc00') && f.includes('one core'));
		stdin.write('x');
		await waitForFrame(lastFrame, (f) => f.includes('Stop svc00?'));
		stdin.write('n');
		await waitForFrame(lastFrame, (f) => !f.includes('Stop svc00?'));
		expect(source.actions).toEqual([]);
		stdin.write('x');
		await waitForFrame(lastFrame, (f) => f.includes('Stop svc00?'));
		stdin.write('y');
		await waitForFrame(lastFrame, (f) => f.includes('svc00 stopped'));
		expect(source.actions).toEqual([{id: 'svc00', action: 'stop'}]);
	});

	// issue 10: keys bound from the keymap still reach the mode a key before them opened
	it('x then y stops the selected container even when y arrives before the handlers are re-attached', async () => {
		const source = new FakeServicesSource(many(2));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc00') && f.includes('one core'));
		stdin.write('x');
		stdin.write('y');
		await waitForFrame(lastFrame, (f) => f.includes('svc00 stopped'));
		expect(source.actions).toEqual([{id: 'svc00', action: 'stop'}]);
	});

	it('moves with j / k, PgDn, Home / End, and clears a filter with Esc', async () => {
		const source = new FakeServicesSource(many(30));
		const {lastFrame, stdin} = renderView(source);
		// Frames have no colour here, so the selection is read from the logs view it opens.
		const selectedIs = async (name: string) => {
			// Let Ink take the key before it (a key in the same read would reach the old selection).
			await tick();
			await tick();
			stdin.write('l');
			await waitForFrame(lastFrame, (f) => f.includes('Logs: '));
			expect(plain(lastFrame())).toContain(`Logs: ${name} `);
			// l closes as Esc does; a lone Esc waits in Ink's parser for what may follow it.
			stdin.write('l');
			await waitForFrame(lastFrame, (f) => !f.includes('Logs: '));
		};
		await selectedIs('svc00');
		stdin.write('j');
		await selectedIs('svc01');
		stdin.write('k');
		await selectedIs('svc00');
		stdin.write('\u001B[6~'); // PgDn: a page further (11 rows here)
		await selectedIs('svc11');
		stdin.write('\u001B[5~'); // PgUp
		await selectedIs('svc00');
		stdin.write('\u001B[F'); // End
		await selectedIs('svc29');
		stdin.write('\u001B[H'); // Home
		await selectedIs('svc00');
		stdin.write('G');
		await selectedIs('svc29');
		stdin.write('g');
		await selectedIs('svc00');
		stdin.write('/');
		await waitForFrame(lastFrame, (f) => f.includes('Enter applies, Esc cancels'));
		stdin.write('svc2');
		await waitForFrame(lastFrame, (f) => f.includes('/svc2'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('filter "svc2"') && !f.includes('svc00'));
		stdin.write('\u001B');
		// Every container is listed again; the selection (svc20) stays where it was, and in view.
		await waitForFrame(lastFrame, (f) => !f.includes('filter "svc2"') && f.includes(' of 30') && f.includes('svc20'));
	});

	it('starts and restarts the selected container, and reports a failure', async () => {
		const source = new FakeServicesSource(many(3));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc00') && f.includes('one core'));
		stdin.write('j');
		await tick();
		stdin.write('r');
		await waitForFrame(lastFrame, (f) => f.includes('svc01 restarted'));
		source.actionError = new Error('boom');
		stdin.write('s');
		await waitForFrame(lastFrame, (f) => f.includes('start svc01 failed: boom'));
		expect(source.actions).toEqual([{id: 'svc01', action: 'restart'}, {id: 'svc01', action: 'start'}]);
	});

	it('opens a logs view that follows the selected container, and closes it with Esc', async () => {
		const source = new FakeServicesSource(many(2));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc00') && f.includes('one core'));
		stdin.write('l');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('second log line'));
		expect(frame).toContain('Logs: svc00');
		expect(source.logStreams).toEqual(['svc00']);
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => f.includes('NAME') && !f.includes('Logs:'));
		// Enter opens it too, and l closes it.
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Logs: svc00'));
		stdin.write('l');
		await waitForFrame(lastFrame, (f) => f.includes('NAME') && !f.includes('Logs:'));
	});

	it('says the engine is unreachable and retrying, then recovers', async () => {
		const source = new FakeServicesSource(many(1), {state: 'unreachable', message: 'connect ECONNREFUSED', retryAt: NOW + 2000, attempt: 3});
		const {lastFrame} = renderView(source);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('unreachable'));
		expect(frame).toContain('retrying in 2s (attempt 3)');
		source.setSnapshot({engine: {state: 'ok', since: NOW}});
		await waitForFrame(lastFrame, (f) => f.includes('1 container: 1 running'));
	});

	it('drops a vanished container and moves the selection', async () => {
		const source = new FakeServicesSource(many(2));
		const {lastFrame, stdin} = renderView(source);
		await waitForFrame(lastFrame, (f) => f.includes('svc01') && f.includes('one core'));
		stdin.write('j');
		await tick();
		source.setSnapshot({containers: many(1)});
		const frame = await waitForFrame(lastFrame, (f) => !f.includes('svc01'));
		expect(plain(frame)).toContain('svc00');
	});
});
