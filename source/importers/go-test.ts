/**
 * `go test -bench` text output. Each result line (BenchmarkName-PROCS  N  v unit  v unit ...)
 * is one sample: ns/op is its wall time, and every value/unit pair (ns/op, B/op, allocs/op,
 * MB/s, custom ReportMetric units) is kept in its metrics. -count N gives N lines per benchmark.
 */
import {UserError} from '../errors.js';
import type {ImportedEnvironment, ImportedRun, ImportedSample, ParseOptions, ParsedImport} from './types.js';

const RESULT = /^(Benchmark\S*)\s+(\d+)\s+(.*)$/;
const NAME_ONLY = /^Benchmark\S*\s*$/;
const CONFIG = /^([a-z][a-zA-Z\d-]*):\s*(.*)$/;

interface PackageBlock {
	pkg: string;
	config: Record<string, string>;
	samples: ImportedSample[];
	/** case → units of its first line and that line's number, to catch mixed units. */
	units: Map<string, {units: string; line: number}>;
	procs: Map<string, Set<number>>;
}

export function parseGoTest(text: string, options: ParseOptions): ParsedImport {
	const fail = (line: number, message: string): never => {
		throw new UserError(`${options.fileName}: line ${line}: ${message}`, 'nothing was imported');
	};

	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	if (lines.every((l) => l.trim() === '')) throw new UserError(`${options.fileName}: the file is empty`, 'nothing was imported');
	const blocks: PackageBlock[] = [];
	let config: Record<string, string> = {};
	let current: PackageBlock | undefined;
	let lastResultLine = 0;
	let closedAt = 0;
	const block = (): PackageBlock => {
		if (!current) {
			current = {pkg: config.pkg ?? 'go-test', config: {...config}, samples: [], units: new Map(), procs: new Map()};
			blocks.push(current);
		}

		return current;
	};

	for (const [index, raw] of lines.entries()) {
		const n = index + 1;
		const line = raw.trimEnd();
		const result = RESULT.exec(line);
		if (result) {
			lastResultLine = n;
			const [, fullName, iterText, rest] = result as unknown as [string, string, string, string];
			const {name, procs} = splitProcs(fullName);
			const fields = rest.trim().split(/\s+/);
			if (fields.length % 2 !== 0) fail(n, `expected value/unit pairs after the iteration count, got ${JSON.stringify(rest.trim())} (truncated line?)`);
			const metrics: Record<string, number> = {iterations: Number(iterText)};
			if (procs !== undefined) metrics.procs = procs;
			const units: string[] = [];
			for (let i = 0; i < fields.length; i += 2) {
				const valueText = fields[i]!;
				const unit = fields[i + 1]!;
				const value = Number(valueText);
				if (valueText === '' || !Number.isFinite(value)) fail(n, `${JSON.stringify(valueText)} is not a number (before ${JSON.stringify(unit)})`);
				if (!/^[^\s/]+\/[^\s/]+$/.test(unit)) fail(n, `${JSON.stringify(unit)} is not a go benchmark unit such as ns/op, B/op or MB/s (truncated line?)`);
				if (Object.hasOwn(metrics, unit)) fail(n, `the unit ${unit} appears twice`);
				metrics[unit] = value;
				units.push(unit);
			}

			if (metrics['ns/op'] === undefined) fail(n, `no ns/op value: go test always reports ns/op first, got ${JSON.stringify(rest.trim())}`);
			const b = block();
			const unitKey = units.join(' ');
			const first = b.units.get(name);
			if (first && first.units !== unitKey) {
				fail(n, `mixed units for ${name}: this line reports ${unitKey} but line ${first.line} reported ${first.units}`);
			}

			if (!first) b.units.set(name, {units: unitKey, line: n});
			const seenProcs = b.procs.get(name) ?? new Set<number>();
			seenProcs.add(procs ?? 1);
			b.procs.set(name, seenProcs);
			b.samples.push({caseName: name, iteration: 0, wallNs: metrics['ns/op']!, metrics});
			continue;
		}

		if (NAME_ONLY.test(line)) continue; // A name printed before its result when the benchmark logs.
		if (/^(?:---\s+FAIL|FAIL\b)/.test(line)) fail(n, `go test reported a failure (${line.trim()}); fix the benchmark and run it again`);
		if (/^(?:PASS$|ok\s)/.test(line)) {
			closedAt = n;
			if (/^ok\s/.test(line)) current = undefined;
			continue;
		}

		const setting = CONFIG.exec(line);
		if (setting && !line.startsWith(' ') && !line.startsWith('\t')) {
			const [, key, value] = setting as unknown as [string, string, string];
			if (key === 'pkg' || key === 'goos' || key === 'goarch' || key === 'cpu') {
				if (key === 'pkg' || (current && current.samples.length > 0)) current = undefined;
				config = {...config, [key]: value.trim()};
			}
		}
	}

	const samples = blocks.flatMap((b) => b.samples);
	if (samples.length === 0) throw new UserError(`${options.fileName}: no benchmark result lines (BenchmarkName  N  v ns/op)`, 'run go test with -bench and -run \'^$\', and import its output');
	if (closedAt < lastResultLine) {
		fail(lastResultLine, 'the output stops after this result without go test\'s closing "PASS" or "ok" line (truncated file?)');
	}

	const runs: ImportedRun[] = blocks.map((b) => ({
		suite: b.pkg,
		environment: environmentOf(b.config),
		samples: numberIterations(nameByProcs(b)),
	}));
	return {
		format: 'go-test',
		source: {tool: 'go-test'},
		runs,
		notes: ['go test -bench output does not state the Go version; the run\'s source names the tool without one'],
	};
}

function splitProcs(fullName: string): {name: string; procs: number | undefined} {
	const match = /^(.*)-(\d+)$/.exec(fullName);
	return match ? {name: match[1]!, procs: Number(match[2])} : {name: fullName, procs: undefined};
}

/** Keeps the -PROCS suffix in the name only when one benchmark ran with several -cpu values. */
function nameByProcs(b: PackageBlock): ImportedSample[] {
	return b.samples.map((s) => {
		const procs = b.procs.get(s.caseName);
		if (!procs || procs.size < 2) return s;
		return {...s, caseName: `${s.caseName}-${s.metrics?.procs ?? 1}`};
	});
}

function numberIterations(samples: readonly ImportedSample[]): ImportedSample[] {
	const counts = new Map<string, number>();
	return samples.map((s) => {
		const i = counts.get(s.caseName) ?? 0;
		counts.set(s.caseName, i + 1);
		return {...s, iteration: i};
	});
}

function environmentOf(config: Readonly<Record<string, string>>): ImportedEnvironment {
	return {
		...(config.cpu === undefined ? {} : {host: {cpuModel: config.cpu}}),
		...(config.goos === undefined ? {} : {goos: config.goos}),
		...(config.goarch === undefined ? {} : {goarch: config.goarch}),
	};
}
