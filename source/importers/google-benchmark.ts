/**
 * Google Benchmark --benchmark_format=json: {"context": {...}, "benchmarks": [...]}. With
 * --benchmark_repetitions each repetition is an entry of run_type "iteration" (one sample);
 * entries of run_type "aggregate" (mean, median, stddev, cv, BigO, RMS) are summaries and are
 * skipped. real_time is the wall time per iteration in the entry's time_unit.
 */
import path from 'node:path';
import {JsonReader, parseJsonDocument, type JsonObject} from './json-document.js';
import type {ImportedEnvironment, ImportedSample, ParseOptions, ParsedImport} from './types.js';
import {getNsPerUnit, toNs} from './units.js';

/** Entry fields that are not per-sample metrics. */
const NOT_METRICS = new Set([
	'name', 'family_index', 'per_family_instance_index', 'run_name', 'run_type', 'repetitions',
	'repetition_index', 'threads', 'real_time', 'cpu_time', 'time_unit', 'aggregate_name',
	'aggregate_unit', 'label', 'error_occurred', 'error_message', 'big_o', 'complexity', 'rms',
]);

export function parseGoogleBenchmark(text: string, options: ParseOptions): ParsedImport {
	const read = new JsonReader(options.fileName);
	const root = read.object(parseJsonDocument(text, options.fileName), '(root)');
	const context = read.optionalObject(root.context, 'context') ?? {};
	const benchmarks = read.array(root.benchmarks, 'benchmarks');
	if (benchmarks.length === 0) read.fail('benchmarks', 'the file has no benchmarks (empty array)');

	const samples: ImportedSample[] = [];
	const counts = new Map<string, number>();
	let aggregates = 0;
	const errored: string[] = [];
	for (const [index, raw] of benchmarks.entries()) {
		const at = `benchmarks[${index}]`;
		const entry = read.object(raw, at);
		const name = read.string(entry.name, `${at}.name`);
		const runType = read.optionalString(entry.run_type, `${at}.run_type`);
		if (runType === 'aggregate' || (runType === undefined && (entry.aggregate_name !== undefined || /_(?:BigO|RMS)$/.test(name)))) {
			aggregates++;
			continue;
		}

		if (runType !== undefined && runType !== 'iteration') read.fail(`${at}.run_type`, `unknown run type ${JSON.stringify(runType)}`);
		const caseName = read.optionalString(entry.run_name, `${at}.run_name`) ?? name;
		if (read.optionalBoolean(entry.error_occurred, `${at}.error_occurred`)) {
			errored.push(`${caseName}: ${read.optionalString(entry.error_message, `${at}.error_message`) ?? 'error'}`);
			continue;
		}

		const unit = read.string(entry.time_unit, `${at}.time_unit`);
		const nsPerUnit = getNsPerUnit(unit);
		if (nsPerUnit === undefined) read.fail(`${at}.time_unit`, `unknown time unit ${JSON.stringify(unit)} (expected ns, us, ms or s)`);
		const realTime = read.nonNegative(entry.real_time, `${at}.real_time`);
		const cpuTime = read.nonNegative(entry.cpu_time, `${at}.cpu_time`);
		const iterations = read.nonNegative(entry.iterations, `${at}.iterations`);
		const metrics: Record<string, number> = {cpu_ns: toNs(cpuTime, nsPerUnit!), iterations};
		const threads = read.optionalNumber(entry.threads, `${at}.threads`);
		if (threads !== undefined && threads !== 1) metrics.threads = threads;
		for (const [key, value] of Object.entries(entry)) {
			if (NOT_METRICS.has(key) || key === 'iterations') continue;
			// User counters and items/bytes per second are numbers; anything else is not a metric.
			if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
		}

		const seen = counts.get(caseName) ?? 0;
		const repetition = read.optionalNumber(entry.repetition_index, `${at}.repetition_index`);
		counts.set(caseName, seen + 1);
		samples.push({
			caseName,
			iteration: repetition ?? seen,
			wallNs: toNs(realTime, nsPerUnit!),
			metrics,
		});
	}

	if (samples.length === 0) {
		read.fail('benchmarks', aggregates > 0
			? `only aggregates (${aggregates}) and no per-repetition entries: run with --benchmark_report_aggregates_only=false`
			: `no usable entries (${errored.length} reported errors: ${errored.join('; ')})`);
	}

	const duplicates = findDuplicateIterations(samples);
	if (duplicates) read.fail('benchmarks', `case ${JSON.stringify(duplicates.caseName)} has repetition ${duplicates.iteration} twice`);

	const notes: string[] = [];
	if (aggregates > 0) notes.push(`skipped ${aggregates} aggregate entries (mean, median, stddev, cv...): only per-repetition values are samples`);
	if (errored.length > 0) notes.push(`skipped ${errored.length} entries that reported an error: ${errored.join('; ')}`);
	const version = readVersion(read, context);
	if (version === undefined) notes.push('this Google Benchmark version does not record its own version in the JSON');

	const executable = read.optionalString(context.executable, 'context.executable');
	return {
		format: 'google-benchmark',
		source: {tool: 'google-benchmark', ...(version === undefined ? {} : {version})},
		runs: [{
			suite: executable ? path.basename(executable) : 'google-benchmark',
			...startedAt(read, context),
			environment: readEnvironment(read, context),
			samples,
		}],
		notes,
	};
}

function findDuplicateIterations(samples: readonly ImportedSample[]): ImportedSample | undefined {
	const keys = new Set<string>();
	for (const s of samples) {
		const key = `${s.caseName}\u0000${s.iteration}`;
		if (keys.has(key)) return s;
		keys.add(key);
	}

	return undefined;
}

function readVersion(read: JsonReader, context: JsonObject): string | undefined {
	// Google Benchmark 1.8 and later write library_version; 1.7 (Debian 12) does not.
	return read.optionalString(context.library_version, 'context.library_version')?.replace(/^v/, '');
}

function startedAt(read: JsonReader, context: JsonObject): {startedAt?: Date} {
	const date = read.optionalDate(context.date, 'context.date');
	return date ? {startedAt: date} : {};
}

function readEnvironment(read: JsonReader, context: JsonObject): ImportedEnvironment {
	const hostname = read.optionalString(context.host_name, 'context.host_name');
	const cores = read.optionalNumber(context.num_cpus, 'context.num_cpus');
	const load = context.load_avg === undefined ? undefined : read.array(context.load_avg, 'context.load_avg')
		.map((v, i) => read.number(v, `context.load_avg[${i}]`));
	const host = {
		...(hostname === undefined ? {} : {hostname}),
		...(cores === undefined ? {} : {cores}),
		...(load === undefined ? {} : {loadAvgStart: load}),
	};
	const buildType = read.optionalString(context.library_build_type, 'context.library_build_type');
	const scaling = read.optionalBoolean(context.cpu_scaling_enabled, 'context.cpu_scaling_enabled');
	const mhz = read.optionalNumber(context.mhz_per_cpu, 'context.mhz_per_cpu');
	return {
		...(Object.keys(host).length > 0 ? {host} : {}),
		...(buildType === undefined ? {} : {libraryBuildType: buildType}),
		...(scaling === undefined ? {} : {cpuScalingEnabled: scaling}),
		...(mhz === undefined ? {} : {mhzPerCpu: mhz}),
	};
}
