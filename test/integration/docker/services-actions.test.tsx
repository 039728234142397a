import React from 'react';
import {render} from 'ink-testing-library';
import {afterAll, expect, it, vi} from 'vitest';
import {ServicesView} from '../../../source/ui/services/services-view.js';
import {describeWith, requireDocker} from '../../helpers/services.js';
import {waitForFrame} from '../../helpers/ink.js';
import {createTestProject, inspectState, startMonitor} from './docker-fixture.js';

describeWith([requireDocker()], 'Services pane actions against the real engine', () => {
	const project = createTestProject();
	afterAll(async () => {
		await project.cleanup();
	});

	it('stops (after y), starts and restarts the selected container, and follows its logs', async () => {
		const id = await project.run('web', [], ['sh', '-c', 'echo hello-from-web; trap "exit 0" TERM; while :; do sleep 1; done']);
		const monitor = startMonitor(project.project);
		const {lastFrame, stdin, unmount} = render(<ServicesView source={monitor} isActive width={100} height={24} renderIntervalMs={100}/>);
		try {
			await waitForFrame(lastFrame, (f) => /web\s+running/.test(f) && f.includes('one core'), 30_000);

			stdin.write('l');
			await waitForFrame(lastFrame, (f) => f.includes('hello-from-web'), 30_000);
			stdin.write('\u001B');
			await waitForFrame(lastFrame, (f) => f.includes('NAME'), 10_000);

			stdin.write('x');
			await waitForFrame(lastFrame, (f) => f.includes('Stop web?'));
			stdin.write('y');
			await waitForFrame(lastFrame, (f) => f.includes('web stopped'), 30_000);
			expect((await inspectState(id)).status).toBe('exited');
			await waitForFrame(lastFrame, (f) => /web\s+exited/.test(f), 30_000);

			stdin.write('s');
			await waitForFrame(lastFrame, (f) => f.includes('web started'), 30_000);
			const started = await inspectState(id);
			expect(started.status).toBe('running');

			stdin.write('r');
			await waitForFrame(lastFrame, (f) => f.includes('web restarted'), 30_000);
			await vi.waitFor(async () => {
				const after = await inspectState(id);
				expect(after.status).toBe('running');
				expect(after.startedAt).not.toBe(started.startedAt);
			}, {timeout: 30_000, interval: 200});
		} finally {
			unmount();
			await monitor.close();
		}
	});
});
