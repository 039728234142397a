/**
 * `rqc demo` loads the shipped demo data set, labelled demo, beside a user's own data, and
 * `rqc demo --remove` leaves the store exactly as it was; the data set holds the regression and
 * the improvement it claims. On PGlite and on a real PostgreSQL server (issue 7).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadComparison} from '../../../source/compare/load-comparison.js';
import {getExportData} from '../../../source/commands/export.js';
import {hasDemoData, loadDemo, readDemoData, type DemoData} from '../../../source/demo/demo-data.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';

const demoDir = path.resolve(import.meta.dirname, '../../../fixtures/demo');

/** Everything a user can see in the store, ids included. */
async function snapshot(store: Store) {
	const releases = await store.listReleases();
	const exports = await Promise.all(releases.map(async (r) => getExportData(store, r.name, {now: new Date(0)})));
	return {releases, runs: await store.listRuns({limit: 100_000}), calibrations: await store.listCalibrations(), exports};
}

function demoSuite(prepare: () => Promise<{store: Store; cleanup: () => Promise<void>}>) {
	let store: Store;
	let cleanup: () => Promise<void>;
	let data: DemoData;
	beforeAll(async () => {
		({store, cleanup} = await prepare());
		data = await readDemoData(demoDir);
		// The user's own data, which the demo must not touch.
		const run = await store.createRun({release: 'user-v1', suite: 'tinyapp', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, status: 'completed'});
		await store.insertSamples([{runId: run.id, caseName: 'sort', iteration: 0, time: new Date('2026-01-01T00:00:00Z'), wallNs: 42}]);
		await store.saveCalibration({hostFingerprint: 'user-host', image: 'img', engineVersion: '1', limits: {cpus: 2}, cases: {}, summary: {}});
	});
	afterAll(async () => {
		await store?.close();
		await cleanup?.();
	});

	it('loads several releases, a calibration and every sample of the data set, all flagged demo, and removes exactly them', async () => {
		const before = await snapshot(store);
		expect(await hasDemoData(store)).toBe(false);
		const summary = await loadDemo(store, data, new Date());

		const manifest = JSON.parse(readFileSync(path.join(demoDir, 'manifest.json'), 'utf8'));
		expect(summary.releases).toEqual(manifest.releases.map((r: {name: string}) => r.name));
		expect(summary.releases.length).toBeGreaterThanOrEqual(3);
		expect(summary.runs).toBe(manifest.runs.length);
		const expectedSamples = manifest.runs.reduce((n: number, r: {file: string}) => {
			const file = JSON.parse(readFileSync(path.join(demoDir, r.file), 'utf8'));
			return n + file.results.reduce((m: number, x: {times: number[]}) => m + x.times.length, 0);
		}, 0);
		expect(summary.samples).toBe(expectedSamples);
		expect(await hasDemoData(store)).toBe(true);

		const releases = await store.listReleases();
		for (const name of summary.releases) expect(releases.find((r) => r.name === name)?.isDemo).toBe(true);
		expect(releases.find((r) => r.name === 'user-v1')?.isDemo).toBe(false);
		const demoRuns = (await store.listRuns({limit: 100_000})).filter((r) => summary.releases.includes(r.releaseName));
		expect(demoRuns.every((r) => r.isDemo && r.suite === 'tinyapp')).toBe(true);
		expect(new Set(demoRuns.map((r) => r.mode))).toEqual(new Set(['bare_metal', 'docker']));
		expect(demoRuns.find((r) => r.mode === 'docker')?.environment).toMatchObject({image: manifest.docker.image, limits: manifest.docker.limits});
		const calibration = (await store.listCalibrations()).find((c) => c.isDemo);
		expect(calibration?.image).toBe(manifest.docker.image);
		expect(Object.keys(calibration?.cases ?? {}).sort()).toEqual(['checksum', 'parse', 'sort']);
		expect(calibration?.summary.wall?.ratio).toBeGreaterThan(0);

		// Loading twice is refused quietly by the command; removal takes exactly the demo away.
		const removed = await store.removeDemoData();
		expect(removed).toEqual({releases: summary.releases.length, calibrations: 1});
		expect(await snapshot(store)).toEqual(before);
		expect(await hasDemoData(store)).toBe(false);
	});

	it('holds what it claims: sort regresses in the last release, checksum improves in the second', async () => {
		await loadDemo(store, data, new Date());
		try {
			const [v1, v2, v3] = data.manifest.releases;
			const regression = await loadComparison(store, {base: `${v2}@bare-metal`, candidate: `${v3}@bare-metal`});
			expect(regression.result.cases.find((c) => c.caseName === 'sort')?.verdict).toBe('regression');
			expect(regression.result.cases.filter((c) => c.verdict === 'regression').map((c) => c.caseName)).toEqual(['sort']);
			const improvement = await loadComparison(store, {base: `${v1}@bare-metal`, candidate: `${v2}@bare-metal`});
			expect(improvement.result.cases.find((c) => c.caseName === 'checksum')?.verdict).toBe('improvement');
			// The docker run of the last release is adjusted with the demo calibration.
			const adjusted = await loadComparison(store, {base: `${v3}@bare-metal`, candidate: `${v3}@docker`});
			expect(adjusted.isAdjusted).toBe(true);
		} finally {
			await store.removeDemoData();
		}
	});

	it('refuses to file demo runs under a user release of the same name', async () => {
		const name = data.manifest.releases[0]!;
		await store.ensureRelease(name);
		try {
			await expect(loadDemo(store, data, new Date())).rejects.toThrow(/already exists and is not demo data/);
			expect(await hasDemoData(store)).toBe(false);
		} finally {
			await store.deleteRelease(name);
		}
	});
}

describe('demo data on PGlite', () => {
	demoSuite(async () => {
		const temp = createTempDir();
		return {store: await openStore({databaseUrl: undefined, pgliteDir: temp.dir}), cleanup: async () => temp.cleanup()};
	});
});

describeWith([requirePostgres()], 'demo data on PostgreSQL', () => {
	let db: TestDatabase;
	demoSuite(async () => {
		db = await createTestDatabase('rqc_demo');
		return {store: await openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup: async () => db.drop()};
	});
});
