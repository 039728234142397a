/**
 * Each importer on the real fixture files of fixtures/importers/ (written on this machine by
 * scripts/fixtures/regenerate-importers.sh): counts and values are checked against the files
 * themselves, read here independently, so regenerating the fixtures keeps the tests valid.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {detectFormat, parseImport} from '../../../source/importers/index.js';
import type {ImportedSample} from '../../../source/importers/index.js';

const dir = path.resolve(import.meta.dirname, '../../../fixtures/importers');
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const json = (name: string): any => JSON.parse(read(name));
const byCase = (samples: readonly ImportedSample[], caseName: string) => samples.filter((s) => s.caseName === caseName);

describe('detectFormat on the fixtures', () => {
	test.each([
		['hyperfine.json', 'hyperfine'],
		['hyperfine-parameters.json', 'hyperfine'],
		['google-benchmark.json', 'google-benchmark'],
		['google-benchmark-repetitions.json', 'google-benchmark'],
		['go-test-bench.txt', 'go-test'],
		['pytest-benchmark-data.json', 'pytest-benchmark'],
		['pytest-benchmark-summary.json', 'pytest-benchmark'],
	])('%s is %s', (file, format) => {
		expect(detectFormat(read(file))).toBe(format);
	});

	test('source files and other JSON are not recognised', () => {
		expect(detectFormat(read('src/gbench/bench.cc'))).toBeUndefined();
		expect(detectFormat('{"name": "rqc", "version": "0.1.0"}')).toBeUndefined();
		expect(detectFormat('')).toBeUndefined();
	});
});

describe('hyperfine --export-json', () => {
	for (const file of ['hyperfine.json', 'hyperfine-parameters.json']) {
		test(`${file}: one sample per entry of times, in ns, with exit codes`, () => {
			const raw = json(file);
			const parsed = parseImport(read(file), {fileName: file});
			expect(parsed.format).toBe('hyperfine');
			expect(parsed.source).toEqual({tool: 'hyperfine'});
			expect(parsed.runs).toHaveLength(1);
			const {samples} = parsed.runs[0]!;
			const expectedCount = raw.results.reduce((n: number, r: {times: number[]}) => n + r.times.length, 0);
			expect(samples).toHaveLength(expectedCount);
			for (const result of raw.results) {
				const own = byCase(samples, result.command);
				expect(own).toHaveLength(result.times.length);
				for (const [i, t] of result.times.entries()) {
					expect(own[i]!.iteration).toBe(i);
					expect(own[i]!.wallNs).toBeCloseTo(t * 1e9, 2);
					expect(own[i]!.exitCode).toBe(result.exit_codes[i]);
				}
			}
		});
	}
});

describe('Google Benchmark --benchmark_format=json', () => {
	test('repetitions: every per-repetition entry is a sample, aggregates are skipped, units normalised', () => {
		const raw = json('google-benchmark-repetitions.json');
		const parsed = parseImport(read('google-benchmark-repetitions.json'), {fileName: 'g.json'});
		const iterations = raw.benchmarks.filter((b: {run_type: string}) => b.run_type === 'iteration');
		const aggregates = raw.benchmarks.filter((b: {run_type: string}) => b.run_type === 'aggregate');
		expect(aggregates.length).toBeGreaterThan(0);
		const {samples} = parsed.runs[0]!;
		expect(samples).toHaveLength(iterations.length);
		expect(parsed.notes.join(' ')).toContain(`skipped ${aggregates.length} aggregate entries`);
		// The file mixes units (BM_Accumulate is in ms, the others in ns): all become ns.
		const units = new Set(iterations.map((b: {time_unit: string}) => b.time_unit));
		expect(units).toEqual(new Set(['ns', 'ms']));
		const factor: Record<string, number> = {ns: 1, us: 1e3, ms: 1e6, s: 1e9};
		for (const entry of iterations) {
			const sample = samples.find((s) => s.caseName === entry.run_name && s.iteration === entry.repetition_index);
			expect(sample, `${entry.run_name}#${entry.repetition_index}`).toBeDefined();
			expect(sample!.wallNs).toBeCloseTo(entry.real_time * factor[entry.time_unit]!, 2);
			expect(sample!.metrics?.cpu_ns).toBeCloseTo(entry.cpu_time * factor[entry.time_unit]!, 2);
			expect(sample!.metrics?.iterations).toBe(entry.iterations);
		}

		// Counters and items_per_second are kept as metrics.
		expect(byCase(samples, 'BM_Accumulate')[0]!.metrics?.elements).toBe(1_048_576);
		expect(byCase(samples, 'BM_Sort/1024')[0]!.metrics?.items_per_second).toBeGreaterThan(0);
		expect(parsed.runs[0]!.suite).toBe(path.basename(raw.context.executable));
		expect(parsed.runs[0]!.startedAt?.toISOString()).toBe(new Date(raw.context.date).toISOString());
		expect(parsed.runs[0]!.environment.host?.cores).toBe(raw.context.num_cpus);
	});

	test('without repetitions: one sample per benchmark', () => {
		const raw = json('google-benchmark.json');
		const parsed = parseImport(read('google-benchmark.json'), {fileName: 'g.json'});
		expect(parsed.runs[0]!.samples.map((s) => [s.caseName, s.iteration])).toEqual(raw.benchmarks.map((b: {name: string}) => [b.name, 0]));
	});
});

describe('go test -bench text', () => {
	test('each -count line is a sample; ns/op, B/op and allocs/op are kept as metrics', () => {
		const text = read('go-test-bench.txt');
		const lines = text.split('\n').filter((l) => l.startsWith('Benchmark'));
		const parsed = parseImport(text, {fileName: 'go.txt'});
		expect(parsed.format).toBe('go-test');
		expect(parsed.runs).toHaveLength(1);
		const run = parsed.runs[0]!;
		expect(run.suite).toBe(/^pkg: (.*)$/m.exec(text)![1]);
		expect(run.environment.host?.cpuModel).toBe(/^cpu: (.*)$/m.exec(text)![1]);
		expect(run.samples).toHaveLength(lines.length);
		const counts = new Map<string, number>();
		for (const [i, line] of lines.entries()) {
			const fields = line.trim().split(/\s+/);
			const name = fields[0]!.replace(/-\d+$/, '');
			const n = counts.get(name) ?? 0;
			counts.set(name, n + 1);
			const sample = run.samples[i]!;
			expect(sample.caseName).toBe(name);
			expect(sample.iteration).toBe(n);
			expect(sample.wallNs).toBe(Number(fields[2]));
			expect(sample.metrics).toMatchObject({
				iterations: Number(fields[1]),
				'ns/op': Number(fields[2]),
				'B/op': Number(fields[4]),
				'allocs/op': Number(fields[6]),
			});
		}

		expect([...counts.values()].every((n) => n === 5)).toBe(true);
	});

	test('several packages become several runs; -cpu variants keep their suffix', () => {
		const text = [
			'goos: linux', 'goarch: amd64', 'pkg: example.com/a', 'cpu: Test CPU',
			'BenchmarkX-2   \t 100\t 10.5 ns/op', 'BenchmarkX-2   \t 100\t 11.5 ns/op', 'PASS', 'ok  \texample.com/a\t0.1s',
			'goos: linux', 'goarch: amd64', 'pkg: example.com/b',
			'BenchmarkY     \t 100\t 20 ns/op', 'BenchmarkY-2   \t 100\t 12 ns/op', 'PASS', 'ok  \texample.com/b\t0.1s', '',
		].join('\n');
		const parsed = parseImport(text, {fileName: 'multi.txt'});
		expect(parsed.runs.map((r) => [r.suite, r.samples.map((s) => `${s.caseName}#${s.iteration}=${s.wallNs}`)])).toEqual([
			['example.com/a', ['BenchmarkX#0=10.5', 'BenchmarkX#1=11.5']],
			['example.com/b', ['BenchmarkY-1#0=20', 'BenchmarkY-2#0=12']],
		]);
	});
});

describe('pytest-benchmark JSON', () => {
	test('saved with --benchmark-save-data: one sample per round, seconds → ns', () => {
		const raw = json('pytest-benchmark-data.json');
		const parsed = parseImport(read('pytest-benchmark-data.json'), {fileName: 'p.json'});
		expect(parsed.source).toEqual({tool: 'pytest-benchmark', version: raw.version});
		expect(parsed.notes).toEqual([]);
		const {samples} = parsed.runs[0]!;
		let total = 0;
		for (const b of raw.benchmarks) {
			const own = byCase(samples, b.fullname);
			expect(own).toHaveLength(b.stats.data.length);
			expect(own).toHaveLength(b.stats.rounds);
			for (const [i, v] of b.stats.data.entries()) expect(own[i]!.wallNs).toBeCloseTo(v * 1e9, 2);
			total += b.stats.data.length;
		}

		expect(samples).toHaveLength(total);
	});

	test('summaries only: one sample (the median) per benchmark, marked, with a clear note', () => {
		const raw = json('pytest-benchmark-summary.json');
		expect(raw.benchmarks.every((b: {stats: {data?: unknown}}) => b.stats.data === undefined)).toBe(true);
		const parsed = parseImport(read('pytest-benchmark-summary.json'), {fileName: 'p.json'});
		const {samples} = parsed.runs[0]!;
		expect(samples).toHaveLength(raw.benchmarks.length);
		for (const b of raw.benchmarks) {
			const [sample] = byCase(samples, b.fullname);
			expect(sample!.wallNs).toBeCloseTo(b.stats.median * 1e9, 2);
			expect(sample!.metrics).toMatchObject({summary_only: 1, rounds: b.stats.rounds});
		}

		expect(parsed.notes.join(' ')).toMatch(/only summaries exist.*--benchmark-save-data/);
	});
});
