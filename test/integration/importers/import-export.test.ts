/**
 * Importing the real fixture files, exporting the release and importing the export again gives
 * back the same runs, samples and environments (JSON and CSV); a write that fails half-way
 * leaves nothing behind. On the embedded PGlite store and on a real PostgreSQL server (issue 7).
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseFiles} from '../../../source/commands/import.js';
import {writeImports, type ParsedFile} from '../../../source/importers/write-imports.js';
import {getExportData} from '../../../source/commands/export.js';
import {formatExportCsv, formatExportJson, parseImport, type ExportData} from '../../../source/importers/index.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres, uniqueSuffix} from '../../helpers/services.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/importers');
const fixtureFiles = readdirSync(fixtures).filter((f) => /\.(json|txt)$/.test(f)).sort().map((f) => path.join(fixtures, f));

/** An export without what legitimately differs between two copies: ids, release name, export time. */
function comparable(data: ExportData) {
	return data.runs.map(({run, samples}) => ({
		suite: run.suite, mode: run.mode, status: run.status, statusReason: run.statusReason, startedAt: run.startedAt,
		endedAt: run.endedAt, environment: run.environment, isDemo: run.isDemo,
		samples: samples.map(({runId: _runId, ...rest}) => rest),
	}));
}

function importExportSuite(prepare: () => Promise<{store: Store; cleanup: () => Promise<void>}>) {
	let store: Store;
	let cleanup: () => Promise<void>;
	const now = new Date('2026-11-26T12:00:00.000Z');
	beforeAll(async () => {
		({store, cleanup} = await prepare());
	});
	afterAll(async () => {
		await store?.close();
		await cleanup?.();
	});

	it('imports every fixture: one run per file, every parsed sample stored with its metrics and source', async () => {
		const release = `fx-${uniqueSuffix()}`;
		const files = await parseFiles(fixtureFiles);
		const summary = await writeImports(store, files, {release, now});
		const parsedCount = files.reduce((n, f) => n + ('parsed' in f ? f.parsed.runs.reduce((m, r) => m + r.samples.length, 0) : Number.NaN), 0);
		expect(summary.runs).toHaveLength(fixtureFiles.length);
		expect(summary.runs.reduce((n, r) => n + r.samples, 0)).toBe(parsedCount);
		const exported = await getExportData(store, release, {now});
		expect(exported.runs.reduce((n, r) => n + r.samples.length, 0)).toBe(parsedCount);
		const go = exported.runs.find((r) => r.run.environment.source?.tool === 'go-test')!;
		expect(go.run.environment.source).toEqual({tool: 'go-test', file: 'go-test-bench.txt'});
		expect(go.samples[0]!.metrics).toHaveProperty(['allocs/op']);
		const pytest = exported.runs.find((r) => r.run.environment.source?.file === 'pytest-benchmark-data.json')!;
		expect(pytest.run.environment.source?.version).toMatch(/^\d+\.\d+/);
	});

	for (const format of ['json', 'csv'] as const) {
		it(`import → export (${format}) → import → export gives the same runs, samples and environments`, async () => {
			const first = `rt1-${uniqueSuffix()}`;
			const second = `rt2-${uniqueSuffix()}`;
			await writeImports(store, await parseFiles(fixtureFiles), {release: first, now});
			const exported = await getExportData(store, first, {now});
			const text = format === 'json' ? formatExportJson(exported) : formatExportCsv(exported);
			const reparsed: ParsedFile = {fileName: `export.${format}`, parsed: parseImport(text, {fileName: `export.${format}`})};
			expect(reparsed.parsed.format).toBe('rqc');
			await writeImports(store, [reparsed], {release: second, now: new Date()});
			const again = await getExportData(store, second, {now});
			expect(comparable(again)).toEqual(comparable(exported));
			// And the export of the copy is the same text, but for the release name and run ids.
			const strip = (t: string) => t.replaceAll(first, 'R').replaceAll(second, 'R').replace(/"id": \d+/g, '"id": 0').replace(/^R,\d+,/gm, 'R,0,');
			const againText = format === 'json' ? formatExportJson(again) : formatExportCsv(again);
			expect(strip(againText).split('\n').length).toBe(strip(text).split('\n').length);
		});
	}

	it('a write that fails half-way leaves nothing: no release, no run, no sample', async () => {
		const release = `half-${uniqueSuffix()}`;
		const before = await store.listRuns({limit: 100_000});
		const [good] = await parseFiles([path.join(fixtures, 'hyperfine.json')]);
		const time = new Date('2026-01-01T00:00:00Z');
		// The second file repeats a sample (same case, iteration and time): the store refuses it after
		// the first file's run and samples were written inside the transaction.
		const duplicate: ParsedFile = {
			fileName: 'dup.json',
			parsed: {format: 'hyperfine', source: {tool: 'hyperfine'}, notes: [], runs: [{suite: 's', environment: {}, samples: [
				{caseName: 'c', iteration: 0, time, wallNs: 5}, {caseName: 'c', iteration: 0, time, wallNs: 6},
			]}]},
		};
		await expect(writeImports(store, [good!, duplicate], {release, now})).rejects.toThrow(/dup\.json: 1 samples repeat another's case, iteration and time/);
		expect(await store.getRelease(release)).toBeUndefined();
		expect(await store.listRuns({limit: 100_000})).toHaveLength(before.length);
	});

	it('export of an unknown release is a user error', async () => {
		await expect(getExportData(store, `nope-${uniqueSuffix()}`, {now})).rejects.toMatchObject({name: 'UserError', exitCode: 2});
	});
}

describe('import and export on PGlite', () => {
	importExportSuite(async () => {
		const temp = createTempDir();
		return {store: await openStore({databaseUrl: undefined, pgliteDir: temp.dir}), cleanup: async () => temp.cleanup()};
	});
});

describeWith([requirePostgres()], 'import and export on PostgreSQL', () => {
	let db: TestDatabase;
	importExportSuite(async () => {
		db = await createTestDatabase('rqc_imp');
		return {store: await openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup: async () => db.drop()};
	});
});
