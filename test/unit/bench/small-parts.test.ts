/** Pure parts of the runner: limits, container stats, progress, spool lines, environment, modes. */
import {describe, expect, it} from 'vitest';
import {chooseMode, formatSummaryTable} from '../../../source/commands/bench-run.js';
import {toContainerSample} from '../../../source/bench/container-stats.js';
import {computeHostFingerprint} from '../../../source/bench/environment.js';
import {parseByteSize, parseNofileHardLimit, resolveLimits} from '../../../source/bench/limits.js';
import {computeEta, formatProgressLine, initialProgressState, parseBenchEvent, reduceProgress, renderBar, type BenchEvent} from '../../../source/bench/progress.js';
import {judgeIteration} from '../../../source/bench/runner.js';
import {encodeSample, markOutliers, parseSpool} from '../../../source/bench/spool.js';
import {summarizeCase} from '../../../source/bench/statistics.js';
import type {NewSample} from '../../../source/store/records.js';

describe('chooseMode (the decision matrix)', () => {
	const table: Array<[string, 'ci' | 'production' | 'dev', string]> = [
		['auto', 'ci', 'docker'], ['auto', 'production', 'bare_metal'], ['auto', 'dev', 'docker'],
		['docker', 'production', 'docker'], ['bare-metal', 'ci', 'bare_metal'], ['bare_metal', 'dev', 'bare_metal'],
	];
	for (const [mode, environment, expected] of table) {
		it(`--mode ${mode} --environment ${environment} → ${expected}`, () => {
			expect(chooseMode(mode, environment)).toBe(expected);
		});
	}
});

describe('limits', () => {
	const sizes: Array<[string | number, number | undefined]> = [
		['512m', 512 * 1024 ** 2], ['8g', 8 * 1024 ** 3], ['1.5GiB', 1.5 * 1024 ** 3], ['64k', 65_536], ['100', 100], [4096, 4096],
		['lots', undefined], ['-1g', undefined], ['0', undefined],
	];
	for (const [input, expected] of sizes) {
		it(`parseByteSize(${JSON.stringify(input)}) → ${expected}`, () => {
			expect(parseByteSize(input)).toBe(expected);
		});
	}

	it('defaults to the design runner capped to the host, swap equal to memory, host network', () => {
		const {limits, problems} = resolveLimits({}, {cores: 2, memoryBytes: 24 * 1024 ** 3, nofileHardLimit: 20_000});
		expect(problems).toEqual([]);
		expect(limits).toEqual({cpus: 2, memoryBytes: 8 * 1024 ** 3, memorySwapBytes: 8 * 1024 ** 3, cpuShares: 1024, pidsLimit: 4096, nofile: 20_000, network: 'host'});
	});

	it('lists every bad input', () => {
		const {problems} = resolveLimits({cpus: 3, memory: '1k', cpuShares: 1, pidsLimit: 0, nofile: 2}, {cores: 2, memoryBytes: 1024 ** 3});
		expect(problems).toHaveLength(5);
		expect(problems[0]).toMatch(/--cpus 3/);
	});

	it('reads the hard nofile limit of /proc/self/limits', () => {
		const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n';
		expect(parseNofileHardLimit(text)).toBe(20_000);
		expect(parseNofileHardLimit('Max open files  unlimited unlimited files')).toBeUndefined();
	});
});

describe('container stats (as docker stats computes them)', () => {
	const stats = {
		read: '2026-11-26T12:00:00.000Z',
		cpu_stats: {cpu_usage: {total_usage: 3_000_000_000}, system_cpu_usage: 20_000_000_000, online_cpus: 2},
		precpu_stats: {cpu_usage: {total_usage: 2_000_000_000}, system_cpu_usage: 18_000_000_000},
		memory_stats: {usage: 100 * 1024 ** 2, limit: 512 * 1024 ** 2, stats: {total_inactive_file: 20 * 1024 ** 2}},
		blkio_stats: {io_service_bytes_recursive: [{op: 'Read', value: 10}, {op: 'Write', value: 20}, {op: 'read', value: 5}]},
		pids_stats: {current: 3},
	};
	// issue 10: the run's samples use the same CPU% and memory maths as `rqc status` (docker/convert.ts).
	it('CPU% = cpu delta / system delta × CPUs × 100; 0 without a previous reading', () => {
		expect(toContainerSample(stats, {id: 'abc', name: 'n'}, new Date(0)).cpuPercent).toBeCloseTo(100, 9);
		expect(toContainerSample({...stats, precpu_stats: {}}, {id: 'abc', name: 'n'}, new Date(0)).cpuPercent).toBe(0);
	});

	it('memory without the inactive page cache (v1 and v2 keys; "cache" is not subtracted, as docker stats)', () => {
		const memoryOf = (memory_stats: {usage: number; stats: Record<string, number>}) => toContainerSample({memory_stats}, {id: 'a', name: 'n'}, new Date(0)).memoryBytes;
		expect(toContainerSample(stats, {id: 'abc', name: 'n'}, new Date(0)).memoryBytes).toBe(80 * 1024 ** 2);
		expect(memoryOf({usage: 100, stats: {inactive_file: 30}})).toBe(70);
		expect(memoryOf({usage: 100, stats: {cache: 40}})).toBe(100);
	});

	it('makes a ContainerSample tied to the run', () => {
		expect(toContainerSample(stats, {id: 'abc', name: 'n', runId: 7}, new Date(0))).toEqual({
			time: new Date('2026-11-26T12:00:00.000Z'), runId: 7, containerId: 'abc', name: 'n', cpuPercent: 100, memoryBytes: 80 * 1024 ** 2,
			memoryLimitBytes: 512 * 1024 ** 2, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 15, blockWriteBytes: 20, pids: 3,
		});
	});
});

describe('judgeIteration', () => {
	const spec = {name: 'c', timeoutMs: 500, isExitCodeIgnored: false};
	const ok = {index: 0, exitCode: 0 as number | undefined, signal: 0, isTimedOut: false, isOomKilled: false};
	const table: Array<[string, typeof ok, boolean, RegExp | undefined]> = [
		['success', ok, false, undefined],
		['OOM', {...ok, exitCode: undefined, signal: 9, isOomKilled: true}, false, /^OOMKilled$/],
		['timeout', {...ok, exitCode: undefined, signal: 9, isTimedOut: true}, false, /^Timeout: case c iteration 4 ran past 500 ms/],
		['exit code', {...ok, exitCode: 3}, false, /exited with code 3/],
		['exit code ignored', {...ok, exitCode: 3}, true, undefined],
		['signal', {...ok, exitCode: undefined, signal: 11}, false, /signal 11/],
		['OOM even when exit codes are ignored', {...ok, exitCode: undefined, signal: 9, isOomKilled: true}, true, /OOMKilled/],
	];
	for (const [name, iteration, isIgnored, expected] of table) {
		it(name, () => {
			const verdict = judgeIteration({...spec, isExitCodeIgnored: isIgnored}, iteration, 4);
			if (expected === undefined) expect(verdict).toBeUndefined();
			else expect(verdict).toMatch(expected);
		});
	}
});

function event(overrides: Partial<BenchEvent>): BenchEvent {
	return {
		type: 'progress', runId: 1, suite: 's', mode: 'docker', release: 'r', host: 'h', pid: 1, done: 5, total: 10, caseName: 'a',
		caseDone: 5, caseTotal: 10, medianNs: 2_000_000, elapsedMs: 1000, etaMs: 1000, status: 'running', reason: undefined,
		startedAt: '2026-11-26T12:00:00.000Z', time: '2026-11-26T12:00:01.000Z', ...overrides,
	};
}

describe('progress', () => {
	it('ETA from the pace so far', () => {
		expect(computeEta(0, 10, 1000)).toBeUndefined();
		expect(computeEta(5, 10, 1000)).toBe(1000);
		expect(computeEta(10, 10, 1000)).toBe(0);
	});

	it('renders a bar and a line', () => {
		expect(renderBar(5, 10, 10)).toBe('[#####.....]');
		expect(renderBar(20, 10, 4)).toBe('[####]');
		expect(formatProgressLine(event({}))).toBe('[########........] 5/10 a median 2.00 ms ETA 1s');
	});

	it('keeps the newest event per run and drops the oldest finished runs', () => {
		let state = initialProgressState;
		state = reduceProgress(state, event({runId: 1, done: 1}));
		state = reduceProgress(state, event({runId: 1, done: 2, time: '2026-11-26T12:00:02.000Z'}));
		expect(state.runs.size).toBe(1);
		expect([...state.runs.values()][0]?.done).toBe(2);
		for (let id = 2; id <= 5; id++) state = reduceProgress(state, event({runId: id, type: 'end', time: `2026-11-26T12:00:0${id}.000Z`}), 2);
		expect([...state.runs.values()].map((r) => r.runId).sort()).toEqual([1, 4, 5]);
	});

	it('parses only well-formed events from the channel', () => {
		expect(parseBenchEvent(JSON.stringify(event({})))?.runId).toBe(1);
		expect(parseBenchEvent('{"hello":1}')).toBeUndefined();
		expect(parseBenchEvent('not json')).toBeUndefined();
	});
});

describe('spool lines', () => {
	const sample = (iteration: number, wallNs: number, isWarmup = false): NewSample => ({
		runId: 9, caseName: 'c', iteration, time: new Date(1_700_000_000_000 + iteration), wallNs, userUs: 5, systemUs: 6, maxRssBytes: 4096, exitCode: 0, isWarmup,
	});

	it('round-trips samples, skips a torn last line and drops container batches marked written', () => {
		const text = [
			JSON.stringify({t: 'h', runId: 9, pid: 123, host: 'h', startedAt: 0}),
			encodeSample(sample(0, 100, true)),
			encodeSample(sample(1, 200)),
			JSON.stringify({t: 'c', b: 1, samples: [{time: 5, containerId: 'x', name: 'n', cpuPercent: 1, memoryBytes: 2}]}),
			JSON.stringify({t: 'c', b: 2, samples: [{time: 6, containerId: 'x', name: 'n', cpuPercent: 3, memoryBytes: 4}]}),
			JSON.stringify({t: 'cw', b: 1}),
			JSON.stringify({t: 'f', status: 'completed', endedAt: 10}),
			'{"t":"s","c":"c","i":2,"at":1',
		].join('\n');
		const parsed = parseSpool(text);
		expect(parsed).toMatchObject({runId: 9, pid: 123, host: 'h', badLines: 1, finish: {status: 'completed', endedAt: 10}});
		expect(parsed.samples).toEqual([sample(0, 100, true), sample(1, 200)]);
		expect(parsed.containerBatches).toEqual([{batch: 2, samples: [{time: new Date(6), containerId: 'x', name: 'n', cpuPercent: 3, memoryBytes: 4}]}]);
	});

	it('marks outliers per case, leaving warmups out', () => {
		const samples = [sample(0, 9999, true), ...[100, 101, 99, 100, 102, 98, 100, 250].map((wall, index) => sample(index + 1, wall))];
		const marked = markOutliers([...samples, {...sample(20, 250), caseName: 'other'}]);
		expect(marked.filter((s) => s.isOutlier).map((s) => [s.caseName, s.iteration])).toEqual([['c', 8]]);
		expect(marked[0]?.isOutlier).toBe(false);
	});
});

describe('host fingerprint', () => {
	it('is stable, ignores small memory drift, and changes with the kernel', () => {
		const facts = {cpuModel: 'Intel(R) Xeon(R)  Processor', cores: 2, memoryBytes: 24 * 1024 ** 3, kernel: '6.1.0'};
		const a = computeHostFingerprint(facts);
		expect(a).toMatch(/^[\da-f]{16}$/);
		expect(computeHostFingerprint({...facts, memoryBytes: facts.memoryBytes - (50 * 1024 ** 2)})).toBe(a);
		expect(computeHostFingerprint({...facts, cpuModel: 'Intel(R) Xeon(R) Processor'})).toBe(a);
		expect(computeHostFingerprint({...facts, kernel: '6.2.0'})).not.toBe(a);
	});
});

describe('summary table', () => {
	it('has one aligned row per case', () => {
		const table = formatSummaryTable([summarizeCase('true', [{wallNs: 1_000_000, userUs: 800, systemUs: 100, maxRssBytes: 1024 ** 2, exitCode: 0}])]);
		const lines = table.split('\n');
		expect(lines[0]).toMatch(/^case\s+n\s+median/);
		expect(lines[1]).toMatch(/^true\s+1\s+1\.00 ms/);
		expect(lines[1]).toContain('1.0 MiB');
	});
});
