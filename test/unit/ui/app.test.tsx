import React from 'react';
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../../source/ui/app.js';
import {keymap} from '../../../source/ui/keymap.js';
import type {PaneProps} from '../../../source/ui/panes/types.js';
import {createFakeServices} from '../../helpers/fake-services.js';
import {plain, tick, waitForFrame} from '../../helpers/ink.js';

const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

// The shell on its own: each pane says its name and whether it has the keys.
const stubPane = (name: string) => ({isActive}: PaneProps) => <Text>{`${name} pane${isActive ? ' (active)' : ''}`}</Text>;
const stubPanes = {services: stubPane('services'), benchmarks: stubPane('benchmarks'), compare: stubPane('compare'), history: stubPane('history')};

function renderApp(services = createFakeServices(), panes: 'stub' | 'real' = 'stub') {
	const instance = render(<App services={services} paneComponents={panes === 'stub' ? stubPanes : undefined}/>);
	instances.push(instance);
	return {...instance, services};
}

describe('the TUI shell', () => {
	it('draws the first frame before any service has answered', () => {
		const {lastFrame} = renderApp();
		const frame = plain(lastFrame());
		expect(frame).toContain('[1 Services]');
		expect(frame).toContain('services pane (active)');
		expect(frame).toContain('docker …');
		expect(frame).toContain('embedded opening');
	});

	it('switches panes with 1/2/3/4 and Tab', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('2');
		await waitForFrame(lastFrame, (f) => f.includes('[2 Benchmarks]') && f.includes('benchmarks pane (active)'));
		stdin.write('3');
		await waitForFrame(lastFrame, (f) => f.includes('[3 Compare]') && f.includes('compare pane (active)'));
		stdin.write('4');
		await waitForFrame(lastFrame, (f) => f.includes('[4 History]') && f.includes('history pane (active)'));
		stdin.write('\t');
		await waitForFrame(lastFrame, (f) => f.includes('[1 Services]'));
		stdin.write('1');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('services pane (active)'));
		// Hidden panes stay mounted but never get the keys.
		expect(frame).not.toContain('compare pane (active)');
	});

	it('opens help generated from the keymap and closes it with Esc', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('Keys'));
		for (const binding of keymap.filter((b) => b.scope === 'global')) expect(frame).toContain(binding.description);
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => !f.includes('(? or Esc closes)'));
	});

	it('with help open, ? closes it, a pane key switches and closes it; Shift-Tab goes back', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('?');
		await waitForFrame(lastFrame, (f) => f.includes('(? or Esc closes)'));
		stdin.write('?');
		await waitForFrame(lastFrame, (f) => !f.includes('(? or Esc closes)') && f.includes('services pane (active)'));
		stdin.write('?');
		await waitForFrame(lastFrame, (f) => f.includes('(? or Esc closes)'));
		stdin.write('2');
		await waitForFrame(lastFrame, (f) => !f.includes('(? or Esc closes)') && f.includes('benchmarks pane (active)'));
		stdin.write('\u001B[Z'); // Shift-Tab
		await waitForFrame(lastFrame, (f) => f.includes('[1 Services]') && f.includes('services pane (active)'));
	});

	it('opens the Compare pane on the releases another pane asks for (issue 14: History\'s Enter)', async () => {
		const asking = ({isActive, onOpenCompare}: PaneProps) => {
			React.useEffect(() => {
				if (isActive) onOpenCompare?.('r0599', 'r0600');
			}, [isActive, onOpenCompare]);
			return <Text>history pane</Text>;
		};

		const showing = ({isActive, compareRequest}: PaneProps) => <Text>{`compare pane${isActive ? ' (active)' : ''} ${compareRequest ? `${compareRequest.base}..${compareRequest.candidate}` : 'no request'}`}</Text>;
		const instance = render(<App services={createFakeServices()} paneComponents={{...stubPanes, history: asking, compare: showing}} initialPane="history"/>);
		instances.push(instance);
		await waitForFrame(instance.lastFrame, (f) => f.includes('[3 Compare]') && f.includes('compare pane (active) r0599..r0600'));
	});

	it('leaves the keys to a pane that takes typed text', async () => {
		const typing = ({isActive, onCaptureInput}: PaneProps) => {
			React.useEffect(() => onCaptureInput(isActive), [isActive, onCaptureInput]);
			return <Text>{`typing pane${isActive ? ' (active)' : ''}`}</Text>;
		};

		const instance = render(<App services={createFakeServices()} paneComponents={{...stubPanes, services: typing}}/>);
		instances.push(instance);
		await waitForFrame(instance.lastFrame, (f) => f.includes('typing pane (active)'));
		// The pane reports its prompt in an effect; the shell's next render turns its keys off.
		await tick();
		instance.stdin.write('2');
		instance.stdin.write('?');
		await tick();
		const frame = plain(instance.lastFrame());
		expect(frame).toContain('[1 Services]');
		expect(frame).not.toContain('(? or Esc closes)');
	});

	it('binds keys from the table it is given: a key moved in the table moves in the shell and its help', async () => {
		const bindings = keymap.map((b) => (b.action === 'show-compare' ? {...b, key: 'z'} : b));
		const instance = render(<App services={createFakeServices()} paneComponents={stubPanes} bindings={bindings}/>);
		instances.push(instance);
		instance.stdin.write('3');
		await tick();
		expect(plain(instance.lastFrame())).toContain('services pane (active)');
		instance.stdin.write('z');
		await waitForFrame(instance.lastFrame, (f) => f.includes('compare pane (active)'));
		instance.stdin.write('?');
		const help = await waitForFrame(instance.lastFrame, (f) => f.includes('(? or Esc closes)'));
		expect(help).toMatch(/1 2 z 4 +Services \/ Benchmarks \/ Compare \/ History pane/);
	});

	it('shows the keys of the pane it was opened from right after the global ones', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('3');
		await waitForFrame(lastFrame, (f) => f.includes('[3 Compare]'));
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('Keys'));
		expect(frame.indexOf('Everywhere')).toBeLessThan(frame.indexOf('Compare pane'));
		for (const binding of keymap.filter((b) => b.scope === 'compare')) expect(frame).toContain(binding.description);
	});

	it('updates the status bar live as services answer', async () => {
		const {lastFrame, services} = renderApp();
		services.health.update({docker: {state: 'ok', version: '27.1.0'}, database: {state: 'ok', kind: 'timescaledb'}, redis: {state: 'ready'}});
		const frame = await waitForFrame(lastFrame, (f) => f.includes('docker 27.1.0'));
		expect(frame).toContain('TimescaleDB');
		services.health.update({docker: {state: 'unreachable', error: 'gone'}, redis: {state: 'reconnecting'}});
		const later = await waitForFrame(lastFrame, (f) => f.includes('docker unreachable'));
		expect(later).toContain('redis reconnecting');
	});

	it('mounts the real panes and never draws taller than the terminal', async () => {
		const {lastFrame, stdin} = renderApp(createFakeServices(), 'real');
		for (const key of ['2', '3', '1']) {
			stdin.write(key);
			await waitForFrame(lastFrame, (f) => f.includes(`[${key} `));
			// ink-testing-library's terminal is 24 rows by default.
			expect(plain(lastFrame()).split('\n').length).toBeLessThanOrEqual(24);
		}
	});
});
