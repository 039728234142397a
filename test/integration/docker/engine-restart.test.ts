/**
 * dockerd restarted mid-run is survived (issue 4). This suite STOPS AND RESTARTS THE SHARED
 * DOCKER ENGINE: it must never run at the same time as another suite that uses Docker. The
 * integration project runs its files one at a time (fileParallelism: false in vitest.config.ts);
 * keep it that way, and do not run this file by hand while others use the engine.
 *
 * The engine is restarted the way scripts/ci/provision.sh starts it
 * (`nohup dockerd --host=unix:///var/run/docker.sock`), and afterAll makes sure it is running
 * again whatever happened in the test.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, openSync, readFileSync} from 'node:fs';
import {execa} from 'execa';
import {afterAll, expect, it} from 'vitest';
import {describeWith, dockerSocket, requireDocker} from '../../helpers/services.js';
import {createTestProject, startMonitor, waitForSnapshot} from './docker-fixture.js';

const stateDir = process.env.RQC_CI_STATE ?? '/var/lib/rqc-ci';
const pidFile = '/var/run/docker.pid';

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function isEngineUp(): Promise<boolean> {
	const {exitCode} = await execa('docker', ['version', '--format', '{{.Server.Version}}'], {reject: false, timeout: 5000});
	return exitCode === 0;
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => {
			setTimeout(resolve, 250);
		});
	}
}

function readDockerdPid(): number | undefined {
	try {
		const pid = Number(readFileSync(pidFile, 'utf8').trim());
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

async function stopDockerd(): Promise<void> {
	const pid = readDockerdPid();
	if (pid === undefined) throw new Error(`no dockerd pid in ${pidFile}`);
	process.kill(pid, 'SIGTERM');
	await waitUntil('dockerd to exit', () => !isAlive(pid), 60_000);
}

/** Starts dockerd as provision.sh does, detached, and waits for it to answer. */
async function startDockerd(): Promise<void> {
	if (await isEngineUp()) return;
	mkdirSync(stateDir, {recursive: true});
	const log = openSync(`${stateDir}/dockerd.log`, 'a');
	const child = spawn('nohup', ['dockerd', '--host=unix:///var/run/docker.sock'], {detached: true, stdio: ['ignore', log, log]});
	child.unref();
	await waitUntil('the Docker socket', () => existsSync(dockerSocket), 60_000);
	await waitUntil('dockerd to answer', isEngineUp, 60_000);
}

describeWith([requireDocker()], 'engine restart (restarts the shared dockerd; runs alone)', () => {
	const project = createTestProject();
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown): void => {
		rejections.push(reason);
	};

	process.on('unhandledRejection', onRejection);

	afterAll(async () => {
		process.off('unhandledRejection', onRejection);
		// Whatever happened above, leave the engine running for everyone else.
		await startDockerd();
		await project.cleanup();
	});

	it('says the engine is unreachable and retrying, then recovers by itself', async () => {
		const id = await project.run('keeper', ['--restart', 'always'], ['sleep', '3600']);
		const monitor = startMonitor(project.project);
		try {
			await waitForSnapshot(monitor, (s) => s.engine.state === 'ok' && s.containers.some((c) => c.record.id === id && c.record.state === 'running'));

			await stopDockerd();
			const down = await waitForSnapshot(monitor, (s) => s.engine.state === 'unreachable', 60_000);
			expect(down.engine.state === 'unreachable' && down.engine.retryAt).toBeGreaterThan(0);

			await startDockerd();
			const back = await waitForSnapshot(monitor, (s) => s.engine.state === 'ok'
				&& s.containers.some((c) => c.record.id === id && c.record.state === 'running' && c.sample !== undefined), 120_000);
			expect(back.containers.map((c) => c.record.id)).toContain(id);
			expect(rejections).toEqual([]);
		} finally {
			await monitor.close();
		}
	});
});
