/** `rqc status` (built CLI): the container table once, as JSON, and `--watch --json` lines (issue 4). */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {describeWith, requireDocker} from '../helpers/services.js';
import {createTestProject} from '../integration/docker/docker-fixture.js';

// RQC_TEST_CLI runs another build (e.g. from a clean checkout) instead of dist/.
const cli = process.env.RQC_TEST_CLI ?? path.resolve(import.meta.dirname, '../../dist/cli.js');

describeWith([requireDocker()], 'rqc status: containers (built CLI, real engine)', () => {
	const project = createTestProject('rqcst');
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-status-'));
	const env = {RQC_PROJECT: project.project, RQC_DATA_DIR: dataDir, NO_COLOR: '1', REDIS_URL: '', RQC_DATABASE_URL: ''};
	let id = '';

	beforeAll(async () => {
		id = await project.run('worker', ['--cpus', '0.5', '-m', '128m'], ['sleep', '3600']);
		await project.run('stopped', [], ['true']);
	});

	afterAll(async () => {
		await project.cleanup();
		rmSync(dataDir, {recursive: true, force: true});
	});

	it('prints the project\'s containers as JSON, with limits and resources', async () => {
		const {stdout} = await execa('node', [cli, 'status', '--json'], {env, reject: false});
		const json = JSON.parse(stdout) as {containers: Array<{id: string; service: string; state: string; cpuLimitCores: number | null; resources: {memoryLimitBytes: number; pids: number} | null}>};
		const worker = json.containers.find((c) => c.id === id);
		expect(worker).toMatchObject({service: 'worker', state: 'running', cpuLimitCores: 0.5});
		expect(worker?.resources?.memoryLimitBytes).toBe(128 * 1024 * 1024);
		expect(worker?.resources?.pids).toBe(1);
		expect(json.containers.find((c) => c.service === 'stopped')).toMatchObject({state: 'exited', resources: null});
		expect(json.containers).toHaveLength(2);
	});

	it('prints the table once, with a symbol per state', async () => {
		const {stdout} = await execa('node', [cli, 'status'], {env, reject: false});
		expect(stdout).toMatch(/NAME\s+STATE\s+HEALTH\s+CPU%/);
		expect(stdout).toMatch(/▶ worker\s+running/);
		expect(stdout).toMatch(/■ stopped\s+exited\(0\)/);
		expect(stdout).toContain('CPU% is of one core');
	});

	it('--watch --json writes one JSON line per interval until stopped', async () => {
		const child = execa('node', [cli, 'status', '--watch', '--json', '--interval', '0.5'], {env, reject: false, buffer: false});
		const lines: string[] = [];
		let pending = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			pending += chunk.toString();
			const parts = pending.split('\n');
			pending = parts.pop() ?? '';
			lines.push(...parts.filter(Boolean));
		});
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`only ${lines.length} lines`)), 60_000);
			const poll = setInterval(() => {
				if (lines.length >= 3) {
					clearInterval(poll);
					clearTimeout(timer);
					resolve();
				}
			}, 50);
		});
		child.kill('SIGINT');
		const result = await child;
		const snapshots = lines.map((line) => JSON.parse(line) as {engine: {state: string}; samplingMode: string; containers: Array<{id: string; resources: unknown}>});
		expect(snapshots[0]!.engine.state).toBe('ok');
		expect(snapshots[0]!.samplingMode).toBe('cgroup');
		// The first line already has resource figures (it waits for two readings).
		expect(snapshots[0]!.containers.find((c) => c.id === id)?.resources).not.toBeNull();
		expect(result.exitCode === 0 || result.exitCode === 130 || result.signal === 'SIGINT').toBe(true);
	});
});
