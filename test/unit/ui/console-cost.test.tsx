/**
 * A console that does not disturb what it measures (issue 10 point 7): no frame when nothing
 * changed, none for a hidden pane, and quiet mode (a benchmark run holds the host) entered and
 * left from the health source, with the notice in the status bar.
 */
import React, {Profiler} from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createHealthMonitor, isQuiet, MutableHealthSource, type HealthSnapshot} from '../../../source/health.js';
import type {LockOwner} from '../../../source/bench/lock.js';
import {MemoryCache} from '../../../source/cache/memory-cache.js';
import {resolveConfig} from '../../../source/config.js';
import {App} from '../../../source/ui/app.js';
import {ServicesView} from '../../../source/ui/services/services-view.js';
import {describeQuiet} from '../../../source/ui/status-bar.js';
import {createDockerClient} from '../../../source/docker/engine.js';
import type {Store} from '../../../source/store/store.js';
import {createFakeServices, initialHealth} from '../../helpers/fake-services.js';
import {FakeServicesSource, makeRecord, makeSample} from '../../helpers/fake-services-source.js';
import {waitForFrame} from '../../helpers/ink.js';

const instances: Array<{unmount: () => void}> = [];
afterEach(() => {
	for (const instance of instances.splice(0)) instance.unmount();
});

const sleep = async (ms: number) => new Promise((resolve) => {
	setTimeout(resolve, ms);
});

/** Waits until no commit has come for 200 ms (the first frames and the selection's sync are done). */
async function settle(commits: {count: number}): Promise<number> {
	for (;;) {
		const before = commits.count;
		await sleep(200);
		if (commits.count === before) return before;
	}
}

function renderCounted(source: FakeServicesSource, props: {isShown?: boolean; renderIntervalMs?: number} = {}) {
	const commits = {count: 0};
	const view = (isShown: boolean | undefined) => (
		<Profiler id="services" onRender={() => {
			commits.count++;
		}}>
			<ServicesView source={source} isActive width={80} height={21} renderIntervalMs={props.renderIntervalMs ?? 10} isShown={isShown} now={() => 1_000_000}/>
		</Profiler>
	);
	const instance = render(view(props.isShown));
	instances.push(instance);
	return {...instance, commits, show: (isShown: boolean) => instance.rerender(view(isShown))};
}

describe('no frame when nothing changed', () => {
	// issue 10: the console redrew every second with nothing new on screen
	it('does not re-render when the source announces a change but its snapshot is the same', async () => {
		const source = new FakeServicesSource([{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: 3})}]);
		const {lastFrame, commits} = renderCounted(source);
		await waitForFrame(lastFrame, (f) => f.includes('db'));
		const settled = await settle(commits);
		// Listeners called without a new snapshot (a sampler round that found nothing new).
		const notify = (source as unknown as {listeners: Set<() => void>}).listeners;
		for (let i = 0; i < 5; i++) {
			for (const listener of notify) listener();
			await sleep(30);
		}

		expect(commits.count).toBe(settled);
		// A real change does render.
		source.setSnapshot({containers: [{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: 42})}]});
		await waitForFrame(lastFrame, (f) => f.includes('42.0'));
		expect(commits.count).toBeGreaterThan(settled);
	});

	it('renders nothing for a hidden pane, and the latest snapshot as soon as it is shown', async () => {
		const source = new FakeServicesSource([{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: 1})}]);
		const {lastFrame, commits, show} = renderCounted(source, {isShown: false});
		const hidden = await settle(commits);
		for (let i = 2; i < 8; i++) {
			source.setSnapshot({containers: [{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: i})}]});
			await sleep(30);
		}

		expect(commits.count).toBe(hidden);
		show(true);
		await waitForFrame(lastFrame, (f) => f.includes('7.0'));
	});

	it('draws at most once per render interval however often the source changes (quiet mode: 5 s)', async () => {
		const source = new FakeServicesSource([{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: 1})}]);
		const {lastFrame, commits} = renderCounted(source, {renderIntervalMs: 5000});
		await waitForFrame(lastFrame, (f) => f.includes('db'));
		const before = await settle(commits);
		for (let i = 2; i < 12; i++) {
			source.setSnapshot({containers: [{record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: i})}]});
			await sleep(20);
		}

		// Ten changes in 200 ms: the first frame of the burst may come at once, the rest wait 5 s.
		expect(commits.count - before).toBeLessThanOrEqual(2);
	});
});

describe('quiet mode', () => {
	const holder: LockOwner = {host: 'h', pid: 42, token: 't', suite: 'nightly', since: '', mode: 'bare_metal'};

	it('says which kind of run made the console quiet', () => {
		expect(describeQuiet(initialHealth)).toBeUndefined();
		expect(describeQuiet({...initialHealth, benchmark: {suite: 's', mode: 'bare_metal', pid: 1}})).toBe('quiet: bare-metal run in progress');
		expect(describeQuiet({...initialHealth, benchmark: {suite: 's', mode: undefined, pid: 1}})).toBe('quiet: bare-metal run in progress');
		expect(describeQuiet({...initialHealth, benchmark: {suite: 's', mode: 'docker', pid: 1}})).toBe('quiet: benchmark run in progress');
	});

	it('shows the notice in the status bar while a run holds the host, and drops it when the run ends', async () => {
		const services = createFakeServices();
		const instance = render(<App services={services}/>);
		instances.push(instance);
		await waitForFrame(instance.lastFrame, (f) => f.includes('[1 Services]'));
		expect(instance.lastFrame()).not.toContain('quiet:');
		services.health.update({benchmark: {suite: 'nightly', mode: 'bare_metal', pid: 42}});
		await waitForFrame(instance.lastFrame, (f) => f.includes('quiet: bare-metal run in progress'));
		services.health.update({benchmark: undefined});
		await waitForFrame(instance.lastFrame, (f) => !f.includes('quiet:'));
	});

	it('enters and leaves quiet mode from the host lock, and checks services no more often than every 5 s', async () => {
		let owner: LockOwner | undefined;
		let storeChecks = 0;
		const store = {getInfo: async () => {
			storeChecks++;
			return {driver: 'pglite', location: '/x', schemaVersion: 1, latestSchemaVersion: 1, hasTimescale: false, serverVersion: '17'};
		}} as unknown as Store;
		const config = resolveConfig({homeDir: '/nonexistent-home', defaultComposeDir: '/nonexistent-compose', env: {}});
		const health = createHealthMonitor(config, {
			docker: createDockerClient({dockerHost: 'unix:///nonexistent/docker.sock'}),
			cache: new MemoryCache(),
			getStore: async () => store,
			pollMs: 1, // asks for faster than allowed: held at 5 s
			retryMs: 1,
			lockPollMs: 20,
			readHostLock: async () => owner,
		});
		const changes: HealthSnapshot[] = [];
		const off = health.subscribe(() => changes.push(health.getSnapshot()));
		try {
			await sleep(150);
			expect(isQuiet(health.getSnapshot())).toBe(false);
			owner = holder;
			await waitForFrame(() => String(isQuiet(health.getSnapshot())), (f) => f === 'true');
			expect(health.getSnapshot().benchmark).toEqual({suite: 'nightly', mode: 'bare_metal', pid: 42});
			const count = changes.length;
			await sleep(200);
			expect(changes.length).toBe(count); // the same holder read again is no change
			owner = undefined;
			await waitForFrame(() => String(isQuiet(health.getSnapshot())), (f) => f === 'false');
			// One check at start, the next not before 5 s.
			expect(storeChecks).toBe(1);
		} finally {
			off();
			health.close();
		}
	});

	it('the health source calls no listener for an update that changes nothing', () => {
		const source = new MutableHealthSource(initialHealth);
		let calls = 0;
		source.subscribe(() => calls++);
		source.update({docker: {state: 'checking'}});
		source.update({benchmark: undefined});
		expect(calls).toBe(0);
		source.update({docker: {state: 'ok', version: '26'}});
		expect(calls).toBe(1);
	});
});
