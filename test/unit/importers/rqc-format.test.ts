/** rqc's export format: what formatExport* writes, parseRqc* reads back unchanged (JSON and CSV). */
import {describe, expect, test} from 'vitest';
import {detectFormat, formatExportCsv, formatExportJson, parseImport, type ExportData} from '../../../source/importers/index.js';
import {parseCsvRows} from '../../../source/importers/rqc.js';
import type {Run, Sample} from '../../../source/store/records.js';

const t0 = new Date('2026-11-26T10:00:00.000Z');
const run = (id: number, overrides: Partial<Run> = {}): Run => ({
	id, releaseId: 1, releaseName: 'v1', suite: 'api, "fast" suite', mode: 'docker', status: 'aborted', statusReason: 'SIGINT',
	startedAt: t0, endedAt: new Date(t0.getTime() + 5000), isDemo: false,
	environment: {runtime: 'docker', image: 'rqc-busybox:test', limits: {cpus: 1, memoryBytes: 268_435_456}, host: {cores: 2}, source: {tool: 'hyperfine', file: 'a.json'}},
	...overrides,
});
const sample = (runId: number, caseName: string, iteration: number, overrides: Partial<Sample> = {}): Sample => ({
	runId, caseName, iteration, time: new Date(t0.getTime() + iteration), wallNs: 1000 + iteration, userUs: undefined, systemUs: undefined,
	maxRssBytes: undefined, exitCode: 0, isWarmup: iteration === 0, isOutlier: false, metrics: undefined, ...overrides,
});
const data: ExportData = {
	release: {id: 1, name: 'v1', createdAt: t0, gitSha: 'abc123', isDemo: false},
	rqcVersion: '0.1.0',
	exportedAt: t0,
	runs: [
		{run: run(7), samples: [sample(7, 'sort,\n"big"', 0), sample(7, 'sort,\n"big"', 1, {userUs: 12, systemUs: 3, maxRssBytes: 4096, metrics: {'B/op': 28, 'ns/op': 99.5}})]},
		{run: run(9, {mode: 'bare_metal', status: 'completed', statusReason: undefined, endedAt: undefined, environment: {runtime: 'bare_metal'}}), samples: [sample(9, 'x', 0, {exitCode: undefined, isOutlier: true})]},
	],
};

/** What an import should give back for each run of `data`. */
const expected = data.runs.map(({run: r, samples}) => ({
	suite: r.suite, mode: r.mode, status: r.status, startedAt: r.startedAt, environment: r.environment,
	...(r.statusReason === undefined ? {} : {statusReason: r.statusReason}),
	...(r.endedAt === undefined ? {} : {endedAt: r.endedAt}),
	samples: samples.map((s) => Object.fromEntries(Object.entries({
		caseName: s.caseName, iteration: s.iteration, time: s.time, wallNs: s.wallNs, userUs: s.userUs, systemUs: s.systemUs,
		maxRssBytes: s.maxRssBytes, exitCode: s.exitCode, isWarmup: s.isWarmup, isOutlier: s.isOutlier, metrics: s.metrics,
	}).filter(([, v]) => v !== undefined))),
	// issue 13: each run carries its release, kept when rqc import is given no --release.
	release: data.release.name,
}));

describe('rqc export format', () => {
	test('JSON: detected, and read back unchanged', () => {
		const text = formatExportJson(data);
		expect(detectFormat(text)).toBe('rqc');
		const parsed = parseImport(text, {fileName: 'e.json'});
		expect(parsed.release).toEqual({name: 'v1', gitSha: 'abc123'});
		expect(parsed.source).toEqual({tool: 'rqc', version: '0.1.0'});
		expect(parsed.runs).toEqual(expected);
	});

	test('CSV: detected, quoting survives commas, quotes and newlines, read back unchanged', () => {
		const text = formatExportCsv(data);
		expect(detectFormat(text)).toBe('rqc');
		const parsed = parseImport(text, {fileName: 'e.csv'});
		expect(parsed.release).toEqual({name: 'v1'});
		expect(parsed.runs).toEqual(expected);
	});

	test('CSV: a row with a missing field names its line', () => {
		const lines = formatExportCsv(data).trimEnd().split('\n');
		// Line 6: the case names of the first run's rows hold a newline, so rows 2 and 3 span two lines each.
		const broken = [...lines.slice(0, -1), lines.at(-1)!.replace(/,[^,]*$/, '')].join('\n');
		expect(() => parseImport(broken, {fileName: 'e.csv'})).toThrow(/^e\.csv: line 6: expected 20 fields, got 19/);
	});

	test('parseCsvRows: RFC 4180 quoting and line numbers', () => {
		expect(parseCsvRows('a,"b ""q"", c"\r\n"x\ny",z\n', 'f')).toEqual([
			{line: 1, fields: ['a', 'b "q", c']},
			{line: 2, fields: ['x\ny', 'z']},
		]);
		expect(() => parseCsvRows('a,b"c\n', 'f')).toThrow(/^f: line 1: a quote inside an unquoted CSV field/);
	});
});
