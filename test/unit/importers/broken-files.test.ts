/**
 * The broken-file table: a truncated, mistyped, empty, mixed-unit or unknown file is rejected
 * whole with a UserError naming the line or the field at fault (issue 7).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {UserError} from '../../../source/errors.js';
import {findJsonError, locate} from '../../../source/importers/json-document.js';
import {parseImport, verifyFormatName, type ImportFormat} from '../../../source/importers/index.js';

const dir = path.resolve(import.meta.dirname, '../../../fixtures/importers');
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const edit = (name: string, change: (doc: any) => void): string => {
	const doc = JSON.parse(read(name));
	change(doc);
	return JSON.stringify(doc, null, 2);
};

const half = (text: string) => text.slice(0, Math.floor(text.length / 2));
const goText = read('go-test-bench.txt');
const goLines = goText.split('\n');
const lastResult = goLines.length - 1 - [...goLines].reverse().findIndex((l) => l.startsWith('Benchmark'));

interface Row {
	readonly name: string;
	readonly text: string;
	readonly format?: ImportFormat;
	readonly error: RegExp;
}

const table: Row[] = [
	// Truncated files.
	{name: 'truncated hyperfine JSON', text: half(read('hyperfine.json')), error: /^t: line \d+: the JSON ends early, expected .* \(truncated file\?\)$/},
	{name: 'truncated Google Benchmark JSON', text: half(read('google-benchmark-repetitions.json')), error: /^t: line \d+: the JSON ends early/},
	{name: 'truncated pytest-benchmark JSON', text: half(read('pytest-benchmark-data.json')), error: /^t: line \d+: the JSON ends early/},
	{name: 'go test cut inside a result line', text: goLines.slice(0, lastResult).join('\n') + '\n' + goLines[lastResult]!.slice(0, goLines[lastResult]!.indexOf('B/op') + 2),
		error: new RegExp(`^t: line ${lastResult + 1}: "B/" is not a go benchmark unit`)},
	{name: 'go test cut inside a value', text: goLines.slice(0, lastResult).join('\n') + '\n' + goLines[lastResult]!.replace(/\s+allocs\/op.*$/, ''),
		error: new RegExp(`^t: line ${lastResult + 1}: expected value/unit pairs`)},
	{name: 'go test cut after a whole result line (no closing ok)', text: goLines.slice(0, lastResult + 1).join('\n'),
		error: new RegExp(`^t: line ${lastResult + 1}: the output stops after this result .*truncated`)},
	{name: 'CSV export cut inside a quoted field', text: 'release,run,suite,mode,status,status_reason,started_at,ended_at,case,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics,environment\nv1,1,s,bare_metal,completed,,2026-01-01T00:00:00.000Z,,c,0,2026-01-01T00:00:00.000Z,5,,,,,false,false,,"{""runtime"":',
		error: /^t: line 2: a quoted CSV field never ends \(truncated file\?\)$/},
	// Invalid JSON in the middle names line and column.
	{name: 'a stray comma', text: '{\n  "results": [\n    {"command": "a", "times": [1,, 2]}\n  ]\n}', format: 'hyperfine', error: /^t: line 3, column 34: invalid JSON, expected a value \(/},
	// Wrong types.
	{name: 'hyperfine: a time that is a string', text: edit('hyperfine.json', (d) => { d.results[0].times[3] = '0.001'; }),
		error: /^t: field results\[0\]\.times\[3\]: expected a number, got the string "0\.001"$/},
	{name: 'hyperfine: exit codes shorter than times', text: edit('hyperfine.json', (d) => { d.results[1].exit_codes.pop(); }),
		error: /^t: field results\[1\]\.exit_codes: has \d+ entries but times has \d+$/},
	{name: 'Google Benchmark: real_time as a string', text: edit('google-benchmark.json', (d) => { d.benchmarks[1].real_time = '12.5'; }),
		error: /^t: field benchmarks\[1\]\.real_time: expected a number, got the string "12\.5"$/},
	{name: 'Google Benchmark: benchmarks is an object', text: edit('google-benchmark.json', (d) => { d.benchmarks = {}; }),
		error: /^t: field benchmarks: expected an array, got an object$/},
	{name: 'pytest-benchmark: a round that is null', text: edit('pytest-benchmark-data.json', (d) => { d.benchmarks[0].stats.data[2] = null; }),
		error: /^t: field benchmarks\[0\]\.stats\.data\[2\]: expected a number, got null$/},
	{name: 'pytest-benchmark: rounds that do not match the data', text: edit('pytest-benchmark-data.json', (d) => { d.benchmarks[1].stats.data.pop(); }),
		error: /^t: field benchmarks\[1\]\.stats\.data: has \d+ rounds but stats\.rounds says \d+$/},
	{name: 'go test: a value that is not a number', text: goText.replace(/(\s)\d+(\.\d+)? ns\/op/, '$1fast ns/op'),
		error: /^t: line 5: "fast" is not a number/},
	{name: 'rqc export: a negative wall time', text: JSON.stringify({format: 'rqc-export', formatVersion: 1, rqcVersion: '0.1.0', release: {name: 'v1'},
		runs: [{suite: 's', mode: 'bare_metal', status: 'completed', startedAt: '2026-01-01T00:00:00Z', environment: {runtime: 'bare_metal'},
			samples: [{case: 'c', iteration: 0, time: '2026-01-01T00:00:00Z', wallNs: -5}]}]}), error: /^t: field runs\[0\]\.samples\[0\]\.wallNs: expected a number ≥ 0, got -5$/},
	{name: 'rqc export: an unknown mode', text: JSON.stringify({format: 'rqc-export', formatVersion: 1, rqcVersion: '0.1.0', release: {name: 'v1'},
		runs: [{suite: 's', mode: 'vm', status: 'completed', startedAt: '2026-01-01T00:00:00Z', environment: {}, samples: []}]}), error: /^t: field runs\[0\]\.mode: expected one of bare_metal, docker, got "vm"$/},
	// Empty results.
	{name: 'empty file', text: '', format: 'hyperfine', error: /^t: the file is empty$/},
	{name: 'hyperfine: no results', text: '{"results": []}', error: /^t: field results: the export has no results \(empty array\)$/},
	{name: 'hyperfine: a command with no times', text: edit('hyperfine.json', (d) => { d.results[0].times = []; d.results[0].exit_codes = []; }),
		error: /^t: field results\[0\]\.times: no timings \(empty array\)$/},
	{name: 'Google Benchmark: no benchmarks', text: edit('google-benchmark.json', (d) => { d.benchmarks = []; }), error: /^t: field benchmarks: the file has no benchmarks/},
	{name: 'Google Benchmark: only aggregates', text: edit('google-benchmark-repetitions.json', (d) => { d.benchmarks = d.benchmarks.filter((b: {run_type: string}) => b.run_type === 'aggregate'); }),
		error: /^t: field benchmarks: only aggregates \(\d+\) and no per-repetition entries/},
	{name: 'pytest-benchmark: no benchmarks', text: edit('pytest-benchmark-data.json', (d) => { d.benchmarks = []; }), error: /^t: field benchmarks: the file has no benchmarks/},
	{name: 'go test: header only', text: goLines.filter((l) => !l.startsWith('Benchmark')).join('\n'), error: /^t: no benchmark result lines/},
	{name: 'CSV export: header only', text: 'release,run,suite,mode,status,status_reason,started_at,ended_at,case,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics,environment\n',
		error: /^t: line 2: the export has no samples \(header only\)$/},
	// Mixed or unknown units (mixed but convertible units, as in the fixtures, are normalised: see importers.test.ts).
	{name: 'go test: one benchmark reports B/op on one line and not on another', text: goText.replace(/^(BenchmarkFib15-\d+\s+\d+\s+\S+ ns\/op).*$/m, '$1'),
		error: /^t: line 6: mixed units for BenchmarkFib15: this line reports ns\/op B\/op allocs\/op but line 5 reported ns\/op$/},
	{name: 'go test: a line without ns/op', text: goText.replace(/^(BenchmarkJoin-\d+\s+\d+\s+)\S+ ns\/op/m, '$1 0.5 ms/op'),
		error: /^t: line \d+: no ns\/op value/},
	{name: 'Google Benchmark: an unknown time unit', text: edit('google-benchmark.json', (d) => { d.benchmarks[0].time_unit = 'fortnights'; }),
		error: /^t: field benchmarks\[0\]\.time_unit: unknown time unit "fortnights" \(expected ns, us, ms or s\)$/},
	// Unknown format.
	{name: 'unknown format: C++ source', text: read('src/gbench/bench.cc'), error: /^t: cannot tell which tool wrote this file$/},
	{name: 'unknown format: some other JSON', text: '{"name": "rqc", "version": "0.1.0"}', error: /^t: cannot tell which tool wrote this file$/},
	{name: 'forced format that does not fit', text: read('go-test-bench.txt'), format: 'hyperfine', error: /^t: line 1, column 1: invalid JSON/},
];

describe('broken files are rejected whole, naming the line or field', () => {
	test.each(table)('$name', ({text, format, error}) => {
		let caught: unknown;
		try {
			parseImport(text, {fileName: 't', ...(format ? {format} : {})});
		} catch (error_) {
			caught = error_;
		}

		expect(caught).toBeInstanceOf(UserError);
		expect((caught as UserError).message).toMatch(error);
		expect((caught as UserError).exitCode).toBe(2);
	});
});

describe('format names', () => {
	test.each([['gbench', 'google-benchmark'], ['go', 'go-test'], ['PYTEST', 'pytest-benchmark'], ['rqc', 'rqc']])('%s → %s', (name, format) => {
		expect(verifyFormatName(name)).toBe(format);
	});

	test('an unknown name lists the formats', () => {
		expect(() => verifyFormatName('criterion')).toThrow(/unknown import format "criterion"/);
	});
});

describe('findJsonError', () => {
	test.each([
		['{"a": 1}', undefined],
		['[1, 2', {offset: 5, expected: `',' or ']'`}],
		['{"a" 1}', {offset: 5, expected: `':' after the property name`}],
		['{"a": tru}', {offset: 6, expected: 'a value (true, false, null, a number, a string, an object or an array)'}],
		['"abc', {offset: 4, expected: 'the closing quote of the string'}],
		['[1, -]', {offset: 4, expected: 'a number'}],
		['{"a": 1} x', {offset: 9, expected: 'the end of the file'}],
		['{"a": "\\q"}', {offset: 8, expected: 'a valid escape'}],
	])('%j', (text, expected) => {
		expect(findJsonError(text)).toEqual(expected);
	});

	test('locate counts lines and columns from 1', () => {
		expect(locate('ab\ncd\nef', 7)).toEqual({line: 3, column: 2});
	});
});
