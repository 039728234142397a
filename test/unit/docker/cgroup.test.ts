import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {
	candidateCgroupDirs,
	CounterFiles,
	detectCgroupVersion,
	parseCpuList,
	parseProcCgroup,
	readCgroupReading,
	readHostCpu,
	resolveCgroupPaths,
} from '../../../source/docker/cgroup.js';
import {computeMemoryUsage, computeReadingMemory, type EngineStatsJson} from '../../../source/docker/convert.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/docker-stats');
const container = (tree: string): {id: string; pid: number} =>
	JSON.parse(readFileSync(path.join(fixtures, tree, 'container.json'), 'utf8')) as {id: string; pid: number};

describe('cgroup v1 tree recorded from this engine', () => {
	const root = path.join(fixtures, 'cgroup-v1');
	const {id, pid} = container('cgroup-v1');

	it('detects v1 and finds the cgroupfs driver directories', async () => {
		expect(detectCgroupVersion(root)).toBe(1);
		const paths = await resolveCgroupPaths(id, pid, root);
		expect(paths?.version).toBe(1);
		expect(paths?.memory).toBe(path.join(root, 'sys/fs/cgroup/memory/docker', id));
		expect(paths?.cpu).toBe(path.join(root, 'sys/fs/cgroup/cpuacct/docker', id));
		expect(paths?.blkioFile).toMatch(/blkio\.throttle\.io_service_bytes_recursive$/);
	});

	it('reads the same memory and CPU counters the engine reported for that container', async () => {
		const paths = (await resolveCgroupPaths(id, pid, root))!;
		const host = await readHostCpu(root);
		expect(host.onlineCpus).toBe(2);
		const reading = await readCgroupReading(paths, pid, host, 1000, root);
		const engine = JSON.parse(readFileSync(path.join(root, 'engine.json'), 'utf8')) as EngineStatsJson;
		expect(reading.memoryUsageBytes).toBe(engine.memory_stats!.usage);
		expect(computeReadingMemory(reading)).toBe(computeMemoryUsage(engine.memory_stats!));
		expect(reading.memoryLimitBytes).toBe(256 * 1024 * 1024);
		expect(reading.cpuTotalNs).toBe(engine.cpu_stats!.cpu_usage!.total_usage);
		expect(reading.pids).toBe(1);
		expect(reading.netRxBytes).toBe(646);
		expect(reading.at).toBe(1000);
	});

	it('gives up (undefined) for a container that is not there', async () => {
		expect(await resolveCgroupPaths('f'.repeat(64), undefined, root)).toBeUndefined();
	});
});

describe('cgroup v2 tree (constructed, systemd driver layout)', () => {
	const root = path.join(fixtures, 'cgroup-v2');
	const {id, pid} = container('cgroup-v2');

	it('reads usage_usec, memory.current, inactive_file, io.stat, pids and net/dev', async () => {
		expect(detectCgroupVersion(root)).toBe(2);
		const paths = (await resolveCgroupPaths(id, pid, root))!;
		expect(paths.memory).toBe(path.join(root, `sys/fs/cgroup/system.slice/docker-${id}.scope`));
		const host = await readHostCpu(root);
		expect(host).toEqual({systemCpuNs: (30_000 + 5000 + 365_000) * 1e7, onlineCpus: 4, memoryBytes: 8_000_000 * 1024});
		const reading = await readCgroupReading(paths, pid, host, 5, root);
		expect(reading).toEqual({
			at: 5,
			cpuTotalNs: 12_500_000_000,
			systemCpuNs: 4_000_000_000_000,
			onlineCpus: 4,
			memoryUsageBytes: 104_857_600,
			memoryInactiveFileBytes: 31_457_280,
			memoryLimitBytes: 268_435_456,
			netRxBytes: 5338,
			netTxBytes: 648,
			blockReadBytes: 4_194_304,
			blockWriteBytes: 1_048_576,
			pids: 3,
		});
	});
});

describe('pure helpers', () => {
	it('parses /proc/<pid>/cgroup for v1 and v2', () => {
		const map = parseProcCgroup('12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n0::/system.slice/docker-abc.scope\n');
		expect(map.get('cpuacct')).toBe('/docker/abc');
		expect(map.get('cpu')).toBe('/docker/abc');
		expect(map.get('memory')).toBe('/docker/abc');
		expect(map.get('')).toBe('/system.slice/docker-abc.scope');
	});

	it('lists candidate directories, the /proc one first when it names the container', () => {
		expect(candidateCgroupDirs(1, 'memory', 'abc', '/docker/abc')).toEqual(['memory/docker/abc', 'memory/system.slice/docker-abc.scope']);
		expect(candidateCgroupDirs(2, '', 'abc', '/')).toEqual(['docker/abc', 'system.slice/docker-abc.scope']);
		expect(candidateCgroupDirs(2, '', 'abc', '/kubepods/x/abc')).toEqual(['kubepods/x/abc', 'docker/abc', 'system.slice/docker-abc.scope']);
	});

	it.each([
		['0-1', 2], ['0', 1], ['0-3,6', 5], ['0-3,6-7\n', 6], ['', 0],
	])('parseCpuList(%j) = %i', (text, expected) => {
		expect(parseCpuList(text)).toBe(expected);
	});
});

// issue 10: counter files stay open between readings, read fresh from offset 0, and are closed with their container.
describe('CounterFiles', () => {
	const withDir = (body: (dir: string) => void): void => {
		const dir = mkdtempSync(path.join(tmpdir(), 'rqc-counters-'));
		try {
			body(dir);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	};

	it('keeps a file open and reads its current content each time', () => {
		withDir((dir) => {
			const files = new CounterFiles();
			const file = path.join(dir, 'cpuacct.usage');
			writeFileSync(file, '100\n');
			expect(files.read(file, 'a')).toBe('100\n');
			writeFileSync(file, '250\n');
			expect(files.read(file, 'a')).toBe('250\n');
			expect(files.openCount).toBe(1);
			// Still open: removing the name does not stop the reads (a closed file would throw ENOENT).
			rmSync(file);
			expect(files.read(file, 'a')).toBe('250\n');
			files.close();
		});
	});

	it('closes a group on forget, and reads a file longer than its buffer whole', () => {
		withDir((dir) => {
			const files = new CounterFiles();
			const long = path.join(dir, 'memory.stat');
			const text = Array.from({length: 3000}, (_, i) => `key_${i} ${i}`).join('\n');
			writeFileSync(long, text);
			expect(files.read(long, 'a')).toBe(text);
			const other = path.join(dir, 'pids.current');
			writeFileSync(other, '2\n');
			files.read(other, 'b');
			files.forget('a');
			expect(files.openCount).toBe(1);
			rmSync(long);
			expect(() => files.read(long, 'a')).toThrow(/ENOENT/);
			files.close();
			expect(files.openCount).toBe(0);
		});
	});

	it('gives the same reading as files read whole (recorded v1 tree)', async () => {
		const root = path.join(fixtures, 'cgroup-v1');
		const {id, pid} = container('cgroup-v1');
		const paths = (await resolveCgroupPaths(id, pid, root))!;
		const host = await readHostCpu(root);
		const files = new CounterFiles();
		const kept = await readCgroupReading(paths, pid, host, 1000, root, (file) => files.read(file, id));
		expect(files.openCount).toBeGreaterThanOrEqual(5);
		expect(kept).toEqual(await readCgroupReading(paths, pid, host, 1000, root));
		files.close();
	});

	it('keeps at most its limit open, and none after close', () => {
		withDir((dir) => {
			const files = new CounterFiles(1);
			const [one, two] = ['one', 'two'].map((name) => path.join(dir, name));
			writeFileSync(one!, '1');
			writeFileSync(two!, '2');
			expect(files.read(one!, 'a')).toBe('1');
			expect(files.read(two!, 'a')).toBe('2');
			expect(files.openCount).toBe(1);
			files.close();
			expect(files.read(two!, 'a')).toBe('2');
			expect(files.openCount).toBe(0);
		});
	});
});
