/**
 * pytest-benchmark JSON (--benchmark-json, or a file saved with --benchmark-save). Per-round
 * timings are in stats.data (seconds per iteration) only when the file was saved with
 * --benchmark-save-data (or written by --benchmark-json); then each round is one sample.
 * Without them only summaries exist: each benchmark becomes ONE sample (its median) marked
 * with `summary_only` in its metrics, and a note says so, so comparisons see n = 1 and say
 * "too few samples" instead of inventing a spread.
 */
import {JsonReader, parseJsonDocument, type JsonObject} from './json-document.js';
import type {ImportedEnvironment, ImportedSample, ParseOptions, ParsedImport} from './types.js';
import {toNs} from './units.js';

export function parsePytestBenchmark(text: string, options: ParseOptions): ParsedImport {
	const read = new JsonReader(options.fileName);
	const root = read.object(parseJsonDocument(text, options.fileName), '(root)');
	const benchmarks = read.array(root.benchmarks, 'benchmarks');
	if (benchmarks.length === 0) read.fail('benchmarks', 'the file has no benchmarks (empty array)');

	const samples: ImportedSample[] = [];
	const summaryOnly: string[] = [];
	const seen = new Set<string>();
	for (const [index, raw] of benchmarks.entries()) {
		const at = `benchmarks[${index}]`;
		const entry = read.object(raw, at);
		const caseName = read.optionalString(entry.fullname, `${at}.fullname`) ?? read.string(entry.name, `${at}.name`);
		if (seen.has(caseName)) read.fail(`${at}.fullname`, `the benchmark ${JSON.stringify(caseName)} appears twice`);
		seen.add(caseName);
		const stats = read.object(entry.stats, `${at}.stats`);
		const rounds = read.nonNegative(stats.rounds, `${at}.stats.rounds`);
		const iterations = read.optionalNumber(stats.iterations, `${at}.stats.iterations`) ?? 1;
		if (stats.data === undefined || stats.data === null) {
			const median = read.nonNegative(stats.median, `${at}.stats.median`);
			summaryOnly.push(caseName);
			samples.push({
				caseName,
				iteration: 0,
				wallNs: toNs(median, 1e9),
				metrics: {
					summary_only: 1,
					rounds,
					iterations,
					mean_ns: toNs(read.nonNegative(stats.mean, `${at}.stats.mean`), 1e9),
					min_ns: toNs(read.nonNegative(stats.min, `${at}.stats.min`), 1e9),
					max_ns: toNs(read.nonNegative(stats.max, `${at}.stats.max`), 1e9),
					stddev_ns: toNs(read.nonNegative(stats.stddev, `${at}.stats.stddev`), 1e9),
				},
			});
			continue;
		}

		const data = read.array(stats.data, `${at}.stats.data`);
		if (data.length === 0) read.fail(`${at}.stats.data`, 'no rounds (empty array)');
		if (data.length !== rounds) read.fail(`${at}.stats.data`, `has ${data.length} rounds but stats.rounds says ${rounds}`);
		for (const [i, value] of data.entries()) {
			samples.push({
				caseName,
				iteration: i,
				wallNs: toNs(read.nonNegative(value, `${at}.stats.data[${i}]`), 1e9),
				metrics: {iterations},
			});
		}
	}

	const notes: string[] = [];
	if (summaryOnly.length > 0) {
		notes.push(`only summaries exist for ${summaryOnly.length} of ${benchmarks.length} benchmarks (saved without --benchmark-save-data): `
			+ 'each became one sample (its median), so comparisons on them will report too few samples; '
			+ 'save with --benchmark-save-data (or --benchmark-json) to import every round');
	}

	const version = read.optionalString(root.version, 'version');
	const started = read.optionalDate(root.datetime, 'datetime');
	return {
		format: 'pytest-benchmark',
		source: {tool: 'pytest-benchmark', ...(version === undefined ? {} : {version})},
		runs: [{
			suite: 'pytest-benchmark',
			...(started ? {startedAt: started} : {}),
			environment: readEnvironment(read, read.optionalObject(root.machine_info, 'machine_info') ?? {}, read.optionalObject(root.commit_info, 'commit_info') ?? {}),
			samples,
		}],
		notes,
	};
}

function readEnvironment(read: JsonReader, machine: JsonObject, commit: JsonObject): ImportedEnvironment {
	const cpu = read.optionalObject(machine.cpu, 'machine_info.cpu') ?? {};
	const cpuModel = read.optionalString(cpu.brand_raw ?? cpu.brand, 'machine_info.cpu.brand_raw');
	const cores = read.optionalNumber(cpu.count, 'machine_info.cpu.count');
	const hostname = read.optionalString(machine.node, 'machine_info.node');
	const kernel = read.optionalString(machine.release, 'machine_info.release');
	const python = read.optionalString(machine.python_version, 'machine_info.python_version');
	const implementation = read.optionalString(machine.python_implementation, 'machine_info.python_implementation');
	const commitId = read.optionalString(commit.id, 'commit_info.id');
	// pytest-benchmark writes "unversioned" outside a git work tree.
	const gitSha = commitId === 'unversioned' ? undefined : commitId;
	const host = {
		...(hostname === undefined ? {} : {hostname}),
		...(cpuModel === undefined ? {} : {cpuModel}),
		...(cores === undefined ? {} : {cores}),
		...(kernel === undefined ? {} : {kernel}),
	};
	return {
		...(Object.keys(host).length > 0 ? {host} : {}),
		...(python === undefined ? {} : {python: `${implementation ?? 'Python'} ${python}`}),
		...(gitSha === undefined ? {} : {gitSha}),
	};
}
