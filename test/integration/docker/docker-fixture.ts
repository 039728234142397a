/** Test containers from the local rqc-busybox:test image, under a compose project label of their own. */
import {execa} from 'execa';
import {createMonitorDockerClient} from '../../../source/docker/client.js';
import {createContainerMonitor, type ContainerMonitor, type MonitorSnapshot} from '../../../source/docker/monitor.js';
import {uniqueSuffix} from '../../helpers/services.js';

export const IMAGE = 'rqc-busybox:test';

export interface TestProject {
	readonly project: string;
	/** Runs `docker run -d` with the project's labels; returns the container id. */
	run(service: string, args: readonly string[], command: readonly string[]): Promise<string>;
	/** Removes every container of the project. */
	cleanup(): Promise<void>;
}

export function createTestProject(prefix = 'rqct'): TestProject {
	const project = `${prefix}${uniqueSuffix()}`;
	return {
		project,
		async run(service, args, command) {
			const {stdout} = await execa('docker', [
				'run', '-d', '--name', `${project}-${service}-1`,
				'--label', `com.docker.compose.project=${project}`,
				'--label', `com.docker.compose.service=${service}`,
				...args, IMAGE, ...command,
			]);
			return stdout.trim();
		},
		async cleanup() {
			const {stdout} = await execa('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {reject: false});
			const ids = stdout.split('\n').filter(Boolean);
			if (ids.length > 0) await execa('docker', ['rm', '-f', ...ids], {reject: false});
		},
	};
}

export function startMonitor(project: string, options: {isLocal?: boolean; sampleIntervalMs?: number} = {}): ContainerMonitor {
	const monitor = createContainerMonitor({
		docker: createMonitorDockerClient({dockerHost: process.env.DOCKER_HOST}),
		project,
		isLocal: options.isLocal ?? true,
		sampleIntervalMs: options.sampleIntervalMs ?? 500,
		retryMinMs: 200,
		retryMaxMs: 1000,
	});
	monitor.start();
	return monitor;
}

/** Resolves with the first snapshot that satisfies the predicate (polls; no fixed sleeps). */
export async function waitForSnapshot(monitor: ContainerMonitor, predicate: (s: MonitorSnapshot) => boolean, timeoutMs = 60_000): Promise<MonitorSnapshot> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const snapshot = monitor.getSnapshot();
		if (predicate(snapshot)) return snapshot;
		if (Date.now() > deadline) throw new Error(`timed out; last snapshot: ${JSON.stringify({engine: snapshot.engine, containers: snapshot.containers.map((c) => [c.record.name, c.record.state, c.record.health, c.record.restartCount])})}`);
		await new Promise((resolve) => {
			setTimeout(resolve, 100);
		});
	}
}

export async function inspectState(id: string): Promise<{status: string; startedAt: string}> {
	const {stdout} = await execa('docker', ['inspect', '-f', '{{.State.Status}} {{.State.StartedAt}}', id]);
	const [status = '', startedAt = ''] = stdout.trim().split(' ');
	return {status, startedAt};
}
