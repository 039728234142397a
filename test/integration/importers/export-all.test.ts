/**
 * issue 13 point 4: moving history between stores. `rqc export --all` writes every release, run,
 * sample (and, in JSON, calibration); `rqc import` of those files without --release keeps their
 * release names, in one transaction, and importing the same export twice adds nothing. Today's
 * one-release exports stay importable. From the embedded store into PostgreSQL when it is there.
 */
import {createWriteStream, readdirSync, writeFileSync} from 'node:fs';
import {once} from 'node:events';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseFiles} from '../../../source/commands/import.js';
import {writeImports} from '../../../source/importers/write-imports.js';
import {getExportData, writeExportAll} from '../../../source/commands/export.js';
import {formatExportJson} from '../../../source/importers/index.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/importers');
const fixtureFiles = readdirSync(fixtures).filter((f) => /\.(json|txt)$/.test(f)).sort().map((f) => path.join(fixtures, f));
const now = new Date('2026-11-30T01:00:00.000Z');

const countsOf = async (store: Store) => Object.fromEntries((await store.listReleases()).map((r) => [r.name, [r.runCount, r.sampleCount]]));

function moveSuite(openTarget: () => Promise<{store: Store; cleanup: () => Promise<void>}>) {
	const temp = createTempDir('rqc-export-all-');
	let source: Store;
	let target: Store;
	let cleanupTarget: () => Promise<void>;
	beforeAll(async () => {
		source = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'source')});
		const files = await parseFiles(fixtureFiles);
		await writeImports(source, files, {release: 'v1.0', now});
		await writeImports(source, files.slice(0, 2), {release: 'v1.1', now: new Date(now.getTime() + 1000)});
		await source.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits: {cpus: 2}, cases: {}, summary: {wall: {ratio: 1.05, low: 1.01, high: 1.09}}, createdAt: now});
		({store: target, cleanup: cleanupTarget} = await openTarget());
	});
	afterAll(async () => {
		await source?.close();
		await target?.close();
		await cleanupTarget?.();
		temp.cleanup();
	});

	const exportAll = async (format: 'json' | 'csv') => {
		const file = path.join(temp.dir, `all.${format}`);
		const out = createWriteStream(file);
		const totals = await writeExportAll(source, out, {format, now});
		out.end();
		await once(out, 'close');
		return {file, totals};
	};

	for (const format of ['json', 'csv'] as const) {
		it(`export --all (${format}) → import without --release keeps every release; a second import adds nothing`, async () => {
			const {file, totals} = await exportAll(format);
			expect(totals).toMatchObject({releases: 2, calibrations: format === 'json' ? 1 : 0});
			const before = await countsOf(target);
			const summary = await writeImports(target, await parseFiles([file]), {release: undefined, now});
			const expected = await countsOf(source);
			const after = await countsOf(target);
			if (Object.keys(before).length === 0) {
				expect(after).toEqual(expected);
				expect(summary.runs.reduce((n, r) => n + r.samples, 0)).toBe(totals.samples);
			}

			for (const release of ['v1.0', 'v1.1']) {
				const strip = (data: Awaited<ReturnType<typeof getExportData>>) => data.runs.map(({run, samples}) => ({
					suite: run.suite, mode: run.mode, status: run.status, startedAt: run.startedAt, environment: run.environment,
					samples: samples.map(({runId: _runId, ...rest}) => rest),
				}));
				expect(strip(await getExportData(target, release, {now}))).toEqual(strip(await getExportData(source, release, {now})));
			}

			const again = await writeImports(target, await parseFiles([file]), {release: undefined, now});
			expect(again.runs).toEqual([]);
			expect(again.samplesAlreadyStored).toBe(totals.samples);
			expect(await countsOf(target)).toEqual(expected);
			expect((await target.listCalibrations()).length).toBe(1);
		});
	}

	it('today\'s one-release export imports without --release under its own name', async () => {
		const data = await getExportData(source, 'v1.1', {now});
		const file = path.join(temp.dir, 'old.json');
		writeFileSync(file, formatExportJson({...data, release: {...data.release, name: 'v1.1-old-format'}}));
		const summary = await writeImports(target, await parseFiles([file]), {release: undefined, now});
		expect(summary.release).toBe('v1.1-old-format');
		expect((await countsOf(target))['v1.1-old-format']).toEqual((await countsOf(source))['v1.1']);
	});

	it('another tool\'s file without --release is refused before anything is written', async () => {
		const before = await countsOf(target);
		const files = await parseFiles([path.join(temp.dir, 'all.csv'), fixtureFiles[0]!]);
		await expect(writeImports(target, files, {release: undefined, now})).rejects.toMatchObject({name: 'UserError', exitCode: 2, message: expect.stringMatching(/does not say which release/)});
		expect(await countsOf(target)).toEqual(before);
	});
}

describe('export --all from the embedded store into another embedded store', () => {
	moveSuite(async () => {
		const temp = createTempDir('rqc-export-all-target-');
		return {store: await openStore({databaseUrl: undefined, pgliteDir: temp.dir}), cleanup: async () => temp.cleanup()};
	});
});

describeWith([requirePostgres()], 'export --all from the embedded store into PostgreSQL', () => {
	moveSuite(async () => {
		const db: TestDatabase = await createTestDatabase();
		return {store: await openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup: async () => db.drop()};
	});
});
