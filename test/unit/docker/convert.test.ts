import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {
	computeBlockIo,
	computeCpuPercent,
	computeCpuPercentOfStats,
	computeMemoryUsage,
	computeNetworkIo,
	computeRate,
	computeSample,
	getFlatKeyedValue,
	getOnlineCpus,
	parseBlkioV1,
	parseFlatKeyed,
	parseIoStatV2,
	parseNetDev,
	parseProcStatSystemNs,
	parseSingleValue,
	readingFromEngineStats,
	type EngineStatsJson,
	type StatsReading,
} from '../../../source/docker/convert.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/docker-stats');
/** Files under dir whose name matches, at any depth. */
const findFiles = (dir: string, name: RegExp): string[] => readdirSync(dir, {recursive: true, encoding: 'utf8'})
	.filter((file) => name.test(path.basename(file))).map((file) => path.join(dir, file));
const load = (name: string): EngineStatsJson => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as EngineStatsJson;
const MiB = 1024 * 1024;

describe('computeCpuPercentOfStats on recorded stats (cgroup v1, Docker 20.10)', () => {
	// Expected values: the docker CLI's formula worked by hand on each file's numbers.
	it.each([
		// (3061238943 - 2561790438) ns of container CPU over (885.87 - 883.88)e9 ns of host CPU, 2 CPUs
		['v1-cpu-half.json', ((3_061_238_943 - 2_561_790_438) / (885_870_000_000 - 883_880_000_000)) * 2 * 100],
		['v1-memory-64m.json', 0],
		['v1-idle-unlimited.json', 0],
	])('%s → %f%%', (file, expected) => {
		expect(computeCpuPercentOfStats(load(file))).toBeCloseTo(expected, 6);
	});

	it('reports the --cpus 0.5 busy loop at about half a core', () => {
		expect(computeCpuPercentOfStats(load('v1-cpu-half.json'))).toBeGreaterThan(45);
		expect(computeCpuPercentOfStats(load('v1-cpu-half.json'))).toBeLessThan(55);
	});
});

describe('computeMemoryUsage', () => {
	it('subtracts total_inactive_file on cgroup v1 (64 MiB tmpfs + 32 MiB written file cache)', () => {
		const stats = load('v1-memory-64m.json');
		expect(stats.memory_stats?.usage).toBe(102_080_512);
		expect(computeMemoryUsage(stats.memory_stats!)).toBe(102_080_512 - 33_554_432);
		// The 64 MiB held in tmpfs plus the shell's few pages.
		expect(computeMemoryUsage(stats.memory_stats!) / MiB).toBeGreaterThan(64);
		expect(computeMemoryUsage(stats.memory_stats!) / MiB).toBeLessThan(64 * 1.1);
	});

	it('subtracts inactive_file on cgroup v2 (constructed fixture)', () => {
		expect(computeMemoryUsage(load('v2-constructed.json').memory_stats!)).toBe(104_857_600 - 31_457_280);
	});

	it.each([
		['no stats', {usage: 1000}, 1000],
		['v1 inactive larger than usage is ignored', {usage: 1000, stats: {total_inactive_file: 2000}}, 1000],
		['v1 wins over v2 key when both present', {usage: 1000, stats: {total_inactive_file: 100, inactive_file: 300}}, 900],
		['v2 only', {usage: 1000, stats: {inactive_file: 300}}, 700],
		['no usage', {}, 0],
	])('%s', (_name, memory, expected) => {
		expect(computeMemoryUsage(memory)).toBe(expected);
	});
});

describe('computeCpuPercent', () => {
	it.each([
		['one core busy of two', {cpuTotalNs: 0, systemCpuNs: 0}, {cpuTotalNs: 1e9, systemCpuNs: 2e9, onlineCpus: 2}, 100],
		['two cores busy of two', {cpuTotalNs: 0, systemCpuNs: 0}, {cpuTotalNs: 2e9, systemCpuNs: 2e9, onlineCpus: 2}, 200],
		['half a core of four', {cpuTotalNs: 0, systemCpuNs: 0}, {cpuTotalNs: 0.5e9, systemCpuNs: 4e9, onlineCpus: 4}, 50],
		['no system delta', {cpuTotalNs: 0, systemCpuNs: 5}, {cpuTotalNs: 1e9, systemCpuNs: 5, onlineCpus: 2}, 0],
		['counter reset', {cpuTotalNs: 9e9, systemCpuNs: 0}, {cpuTotalNs: 1e9, systemCpuNs: 2e9, onlineCpus: 2}, 0],
	])('%s', (_name, previous, current, expected) => {
		expect(computeCpuPercent(previous, current)).toBeCloseTo(expected, 9);
	});

	it('works on the constructed cgroup v2 stats (no percpu_usage: online_cpus is used)', () => {
		// 0.5e9 ns container over 4e9 ns host on 4 CPUs = 50%
		expect(computeCpuPercentOfStats(load('v2-constructed.json'))).toBeCloseTo(50, 9);
	});

	// issue 10: one CPU count rule for status and bench samples: online_cpus, else the per-CPU array, else 1.
	it.each([
		['online_cpus wins', {online_cpus: 8, cpu_usage: {percpu_usage: [1]}}, 8],
		['per-CPU array length when online_cpus is missing', {cpu_usage: {percpu_usage: [1, 2, 3]}}, 3],
		['per-CPU array length when online_cpus is 0', {online_cpus: 0, cpu_usage: {percpu_usage: [1, 2]}}, 2],
		['1 when neither is known', {cpu_usage: {percpu_usage: []}}, 1],
		['1 for no cpu_stats at all', undefined, 1],
	])('online CPUs: %s', (_name, cpu, expected) => {
		expect(getOnlineCpus(cpu)).toBe(expected);
	});

	// issue 10: the stats-JSON form agrees with the readings form and with the bench samples.
	it.each([
		['one core of two', {cpu_stats: {cpu_usage: {total_usage: 3e9}, system_cpu_usage: 20e9, online_cpus: 2}, precpu_stats: {cpu_usage: {total_usage: 2e9}, system_cpu_usage: 18e9}}, 100],
		['no online_cpus: per-CPU array', {cpu_stats: {cpu_usage: {total_usage: 3e9, percpu_usage: [1, 2, 3, 4]}, system_cpu_usage: 20e9}, precpu_stats: {cpu_usage: {total_usage: 2e9}, system_cpu_usage: 18e9}}, 200],
		['no CPU count at all: 1', {cpu_stats: {cpu_usage: {total_usage: 3e9}, system_cpu_usage: 20e9}, precpu_stats: {cpu_usage: {total_usage: 2e9}, system_cpu_usage: 18e9}}, 50],
		['first frame (no previous system reading): 0', {cpu_stats: {cpu_usage: {total_usage: 3e9}, system_cpu_usage: 20e9, online_cpus: 2}, precpu_stats: {cpu_usage: {total_usage: 0}}}, 0],
		['no precpu_stats: 0', {cpu_stats: {cpu_usage: {total_usage: 3e9}, system_cpu_usage: 20e9, online_cpus: 2}}, 0],
		['counter reset: 0', {cpu_stats: {cpu_usage: {total_usage: 1e9}, system_cpu_usage: 20e9, online_cpus: 2}, precpu_stats: {cpu_usage: {total_usage: 2e9}, system_cpu_usage: 18e9}}, 0],
	] satisfies Array<[string, EngineStatsJson, number]>)('stats JSON: %s', (_name, stats, expected) => {
		expect(computeCpuPercentOfStats(stats)).toBeCloseTo(expected, 9);
	});
});

describe('block and network I/O', () => {
	it('sums v2 lower-case ops and v1 capitalised ops', () => {
		expect(computeBlockIo(load('v2-constructed.json'))).toEqual({read: 4 * MiB, write: MiB});
		expect(computeBlockIo({blkio_stats: {io_service_bytes_recursive: [
			{op: 'Read', value: 10}, {op: 'Write', value: 20}, {op: 'Sync', value: 30}, {op: 'Total', value: 30}, {op: 'Read', value: 5},
		]}})).toEqual({read: 15, write: 20});
		expect(computeBlockIo(load('v1-idle-unlimited.json'))).toEqual({read: 0, write: 0});
	});

	it('sums every network', () => {
		expect(computeNetworkIo(load('v1-io-first.json'))).toEqual({rx: 236_162, tx: 235_576});
		expect(computeNetworkIo({networks: {eth0: {rx_bytes: 1, tx_bytes: 2}, eth1: {rx_bytes: 10, tx_bytes: 20}}})).toEqual({rx: 11, tx: 22});
	});
});

describe('readingFromEngineStats + computeSample', () => {
	it('turns two recorded readings into rates', () => {
		const first = readingFromEngineStats(load('v1-io-first.json'), 0);
		const second = readingFromEngineStats(load('v1-io-second.json'), 0);
		const seconds = (Date.parse('2026-11-26T17:35:58.759657188Z') - Date.parse('2026-11-26T17:35:54.664201234Z')) / 1000;
		const sample = computeSample(first, second);
		expect(sample.netRxRate).toBeCloseTo((317_508 - 236_162) / seconds, 6);
		expect(sample.netTxRate).toBeCloseTo((316_852 - 235_576) / seconds, 6);
		expect(sample.cpuPercent).toBeCloseTo(((120_982_398 - 96_136_427) / (905_910_000_000 - 897_750_000_000)) * 2 * 100, 9);
		expect(sample.pids).toBe(2);
		expect(sample.memoryLimitBytes).toBe(25_276_510_208);
	});

	it('gives levels but no rates for a first reading', () => {
		const reading = readingFromEngineStats(load('v1-memory-64m.json'), 0);
		const sample = computeSample(undefined, reading);
		expect(sample.cpuPercent).toBe(0);
		expect(sample.netRxRate).toBe(0);
		expect(sample.memoryBytes).toBe(102_080_512 - 33_554_432);
		expect(sample.memoryPercent).toBeCloseTo(((102_080_512 - 33_554_432) / 268_435_456) * 100, 9);
	});

	it('uses the fallback time when the engine sends the zero time', () => {
		expect(readingFromEngineStats({read: '0001-01-01T00:00:00Z'}, 1234).at).toBe(1234);
	});

	it.each([
		[undefined, 10, 1, 0],
		[0, 10, 2, 5],
		[10, 5, 1, 0],
		[0, 10, 0, 0],
	])('computeRate(%s, %s, %s) = %s', (previous, current, seconds, expected) => {
		expect(computeRate(previous, current, seconds)).toBe(expected);
	});

	it('computes memory percent 0 without a limit', () => {
		const reading: StatsReading = {
			at: 1, cpuTotalNs: 0, systemCpuNs: 0, onlineCpus: 1, memoryUsageBytes: 10, memoryInactiveFileBytes: 0,
			memoryLimitBytes: 0, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 0,
		};
		expect(computeSample(undefined, reading).memoryPercent).toBe(0);
	});
});

describe('cgroup and /proc text parsers', () => {
	it('computes system CPU from /proc/stat the way the engine does (first seven fields)', () => {
		const text = readFileSync(path.join(fixtures, 'cgroup-v1/proc/stat'), 'utf8');
		const engine = load('cgroup-v1/engine.json');
		const ns = parseProcStatSystemNs(text)!;
		expect(ns).toBe((20_860 + 0 + 5403 + 66_554 + 563 + 0 + 186) * 1e7);
		// Read moments apart from the engine's own reading: within a few 10 ms ticks.
		expect(Math.abs(ns - engine.cpu_stats!.system_cpu_usage!)).toBeLessThan(2e9);
		expect(parseProcStatSystemNs('intr 1 2 3')).toBeUndefined();
		expect(parseProcStatSystemNs('cpu  1 2 x 4 5 6 7')).toBeUndefined();
	});

	// issue 10: the monitor reads one key of memory.stat / cpu.stat without parsing the rest.
	it.each([
		['the first line', 'cache 10\ntotal_inactive_file 20\n', 'cache', 10],
		['a later line', 'cache 10\ntotal_inactive_file 20\n', 'total_inactive_file', 20],
		['a key that only ends another key', 'total_inactive_file 20\ninactive_file 7\n', 'inactive_file', 7],
		['a missing key', 'total_inactive_file 20\n', 'inactive_file', undefined],
		['the last line without a newline', 'a 1\nusage_usec 1234', 'usage_usec', 1234],
		['a value that is not a number', 'usage_usec x\n', 'usage_usec', undefined],
	] as const)('gets one flat-keyed value: %s', (_name, text, key, expected) => {
		expect(getFlatKeyedValue(text, key)).toBe(expected);
	});

	it('gets every key of recorded memory.stat and cpu.stat files as the full parser does', () => {
		const files = [
			'cgroup-v1/sys/fs/cgroup/memory/docker',
			'cgroup-v2/sys/fs/cgroup',
		].flatMap((dir) => findFiles(path.join(fixtures, dir), /^(memory|cpu)\.stat$/));
		expect(files.length).toBeGreaterThanOrEqual(2);
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			for (const [key, value] of Object.entries(parseFlatKeyed(text))) expect(getFlatKeyedValue(text, key)).toBe(value);
		}
	});

	it('parses flat keyed files, single values and "max"', () => {
		expect(parseFlatKeyed('cache 10\ntotal_inactive_file 20\n\nbad\n')).toEqual({cache: 10, total_inactive_file: 20});
		expect(parseSingleValue('max\n')).toBeUndefined();
		expect(parseSingleValue('  42\n')).toBe(42);
		expect(parseSingleValue('')).toBeUndefined();
	});

	it('parses blkio v1 and io.stat v2', () => {
		expect(parseBlkioV1('8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 1\n8:0 Total 12288\n8:16 Read 4\nTotal 12292\n')).toEqual({read: 4100, write: 8192});
		expect(parseBlkioV1('Total 0\n')).toEqual({read: 0, write: 0});
		expect(parseIoStatV2('8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n')).toEqual({read: 101, write: 202});
	});

	it('parses /proc/<pid>/net/dev without loopback', () => {
		const text = readFileSync(path.join(fixtures, 'cgroup-v2/proc/4242/net/dev'), 'utf8');
		expect(parseNetDev(text)).toEqual({rx: 5338, tx: 648});
	});
});
