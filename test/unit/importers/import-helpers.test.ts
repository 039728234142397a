/** The pure parts of rqc import, export and demo: flags, notes, the summary, the demo manifest and calibration. */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {formatImportSummary, parseModeFlag} from '../../../source/commands/import.js';
import {parseExportFormat} from '../../../source/commands/export.js';
import {computeDemoCalibration, getDemoEnvironment, parseDemoManifest} from '../../../source/demo/demo-data.js';
import {parseImport, type ParsedImport} from '../../../source/importers/index.js';

describe('rqc import flags', () => {
	test.each([['bare-metal', 'bare_metal'], ['bare_metal', 'bare_metal'], ['Docker', 'docker'], [undefined, undefined], ['', undefined]])('--mode %j → %j', (flag, mode) => {
		expect(parseModeFlag(flag)).toBe(mode);
	});

	test('an unknown mode is a usage error', () => {
		expect(() => parseModeFlag('vm')).toThrow(/--mode vm: must be bare-metal or docker/);
	});

	test.each([[undefined, 'json'], ['csv', 'csv'], ['JSON', 'json']])('export --format %j → %s', (flag, format) => {
		expect(parseExportFormat(flag)).toBe(format);
	});

	test('export --format xml is a usage error', () => {
		expect(() => parseExportFormat('xml')).toThrow(/must be json or csv/);
	});
});

describe('notes and summary', () => {
	test('the summary names each run with its tool, suite, mode and counts, then the notes', () => {
		const text = formatImportSummary({
			release: 'v2',
			runs: [{runId: 7, file: 'a/b.json', format: 'pytest-benchmark', tool: 'pytest-benchmark', version: '3.2.2', suite: 'p', mode: 'bare_metal', samples: 12, cases: 2}],
			notes: [{file: 'a/b.json', note: 'only summaries exist'}],
		});
		expect(text.split('\n')).toEqual([
			'imported 12 samples in 1 run into release v2',
			'  run 7  a/b.json  pytest-benchmark 3.2.2  suite p  bare-metal  2 cases, 12 samples',
			'note: b.json: only summaries exist',
		]);
	});
});

describe('the demo data set', () => {
	const dir = path.resolve(import.meta.dirname, '../../../fixtures/demo');
	const manifest = parseDemoManifest(readFileSync(path.join(dir, 'manifest.json'), 'utf8'), 'manifest.json');
	const parse = (file: string) => parseImport(readFileSync(path.join(dir, file), 'utf8'), {fileName: file});
	const median = (values: number[]) => {
		const s = [...values].sort((a, b) => a - b);
		const mid = Math.floor(s.length / 2);
		return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
	};

	test('the manifest names three releases, runs in both modes and the calibration files', () => {
		expect(manifest.releases).toEqual(['demo-v1.0.0', 'demo-v1.1.0', 'demo-v1.2.0']);
		expect(new Set(manifest.runs.map((r) => r.mode))).toEqual(new Set(['bare_metal', 'docker']));
		expect(manifest.calibration.bareMetal.length).toBe(manifest.calibration.docker.length);
		expect(manifest.docker.limits).toMatchObject({cpus: 1, memoryBytes: 256 * 1024 * 1024});
	});

	test('the calibration is the ratio of the medians docker / bare metal measured in the files', () => {
		const bare = manifest.calibration.bareMetal.map(parse);
		const docker = manifest.calibration.docker.map(parse);
		const calibration = computeDemoCalibration(manifest, bare, docker);
		const walls = (parsed: ParsedImport[], caseName: string) => parsed.flatMap((p) => p.runs[0]!.samples).filter((s) => s.caseName === caseName).map((s) => s.wallNs);
		for (const caseName of ['sort', 'checksum', 'parse']) {
			const expected = median(walls(docker, caseName)) / median(walls(bare, caseName));
			const estimate = calibration.cases[caseName]!.wall!;
			expect(estimate.ratio).toBeCloseTo(expected, 6);
			expect(estimate.low).toBeLessThanOrEqual(estimate.ratio);
			expect(estimate.high).toBeGreaterThanOrEqual(estimate.ratio);
		}

		expect(calibration).toMatchObject({isDemo: true, image: manifest.docker.image, engineVersion: manifest.docker.engineVersion});
	});

	test('docker runs carry the container, bare-metal runs do not; both carry the host', () => {
		const docker = getDemoEnvironment(manifest, {mode: 'docker'});
		const bare = getDemoEnvironment(manifest, {mode: 'bare_metal', loadAvgStart: [1, 2, 3]});
		expect(docker).toMatchObject({image: 'rqc-busybox:test', limits: manifest.docker.limits, hostFingerprint: bare.hostFingerprint});
		expect(bare.image).toBeUndefined();
		expect(bare.host).toMatchObject({cpuModel: manifest.host.cpuModel, loadAvgStart: [1, 2, 3]});
	});
});
