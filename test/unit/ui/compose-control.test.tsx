import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {
	ComposeControl,
	initialControlState,
	reduceComposeControl,
	type ComposeControlSource,
	type ComposeControlState,
	type ControlAction,
	type ControlEvents,
} from '../../../source/ui/compose-control.js';
import {FailureError} from '../../../source/errors.js';
import {tick, waitForFrame} from '../../helpers/ink.js';

const run = (actions: readonly ControlAction[], from: ComposeControlState = initialControlState) => actions.reduce(reduceComposeControl, from);

describe('reduceComposeControl', () => {
	it.each([
		['u starts up with no profiles', [{type: 'ask-up'}], {mode: 'running', request: {id: 1, action: 'up', profiles: []}}],
		['D asks first', [{type: 'ask-down'}], {mode: 'confirming', request: undefined}],
		['y after D starts down', [{type: 'ask-down'}, {type: 'confirm-down'}], {mode: 'running', request: {id: 1, action: 'down', profiles: []}}],
		['cancel after D does nothing', [{type: 'ask-down'}, {type: 'cancel'}], {mode: 'idle', request: undefined}],
		['p, pick the second profile, enter', [{type: 'open-picker'}, {type: 'profiles-loaded', profiles: ['benchmarks', 'monitoring']}, {type: 'move', delta: 1}, {type: 'toggle'}, {type: 'submit-picker'}],
			{mode: 'running', request: {id: 1, action: 'up', profiles: ['monitoring']}}],
		['picked profiles keep the file\'s order; toggling twice unmarks', [{type: 'open-picker'}, {type: 'profiles-loaded', profiles: ['a', 'b', 'c']}, {type: 'move', delta: 2}, {type: 'toggle'}, {type: 'move', delta: 1}, {type: 'toggle'}, {type: 'move', delta: 1}, {type: 'toggle'}, {type: 'toggle'}, {type: 'submit-picker'}],
			{mode: 'running', request: {id: 1, action: 'up', profiles: ['a', 'c']}}],
		['the cursor wraps', [{type: 'open-picker'}, {type: 'profiles-loaded', profiles: ['a', 'b']}, {type: 'move', delta: -1}], {mode: 'picking', cursor: 1}],
		['enter before the profiles are read does nothing', [{type: 'open-picker'}, {type: 'submit-picker'}], {mode: 'picking', request: undefined}],
		['keys are ignored while a request runs', [{type: 'ask-up'}, {type: 'ask-down'}, {type: 'open-picker'}], {mode: 'running', request: {id: 1, action: 'up', profiles: []}}],
	] as Array<[string, ControlAction[], Partial<ComposeControlState>]>)('%s', (_name, actions, expected) => {
		expect(run(actions)).toMatchObject(expected);
	});

	it('keeps the last output lines and the progress of the current request only', () => {
		let state = run([{type: 'ask-up'}]);
		for (const line of ['one', '', 'two', 'three', 'four']) state = reduceComposeControl(state, {type: 'line', id: 1, line});
		state = reduceComposeControl(state, {type: 'line', id: 99, line: 'stale'});
		state = reduceComposeControl(state, {type: 'progress', id: 1, progress: [{service: 'redis', label: 'starting'}]});
		expect(state.lines).toEqual(['two', 'three', 'four']);
		expect(state.progress).toEqual([{service: 'redis', label: 'starting'}]);
	});

	it('shows the outcome when its request ends, ignoring a stale one, and a new request clears it', () => {
		let state = run([{type: 'ask-up'}, {type: 'failed', id: 7, text: 'stale'}]);
		expect(state.mode).toBe('running');
		state = reduceComposeControl(state, {type: 'failed', id: 1, text: 'redis is unhealthy'});
		expect(state).toMatchObject({mode: 'idle', outcome: {isOk: false, text: 'redis is unhealthy'}});
		state = run([{type: 'ask-up'}], state);
		expect(state).toMatchObject({mode: 'running', outcome: undefined, request: {id: 2}});
	});
});

/** A source whose requests finish when the test says so. */
class FakeSource implements ComposeControlSource {
	readonly calls: string[] = [];
	events: ControlEvents | undefined;
	private settle: {resolve: (text: string) => void; reject: (error: unknown) => void} | undefined;

	async listProfiles(): Promise<readonly string[]> {
		this.calls.push('profiles');
		return ['benchmarks', 'monitoring'];
	}

	async up(profiles: readonly string[], events: ControlEvents): Promise<string> {
		this.calls.push(`up ${profiles.join(',')}`);
		return this.pending(events);
	}

	async down(events: ControlEvents): Promise<string> {
		this.calls.push('down');
		return this.pending(events);
	}

	finish(text: string): void {
		this.settle?.resolve(text);
	}

	fail(error: unknown): void {
		this.settle?.reject(error);
	}

	private async pending(events: ControlEvents): Promise<string> {
		this.events = events;
		return new Promise((resolve, reject) => {
			this.settle = {resolve, reject};
		});
	}
}

const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

function renderControl(source: FakeSource, isActive = true, onCaptureInput?: (isCaptured: boolean) => void) {
	const instance = render(<ComposeControl isActive={isActive} source={source} onCaptureInput={onCaptureInput}/>);
	instances.push(instance);
	return instance;
}

describe('ComposeControl', () => {
	it('u brings the default services up, shows per-service progress and output, then the outcome', async () => {
		const source = new FakeSource();
		const {stdin, lastFrame} = renderControl(source);
		await tick();
		stdin.write('u');
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack up…'));
		// The request starts in an effect after the frame that announces it.
		await vi.waitFor(() => expect(source.calls).toEqual(['up ']));
		source.events!.onLine('Creating rqc_redis_1 ... done');
		source.events!.onProgress([{service: 'timescaledb', label: 'starting'}, {service: 'redis', label: 'healthy'}]);
		const frame = await waitForFrame(lastFrame, (f) => f.includes('timescaledb') && f.includes('Creating rqc_redis_1'));
		expect(frame).toMatch(/timescaledb\s+starting/);
		expect(frame).toMatch(/redis\s+healthy/);
		source.finish('Stack up: 3 services healthy');
		const done = await waitForFrame(lastFrame, (f) => f.includes('✓ Stack up: 3 services healthy'));
		expect(done).not.toContain('Creating rqc_redis_1');
	});

	it('p lists the profiles and starts the marked ones', async () => {
		const source = new FakeSource();
		const captured: boolean[] = [];
		const {stdin, lastFrame} = renderControl(source, true, (isCaptured) => captured.push(isCaptured));
		await tick();
		stdin.write('p');
		await waitForFrame(lastFrame, (f) => f.includes('[ ] monitoring'));
		expect(captured.at(-1)).toBe(true);
		stdin.write(' ');
		await waitForFrame(lastFrame, (f) => f.includes('[x] benchmarks'));
		stdin.write('\r');
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack up with benchmarks…'));
		await vi.waitFor(() => expect(source.calls).toEqual(['profiles', 'up benchmarks']));
		expect(captured.at(-1)).toBe(false);
	});

	it('D asks before bringing the stack down; n leaves it up', async () => {
		const source = new FakeSource();
		const {stdin, lastFrame} = renderControl(source);
		await tick();
		stdin.write('D');
		await waitForFrame(lastFrame, (f) => f.includes('Bring the stack down?'));
		stdin.write('n');
		await waitForFrame(lastFrame, (f) => !f.includes('Bring the stack down?'));
		expect(source.calls).toEqual([]);
		stdin.write('D');
		await waitForFrame(lastFrame, (f) => f.includes('Bring the stack down?'));
		stdin.write('y');
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack down…'));
		await vi.waitFor(() => expect(source.calls).toEqual(['down']));
		source.finish('Stack down: 3 containers removed; data volumes kept');
		await waitForFrame(lastFrame, (f) => f.includes('✓ Stack down: 3 containers removed'));
	});

	// issue 10: keys bound from the keymap reach the mode the key before them opened
	it('D then y sent at once bring the stack down; Esc leaves the picker; p, j, k, ↓, Space, Enter start a profile', async () => {
		const source = new FakeSource();
		const {stdin, lastFrame} = renderControl(source);
		await tick();
		stdin.write('D');
		stdin.write('y');
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack down…'));
		await vi.waitFor(() => expect(source.calls).toEqual(['down']));
		source.finish('Stack down: 3 containers removed; data volumes kept');
		await waitForFrame(lastFrame, (f) => f.includes('✓ Stack down'));
		stdin.write('p');
		await waitForFrame(lastFrame, (f) => f.includes('[ ] monitoring'));
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => !f.includes('[ ] monitoring'));
		stdin.write('p');
		await waitForFrame(lastFrame, (f) => f.includes('[ ] monitoring'));
		for (const key of ['j', 'k', '\u001B[B', ' ', '\r']) stdin.write(key);
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack up with monitoring…'));
		await vi.waitFor(() => expect(source.calls).toEqual(['down', 'profiles', 'up monitoring']));
	});

	it('shows a failure with its hint in place', async () => {
		const source = new FakeSource();
		const {stdin, lastFrame} = renderControl(source);
		await tick();
		stdin.write('u');
		await waitForFrame(lastFrame, (f) => f.includes('Bringing the stack up'));
		await vi.waitFor(() => expect(source.calls).toEqual(['up ']));
		source.fail(new FailureError('redis is unhealthy: no PONG', 'see its log with: rqc logs redis'));
		const frame = await waitForFrame(lastFrame, (f) => f.includes('✗ redis is unhealthy'));
		expect(frame).toContain('no PONG');
	});

	it('ignores keys while not active', async () => {
		const source = new FakeSource();
		const {stdin, lastFrame} = renderControl(source, false);
		await tick();
		stdin.write('u');
		stdin.write('D');
		await tick();
		expect(lastFrame()).not.toContain('Bringing');
		expect(lastFrame()).not.toContain('Bring the stack down?');
		expect(source.calls).toEqual([]);
	});
});
