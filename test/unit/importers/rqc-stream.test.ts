/**
 * issue 13 point 4: the streamed readers of rqc exports give what the whole-text parsers give,
 * wherever the chunks of a file happen to be cut (inside a quoted field, between \r and \n,
 * inside a JSON string or escape).
 */
import {describe, expect, test} from 'vitest';
import {CsvRowSplitter, JsonTopLevelSplitter, streamRqcExport} from '../../../source/importers/rqc-stream.js';
import {parseCsvRows} from '../../../source/importers/rqc.js';
import {parseImport} from '../../../source/importers/index.js';

/** The text cut into chunks of `size` characters. */
function cut(text: string, size: number): string[] {
	const chunks: string[] = [];
	for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
	return chunks;
}

async function * from(chunks: readonly string[]): AsyncGenerator<string> {
	for (const chunk of chunks) yield chunk;
}

function splitCsv(chunks: readonly string[]) {
	const splitter = new CsvRowSplitter('f');
	return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
}

const csv = 'a,"b ""q"", c"\r\n"x\ny",z\r\n,""\n"",\rlast,"x"""';

describe('CsvRowSplitter', () => {
	for (const size of [1, 2, 3, 5, 1000]) {
		test(`chunks of ${size}: the rows and lines of parseCsvRows`, () => {
			expect(splitCsv(cut(csv, size))).toEqual(parseCsvRows(csv, 'f'));
		});
	}

	test('a quote inside an unquoted field, and a quoted field that never ends, name their line', () => {
		expect(() => splitCsv(cut('a\nb,c"d\n', 1))).toThrow(/^f: line 2: a quote inside an unquoted CSV field$/);
		expect(() => splitCsv(cut('a\n"b,c\nd', 2))).toThrow(/^f: line 2: a quoted CSV field never ends \(truncated file\?\)$/);
		expect(() => splitCsv(cut('"a"b\n', 1))).toThrow(/^f: line 1: text after a closing quote in a CSV field$/);
	});
});

const json = '{"format": "rqc-export",\n "releases": [{"a": "x\\"]}"},\n  {"b": [1, {"c": "\\u0041"}]}],\n "n": -1.5e3, "t": true, "o": {"k": []}}';

function splitJson(chunks: readonly string[]) {
	const splitter = new JsonTopLevelSplitter('f', new Set(['releases']));
	return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
}

describe('JsonTopLevelSplitter', () => {
	for (const size of [1, 2, 7, 1000]) {
		test(`chunks of ${size}: each element of a split array, each other value whole`, () => {
			expect(splitJson(cut(json, size))).toEqual([
				{key: 'format', value: 'rqc-export'},
				{key: 'releases', index: 0, value: {a: 'x"]}'}},
				{key: 'releases', index: 1, value: {b: [1, {c: 'A'}]}},
				{key: 'releases', value: [], isArrayEnd: true},
				{key: 'n', value: -1500},
				{key: 't', value: true},
				{key: 'o', value: {k: []}},
			]);
		});
	}

	test('broken JSON names its line; a file cut short says so', () => {
		expect(() => splitJson(['{"releases": [\n{"a": 1},\n{"a": tru}]}'])).toThrow(/^f: line 3: invalid JSON, expected/);
		expect(() => splitJson(['{"releases": [\n{"a": 1}\n{"a": 2}]}'])).toThrow(/^f: line 3: invalid JSON, expected ',' or '\]'$/);
		expect(() => splitJson(['{"releases": [\n{"a": 1},\n{"a": '])).toThrow(/^f: line 3: the JSON ends early \(truncated file\?\)$/);
		expect(() => splitJson(['{"a": 1} x'])).toThrow(/^f: line 1: invalid JSON, expected the end of the file/);
	});
});

describe('streamRqcExport', () => {
	const v1 = JSON.stringify({
		format: 'rqc-export', formatVersion: 1, rqcVersion: '0.1.0', release: {name: 'v1', gitSha: 'abc'},
		runs: [{suite: 's', mode: 'bare_metal', status: 'completed', startedAt: '2026-01-01T00:00:00.000Z', environment: {runtime: 'bare_metal'},
			samples: [{case: 'c', iteration: 0, time: '2026-01-01T00:00:01.000Z', wallNs: 5}]}],
	}, null, 2);

	test('a version 1 export (one release, pretty-printed) gives the runs parseImport gives', async () => {
		const items = [];
		for await (const item of streamRqcExport(from(cut(v1, 3)), {fileName: 'f'})) items.push(item);
		expect(items).toEqual([{kind: 'run', key: 'runs[0]', run: parseImport(v1, {fileName: 'f'}).runs[0], gitSha: 'abc', version: '0.1.0'}]);
	});

	test('the whole-file checks are made at the end: another format, an export without samples', async () => {
		const drain = async (text: string) => {
			for await (const _ of streamRqcExport(from([text]), {fileName: 'f'})) { /* Read everything. */ }
		};

		await expect(drain(v1.replace('"rqc-export"', '"other"'))).rejects.toThrow(/^f: field format: expected "rqc-export", got "other"$/);
		await expect(drain(v1.replace('"formatVersion": 1', '"formatVersion": 9'))).rejects.toThrow(/the file is version 9: upgrade rqc$/);
		await expect(drain(JSON.stringify({format: 'rqc-export', formatVersion: 1, rqcVersion: '1', release: {name: 'v'}, runs: []}))).rejects.toThrow(/^f: field runs: the export has no runs \(empty array\)$/);
		await expect(drain('release,run,suite,mode,status,status_reason,started_at,ended_at,case,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics,environment\n'))
			.rejects.toThrow(/^f: line 2: the export has no samples \(header only\)$/);
	});
});
