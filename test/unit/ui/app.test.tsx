import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {App} from '../../../source/ui/app.js';
import {keymap} from '../../../source/ui/keymap.js';
import {createFakeServices} from '../../helpers/fake-services.js';
import {plain, waitForFrame} from '../../helpers/ink.js';

const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

function renderApp(services = createFakeServices()) {
	const instance = render(<App services={services}/>);
	instances.push(instance);
	return {...instance, services};
}

describe('the TUI shell', () => {
	it('draws the first frame before any service has answered', () => {
		const {lastFrame} = renderApp();
		const frame = plain(lastFrame());
		expect(frame).toContain('1 Services');
		expect(frame).toContain('This pane will show live health');
		expect(frame).toContain('docker …');
		expect(frame).toContain('embedded opening');
	});

	it('switches panes with 1/2/3 and Tab', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('2');
		await waitForFrame(lastFrame, (f) => f.includes('running and recent benchmark runs'));
		stdin.write('3');
		await waitForFrame(lastFrame, (f) => f.includes('release-versus-release comparisons'));
		stdin.write('\t');
		await waitForFrame(lastFrame, (f) => f.includes('live health and resource use'));
		stdin.write('1');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('live health'));
		expect(frame).not.toContain('release-versus-release');
	});

	it('opens help generated from the keymap and closes it with Esc', async () => {
		const {lastFrame, stdin} = renderApp();
		stdin.write('?');
		const frame = await waitForFrame(lastFrame, (f) => f.includes('Keys'));
		for (const binding of keymap.filter((b) => b.scope === 'global')) expect(frame).toContain(binding.description);
		stdin.write('\u001B');
		await waitForFrame(lastFrame, (f) => !f.includes('(? or Esc closes)'));
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

	it('never draws taller than the terminal', () => {
		const {lastFrame} = renderApp();
		// ink-testing-library's terminal is 24 rows by default.
		expect(plain(lastFrame()).split('\n').length).toBeLessThanOrEqual(24);
	});
});
