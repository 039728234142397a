/**
 * Real docker-mode runs on the real engine (PGlite store): the limits read back from inside the
 * container, the environment stored, container resource use recorded, OOM, timeout, abort, and
 * no container left behind in any case.
 */
import {spawnSync} from 'node:child_process';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {buildRemovalScript, getEngineAddress} from '../../../source/bench/bench-setup.js';
import {createDockerClient} from '../../../source/docker/engine.js';
import {BENCH_LABEL, DockerExecutor} from '../../../source/bench/docker-executor.js';
import {ensureHelper} from '../../../source/bench/helper.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {describeWith, requireDocker, uniqueSuffix} from '../../helpers/services.js';
import {makeSuite, openPgliteFixture, type PgliteFixture} from './fixtures.js';

const image = 'rqc-busybox:test';
const docker = createDockerClient({dockerHost: process.env.DOCKER_HOST});

async function benchContainers(): Promise<string[]> {
	const list = await docker.listContainers({all: true, filters: {label: [BENCH_LABEL]}});
	return list.map((c) => c.Id);
}

describeWith([requireDocker()], 'docker-mode runs', () => {
	let fixture: PgliteFixture;
	beforeAll(async () => {
		fixture = await openPgliteFixture();
	});
	afterAll(async () => fixture?.cleanup());

	const deps = (signal = new AbortController().signal, onEvent?: Parameters<typeof runBenchmark>[1]['onEvent']) => ({
		store: fixture.store,
		config: {dataDir: fixture.dataDir, dockerHost: process.env.DOCKER_HOST},
		signal,
		docker,
		...(onEvent ? {onEvent} : {}),
		onNotice: () => {},
	});

	it('pins the container: limits read back from its cgroup files and ulimit (cgroup v1 or v2)', async () => {
		const helper = await ensureHelper(fixture.dataDir);
		let volume = '';
		const executor = await DockerExecutor.create({
			docker, helper, image, suiteDir: process.cwd(), engineVersion: undefined, cgroupVersion: undefined,
			name: `rqc-bench-limits-${uniqueSuffix()}`,
			limits: {cpus: 1.5, memoryBytes: 256 * 1024 ** 2, memorySwapBytes: 256 * 1024 ** 2, cpuShares: 512, pidsLimit: 100, nofile: 1024, network: 'host'},
		});
		try {
			const read = async (script: string) => {
				const result = await executor.run(['sh', '-c', script], {cwd: '/', env: {}, timeoutMs: 10_000}, new AbortController().signal);
				expect(result.exitCode, result.output).toBe(0);
				return result.output.trim();
			};

			const isV2 = (await read('[ -f /sys/fs/cgroup/cgroup.controllers ] && echo v2 || echo v1')) === 'v2';
			if (isV2) {
				expect(await read('cat /sys/fs/cgroup/cpu.max')).toBe('150000 100000');
				expect(await read('cat /sys/fs/cgroup/memory.max')).toBe(String(256 * 1024 ** 2));
				expect(await read('cat /sys/fs/cgroup/memory.swap.max')).toBe('0');
				expect(await read('cat /sys/fs/cgroup/pids.max')).toBe('100');
			} else {
				expect(Number(await read('cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us')) / Number(await read('cat /sys/fs/cgroup/cpu/cpu.cfs_period_us'))).toBe(1.5);
				expect(await read('cat /sys/fs/cgroup/cpu/cpu.shares')).toBe('512');
				expect(await read('cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).toBe(String(256 * 1024 ** 2));
				const memsw = await read('cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo no-swap-accounting');
				if (memsw !== 'no-swap-accounting') expect(memsw).toBe(String(256 * 1024 ** 2));
				expect(await read('cat /sys/fs/cgroup/pids/pids.max')).toBe('100');
			}

			expect(await read('ulimit -n')).toBe('1024');
			const inspected = await docker.getContainer(executor.containerId).inspect();
			expect(inspected.HostConfig).toMatchObject({NetworkMode: 'host', NanoCpus: 1.5e9, Memory: 256 * 1024 ** 2, MemorySwap: 256 * 1024 ** 2, CpuShares: 512, PidsLimit: 100});
			// /tmp, with the scratch directory, is a volume on the host's disk (past overlay2).
			const tmp = inspected.Mounts.find((m) => m.Destination === '/tmp');
			expect(tmp).toMatchObject({Type: 'volume', RW: true});
			volume = tmp!.Name!;
			expect(await read('grep " /tmp " /proc/mounts | cut -d" " -f3')).not.toBe('overlay');
			expect(await read('touch /tmp/rqc-scratch/written && echo ok')).toBe('ok');
			expect(executor.getEnvironment()).toMatchObject({tmp: 'volume'});
		} finally {
			await executor.close();
		}

		expect(await benchContainers()).not.toContain(executor.containerId);
		// Removed with the container: no anonymous volume left behind.
		expect(await docker.getVolume(volume).inspect().then(() => 'still there', (error: {statusCode?: number}) => error.statusCode)).toBe(404);
	});

	it('runs a suite in its own container, stores the environment and container resource use, and removes the container', async () => {
		const release = `v-dk-${uniqueSuffix()}`;
		// 3 to 6 s of busy CPU whatever the machine's speed, so `docker stats` (one reading a
		// second, the first without an interval) has something to say.
		const busySecond = 'end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done';
		const suite = makeSuite({name: 'dk', cases: [{name: 'spin', command: busySecond, iterations: 3, warmup: 0}, {name: 'true', command: ['true'], iterations: 5}]});
		const result = await runBenchmark({suite, mode: 'docker', release, image, limits: {cpus: 1, memory: '256m', nofile: 1024}}, deps());
		expect(result.status, result.reason).toBe('completed');
		expect(result.samplesStored).toBe(9);
		const run = await fixture.store.getRun(result.runId);
		expect(run?.mode).toBe('docker');
		expect(run?.environment).toMatchObject({
			runtime: 'docker', image, limits: {cpus: 1, memoryBytes: 256 * 1024 ** 2, memorySwapBytes: 256 * 1024 ** 2, cpuShares: 1024, pidsLimit: 4096, nofile: 1024, network: 'host'},
		});
		expect(run?.environment.imageId).toMatch(/^sha256:/);
		expect(run?.environment.engineVersion).toMatch(/^\d+\./);
		expect(run?.environment.containerId).toMatch(/^[\da-f]{64}$/);
		const containerSamples = await fixture.store.getContainerSamples(result.runId);
		expect(containerSamples.length).toBeGreaterThan(0);
		expect(containerSamples[0]).toMatchObject({containerId: run?.environment.containerId, runId: result.runId});
		expect(containerSamples.some((s) => s.cpuPercent > 0)).toBe(true);
		expect(await benchContainers()).not.toContain(run?.environment.containerId);
	});

	it('marks the run failed with reason OOMKilled when the kernel kills an iteration', async () => {
		const release = `v-oom-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'oom', cases: [{name: 'hog', command: 'dd if=/dev/zero of=/dev/null bs=134217728 count=1', iterations: 3, warmup: 0}]});
		const result = await runBenchmark({suite, mode: 'docker', release, image, limits: {memory: '48m', nofile: 1024}}, deps());
		expect(result).toMatchObject({status: 'failed', reason: 'OOMKilled', samplesStored: 1});
		expect(await fixture.store.getRun(result.runId)).toMatchObject({status: 'failed', statusReason: 'OOMKilled'});
		const [sample] = await fixture.store.getSamples({release, includeWarmup: true, statuses: ['failed']});
		expect(sample?.exitCode).toBe(137);
		expect(await benchContainers()).not.toContain(result.environment.containerId);
	});

	// issue 11.7: the kernel killing a child of the iteration (not the iteration itself) was reported as "exited with code 137"
	it('reports OOMKilled when a child process of the iteration is killed for memory', async () => {
		const release = `v-oomchild-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'oom-child', cases: [{name: 'pipe', command: ['sh', '-c', 'head -c 400m /dev/zero | tail >/dev/null'], iterations: 2, warmup: 0}]});
		const result = await runBenchmark({suite, mode: 'docker', release, image, limits: {memory: '64m', nofile: 1024}}, deps());
		expect(result).toMatchObject({status: 'failed', reason: 'OOMKilled', samplesStored: 1});
		const [sample] = await fixture.store.getSamples({release, includeWarmup: true, statuses: ['failed']});
		expect(sample?.exitCode).toBe(137);
		expect(await benchContainers()).not.toContain(result.environment.containerId);
	});

	// issue 10.5: the exit hook removed the container with the docker CLI, which ignores --docker-host
	it('removes a container at exit through the run\'s own engine connection, whatever the docker CLI would use', async () => {
		const container = await docker.createContainer({Image: image, Cmd: ['sleep', '300'], name: `rqc-exit-hook-${uniqueSuffix()}`});
		try {
			await container.start();
			const script = buildRemovalScript(getEngineAddress(docker), container.id);
			// A DOCKER_HOST that leads nowhere: only the client's own address can reach the engine.
			const removal = spawnSync(process.execPath, ['-e', script], {env: {...process.env, DOCKER_HOST: 'tcp://127.0.0.1:9'}, timeout: 30_000});
			expect(removal.status).toBe(0);
			await expect(container.inspect()).rejects.toMatchObject({statusCode: 404});
		} finally {
			await container.remove({force: true}).catch(() => {});
		}
	});

	it('kills the whole process tree of an iteration that times out', async () => {
		const helper = await ensureHelper(fixture.dataDir);
		const executor = await DockerExecutor.create({
			docker, helper, image, suiteDir: process.cwd(), engineVersion: undefined, cgroupVersion: undefined,
			name: `rqc-bench-timeout-${uniqueSuffix()}`,
			limits: {cpus: 1, memoryBytes: 256 * 1024 ** 2, memorySwapBytes: 256 * 1024 ** 2, cpuShares: 1024, pidsLimit: 100, nofile: 1024, network: 'host'},
		});
		try {
			const iterations: Array<{isTimedOut: boolean}> = [];
			await executor.measure(
				{argv: ['sh', '-c', 'sleep 300 & sh -c "sleep 301" & wait'], iterations: 2, timeoutMs: 300, cwd: '/', env: {}, shouldStopOnFailure: true},
				(batch) => iterations.push(...batch),
				new AbortController().signal,
			);
			expect(iterations).toEqual([expect.objectContaining({isTimedOut: true})]);
			const ps = await executor.run(['ps', '-o', 'args'], {cwd: '/', env: {}, timeoutMs: 10_000}, new AbortController().signal);
			expect(ps.output).not.toMatch(/sleep 30[01]/);
		} finally {
			await executor.close();
		}

		const release = `v-dto-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'dto', cases: [{name: 'hang', command: 'sleep 300 & wait', timeout: '300ms', iterations: 2, warmup: 0}]});
		const result = await runBenchmark({suite, mode: 'docker', release, image, limits: {nofile: 1024}}, deps());
		expect(result.status).toBe('failed');
		expect(result.reason).toMatch(/^Timeout: case hang iteration 0 ran past 300 ms/);
	});

	it('on abort keeps the samples, marks the run aborted and leaves no container', async () => {
		const release = `v-dab-${uniqueSuffix()}`;
		const suite = makeSuite({name: 'dab', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 300, warmup: 0}]});
		const controller = new AbortController();
		const result = await runBenchmark({suite, mode: 'docker', release, image, limits: {nofile: 1024}}, deps(controller.signal, (event) => {
			if (event.done >= 5) controller.abort(new Error('received SIGINT'));
		}));
		const containerId = result.environment.containerId;
		expect(result.status).toBe('aborted');
		expect(result.samplesTaken).toBeGreaterThanOrEqual(5);
		expect(await fixture.store.countSamples(result.runId)).toBe(result.samplesTaken);
		expect((await fixture.store.getRun(result.runId))?.status).toBe('aborted');
		expect(containerId).toBeDefined();
		expect(await benchContainers()).not.toContain(containerId);
	});
});
