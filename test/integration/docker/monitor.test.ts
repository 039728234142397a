import {execa} from 'execa';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createMonitorDockerClient} from '../../../source/docker/client.js';
import {getContainerStatus} from '../../../source/docker/monitor.js';
import {describeWith, requireDocker} from '../../helpers/services.js';
import {createTestProject, startMonitor, waitForSnapshot} from './docker-fixture.js';

const MiB = 1024 * 1024;

describeWith([requireDocker()], 'container monitor against the real engine', () => {
	const project = createTestProject();
	const docker = createMonitorDockerClient({dockerHost: process.env.DOCKER_HOST});
	let burnId = '';
	let memId = '';

	beforeAll(async () => {
		// The CPU shares keep the other load on this shared machine from starving the burner,
		// so what is tested is the reporting, not the scheduler's fairness.
		burnId = await project.run('burn', ['--cpus', '0.5', '--cpu-shares', '262144'], ['sh', '-c', 'while :; do :; done']);
		// 64 MiB written to a tmpfs: shmem, charged to the container, never reclaimable cache.
		memId = await project.run('mem', ['-m', '256m', '--tmpfs', '/m:size=200m'], ['sh', '-c', 'dd if=/dev/zero of=/m/fill bs=1M count=64 2>/dev/null; sleep 3600']);
	});

	afterAll(async () => {
		await project.cleanup();
	});

	const paths = [{path: 'cgroup files', isLocal: true}, {path: 'Engine API stats', isLocal: false}];

	it.each(paths)('reports a busy loop under --cpus 0.5 at 50 ± 10 points of one core ($path)', async ({isLocal}) => {
		// A 5 s window: the shared machine's load makes the engine's two counters' read times jitter.
		const views = await getContainerStatus({docker, project: project.project, isLocal, intervalMs: 5000});
		const burn = views.find((v) => v.record.id === burnId);
		expect(burn?.record.cpuLimit).toBe(0.5);
		expect(burn?.sample?.cpuPercent).toBeGreaterThanOrEqual(40);
		expect(burn?.sample?.cpuPercent).toBeLessThanOrEqual(60);
	});

	it.each(paths)('reports 64 MiB held in memory within 10 percent ($path)', async ({isLocal}) => {
		const views = await getContainerStatus({docker, project: project.project, isLocal, intervalMs: 200});
		const mem = views.find((v) => v.record.id === memId);
		expect(mem?.record.memoryLimitBytes).toBe(256 * MiB);
		expect(mem?.sample?.memoryLimitBytes).toBe(256 * MiB);
		expect(mem?.sample?.memoryBytes).toBeGreaterThanOrEqual(64 * MiB * 0.9);
		expect(mem?.sample?.memoryBytes).toBeLessThanOrEqual(64 * MiB * 1.1);
	});

	// `rqc status` on a host where nothing of the project runs: the stopped container is listed
	// without a reading, and the two readings' interval (ten minutes here) is not waited out.
	it('lists a project with no running container without waiting for readings', async () => {
		const idle = createTestProject();
		try {
			const exitedId = await idle.run('done', [], ['true']);
			await execa('docker', ['wait', exitedId]);
			const controller = new AbortController();
			const cut = new Promise<'waited'>((resolve) => {
				const timer = setTimeout(() => resolve('waited'), 30_000);
				controller.signal.addEventListener('abort', () => clearTimeout(timer));
			});
			const views = await Promise.race([getContainerStatus({docker, project: idle.project, isLocal: true, intervalMs: 600_000, signal: controller.signal}), cut]);
			controller.abort();
			expect(views).not.toBe('waited');
			expect((views as Awaited<ReturnType<typeof getContainerStatus>>).map((v) => [v.record.id, v.record.state, v.sample])).toEqual([[exitedId, 'exited', undefined]]);
		} finally {
			await idle.cleanup();
		}
	});

	it('shows a failing health check as unhealthy with the probe output', async () => {
		const monitor = startMonitor(project.project);
		try {
			const id = await project.run('sick', ['--health-cmd', 'echo probe-says-no; exit 1', '--health-interval', '1s', '--health-retries', '1'], ['sleep', '3600']);
			const snapshot = await waitForSnapshot(monitor, (s) => s.containers.some((c) => c.record.id === id && c.record.health === 'unhealthy'));
			const sick = snapshot.containers.find((c) => c.record.id === id)!;
			expect(sick.record.healthOutput).toBe('probe-says-no');
			expect(sick.record.healthExitCode).toBe(1);
			expect(sick.record.service).toBe('sick');
		} finally {
			await monitor.close();
		}
	});

	it('shows the restart count of a restart loop rising', async () => {
		const monitor = startMonitor(project.project);
		try {
			const id = await project.run('loop', ['--restart', 'always'], ['sh', '-c', 'sleep 0.2; exit 3']);
			const first = await waitForSnapshot(monitor, (s) => (s.containers.find((c) => c.record.id === id)?.record.restartCount ?? 0) >= 1);
			const count = first.containers.find((c) => c.record.id === id)!.record.restartCount;
			const later = await waitForSnapshot(monitor, (s) => (s.containers.find((c) => c.record.id === id)?.record.restartCount ?? 0) > count);
			expect(later.containers.find((c) => c.record.id === id)!.record.restartCount).toBeGreaterThan(count);
		} finally {
			await monitor.close();
		}
	});

	it('samples resource use into history and drops a removed container quietly', async () => {
		const monitor = startMonitor(project.project, {sampleIntervalMs: 300});
		try {
			const id = await project.run('gone', [], ['sleep', '3600']);
			await waitForSnapshot(monitor, (s) => s.containers.some((c) => c.record.id === id && c.sample !== undefined));
			await waitForSnapshot(monitor, () => monitor.getHistory(burnId).length >= 2);
			const history = monitor.getHistory(burnId);
			expect(history.at(-1)!.at).toBeGreaterThan(history[0]!.at);
			await docker.getContainer(id).remove({force: true});
			const after = await waitForSnapshot(monitor, (s) => !s.containers.some((c) => c.record.id === id));
			expect(after.engine.state).toBe('ok');
			expect(monitor.getHistory(id)).toEqual([]);
		} finally {
			await monitor.close();
		}
	});

	// issue 10: quiet mode, no per-second sampling while a bare-metal run holds the host
	it('stops sampling while paused (quiet mode) and resumes at once when the pause ends', async () => {
		const monitor = startMonitor(project.project, {sampleIntervalMs: 200});
		try {
			await waitForSnapshot(monitor, (s) => s.containers.some((c) => c.record.id === burnId && c.sample !== undefined));
			monitor.setPaused(true);
			const paused = monitor.getSnapshot();
			expect(paused.isPaused).toBe(true);
			expect(paused.containers.every((c) => c.sample === undefined)).toBe(true);
			const length = monitor.getHistory(burnId).length;
			// State changes (container events) may still be shown while paused; samples may not.
			let sampledWhilePaused = 0;
			const off = monitor.subscribe(() => {
				if (monitor.getSnapshot().containers.some((c) => c.sample !== undefined)) sampledWhilePaused++;
			});
			await new Promise((resolve) => {
				setTimeout(resolve, 1500);
			});
			off();
			expect(monitor.getHistory(burnId).length).toBe(length);
			expect(sampledWhilePaused).toBe(0);
			monitor.setPaused(false);
			expect(monitor.getSnapshot().isPaused).toBeUndefined();
			// Two readings make a sample again: well before the 5 s a paused loop sleeps.
			await waitForSnapshot(monitor, (s) => s.containers.some((c) => c.record.id === burnId && c.sample !== undefined), 4000);
		} finally {
			await monitor.close();
		}
	});

	// issue 10: an empty Services pane redrew every second
	it('announces no change for a project without containers after the first listing', async () => {
		const empty = createTestProject('rqce');
		const monitor = startMonitor(empty.project, {sampleIntervalMs: 100});
		try {
			await waitForSnapshot(monitor, (s) => s.engine.state === 'ok');
			let changes = 0;
			const off = monitor.subscribe(() => changes++);
			await new Promise((resolve) => {
				setTimeout(resolve, 1500);
			});
			off();
			expect(changes).toBe(0);
		} finally {
			await monitor.close();
		}
	});
});
