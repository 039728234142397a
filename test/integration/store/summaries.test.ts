/**
 * issue 13: per-run, per-case summaries, on both drivers: written with the samples, right
 * against the samples they summarise, deleted with their run, filled by the migration for a
 * store that already has history, and what history views (listReleases, getMedianSeries) read.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NewSample, RunMode} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {summarizeValues} from '../../../source/stats/summary.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';
import {pgliteHarness, postgresHarness, type StoreHarness} from '../../helpers/store-harness.js';

const at = (day: number): Date => new Date(Date.UTC(2025, 0, 1 + day));

function samples(runId: number, caseName: string, walls: readonly number[], extra: Partial<NewSample> = {}, time = at(0)): NewSample[] {
	return walls.map((wallNs, iteration) => ({runId, caseName, iteration, time, wallNs, userUs: 100 + iteration, systemUs: 5, maxRssBytes: 1000 * (iteration + 1), exitCode: 0, ...extra}));
}

function summariesSuite(prepare: () => Promise<StoreHarness>) {
	let harness: StoreHarness;
	let store: Store;
	beforeAll(async () => {
		harness = await prepare();
		store = await harness.open();
	});
	afterAll(async () => {
		await store?.close();
		await harness?.cleanup();
	});

	const newRun = async (release: string, mode: RunMode = 'bare_metal', startedAt = at(0), suite = 's') =>
		store.createRun({release, suite, mode, environment: {runtime: mode, ...(mode === 'docker' ? {limits: {cpus: 2}} : {})}, startedAt});

	it('summarises each case and metric with its counts, in the write that stores the samples', async () => {
		const run = await newRun('sum-1');
		const walls = [105, 101, 103, 250, 102, 104, 100, 99];
		await store.insertSamples([
			...samples(run.id, 'alpha', walls),
			...samples(run.id, 'alpha', [900, 901], {isWarmup: true}, at(1)),
			...samples(run.id, 'alpha', [5000], {exitCode: 1}, at(2)),
			...samples(run.id, 'beta', [7, 8, 9], {userUs: undefined, systemUs: undefined, maxRssBytes: undefined}),
		]);
		const wall = await store.getRunSummaries([run.id]);
		expect(wall.map((s) => s.caseName)).toEqual(['alpha', 'beta']);
		const expected = summarizeValues(walls)!;
		expect(wall[0]).toMatchObject({
			metric: 'wall', sampleCount: 11, successCount: 8, failureCount: 1, warmupCount: 2, n: 8,
			median: expected.median, medianLow: expected.medianLow, medianHigh: expected.medianHigh, q1: expected.q1, q3: expected.q3,
			mad: expected.mad, min: 99, max: 250,
		});
		expect(wall[0]!.mean).toBeCloseTo(expected.mean, 9);
		expect(wall[0]!.stddev).toBeCloseTo(expected.stddev, 9);
		const cpu = await store.getRunSummaries([run.id], 'cpu');
		// beta has no cpu figures: no cpu row; alpha's are user + system of the successful samples.
		expect(cpu.map((s) => [s.caseName, s.n, s.min, s.max])).toEqual([['alpha', 8, 105, 112]]);
		const rss = await store.getRunSummaries([run.id], 'rss');
		expect(rss.map((s) => [s.caseName, s.median])).toEqual([['alpha', 4500]]);
		// An interval too small to bound is kept as infinite, not lost.
		expect(wall[1]).toMatchObject({n: 3, median: 8, medianLow: Number.NEGATIVE_INFINITY, medianHigh: Number.POSITIVE_INFINITY});
	});

	it('refreshes a case written in two batches, and a replayed batch changes nothing', async () => {
		const run = await newRun('sum-2');
		const first = samples(run.id, 'c', [10, 20, 30]);
		await store.insertSamples(first);
		await store.insertSamples(samples(run.id, 'c', [40, 50], {}, at(3)));
		await store.insertSamples(first);
		const [summary] = await store.getRunSummaries([run.id]);
		expect(summary).toMatchObject({sampleCount: 5, n: 5, median: 30, min: 10, max: 50});
		await store.insertSamples(samples(run.id, 'other', [1, 2], {}, at(4)));
		expect((await store.listReleases()).find((r) => r.name === 'sum-2')?.sampleCount).toBe(7);
	});

	// issue 13: a batch's own rows are written only for cases new to the run; a case seen before is recomputed
	it('recomputes a case whose second batch brings the first cpu and rss figures', async () => {
		const run = await newRun('sum-late-cpu');
		await store.insertSamples(samples(run.id, 'c', [10, 20], {userUs: undefined, systemUs: undefined, maxRssBytes: undefined}));
		expect(await store.getRunSummaries([run.id], 'cpu')).toEqual([]);
		await store.insertSamples(samples(run.id, 'c', [30, 40, 50], {}, at(1)));
		expect((await store.getRunSummaries([run.id], 'wall')).map((s) => [s.sampleCount, s.n, s.median])).toEqual([[5, 5, 30]]);
		expect((await store.getRunSummaries([run.id], 'cpu')).map((s) => [s.sampleCount, s.n, s.min, s.max])).toEqual([[5, 3, 105, 107]]);
		expect((await store.getRunSummaries([run.id], 'rss')).map((s) => [s.n, s.max])).toEqual([[3, 3000]]);
		expect((await store.listReleases()).find((r) => r.name === 'sum-late-cpu')?.sampleCount).toBe(5);
	});

	it('rolls summaries back with a failed transaction', async () => {
		const run = await newRun('sum-rollback');
		await expect(store.transaction(async (tx) => {
			await tx.insertSamples(samples(run.id, 'c', [1, 2, 3]));
			throw new Error('half way');
		})).rejects.toThrow('half way');
		expect(await store.getRunSummaries([run.id])).toEqual([]);
	});

	it('counts samples per release from the summaries and deletes them with the release', async () => {
		const run = await newRun('sum-delete');
		await store.insertSamples([...samples(run.id, 'a', [1, 2, 3]), ...samples(run.id, 'b', [4, 5], {isWarmup: true})]);
		expect((await store.listReleases()).find((r) => r.name === 'sum-delete')).toMatchObject({runCount: 1, sampleCount: 5});
		expect(await store.deleteRelease('sum-delete')).toBe(true);
		expect(await store.getRunSummaries([run.id])).toEqual([]);
	});

	// issue 13: summaries have no foreign key (migration 4): every path that deletes runs deletes them.
	it('leaves no orphan summaries when demo data is removed, from a demo release or a user\'s release', async () => {
		const demo = await store.createRun({release: 'sum-demo', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, isDemo: true});
		const filed = await store.createRun({release: 'sum-user', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, isDemo: true});
		const kept = await newRun('sum-user');
		await store.insertSamples([...samples(demo.id, 'd', [1, 2]), ...samples(filed.id, 'd', [3, 4]), ...samples(kept.id, 'd', [5, 6])]);
		await store.removeDemoData();
		expect(await store.getRunSummaries([demo.id, filed.id])).toEqual([]);
		expect((await store.getRunSummaries([kept.id])).map((s) => [s.runId, s.sampleCount])).toEqual([[kept.id, 2]]);
		expect(await store.deleteRelease('sum-user')).toBe(true);
		expect(await store.getRunSummaries([kept.id])).toEqual([]);
	});

	it('has no foreign key on summaries, and a store at migration 3 upgrades to that', async () => {
		const noKey = `DO $$ BEGIN
			IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'run_case_summaries'::regclass AND contype = 'f') THEN RAISE EXCEPTION 'summaries still have a foreign key'; END IF;
			IF NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 4) THEN RAISE EXCEPTION 'migration 4 not recorded'; END IF;
		END $$;`;
		const run = await newRun('sum-upgrade');
		await store.insertSamples(samples(run.id, 'u', [4, 5, 6]));
		await store.close();
		await harness.raw(noKey);
		// Back to migration 3: the foreign key of migration 2, migration 4 not applied.
		await harness.raw(`ALTER TABLE run_case_summaries ADD CONSTRAINT run_case_summaries_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE;
			DELETE FROM schema_migrations WHERE version = 4;`);
		await expect(harness.raw(noKey)).rejects.toThrow('foreign key');
		store = await harness.open();
		await store.close();
		await harness.raw(noKey);
		store = await harness.open();
		expect((await store.getRunSummaries([run.id])).map((s) => [s.caseName, s.median])).toEqual([['u', 5]]);
		expect(await store.deleteRelease('sum-upgrade')).toBe(true);
		expect(await store.getRunSummaries([run.id])).toEqual([]);
	});

	it('gives per-release medians per case and way of measuring, in first-run order', async () => {
		const older = await newRun('series-b', 'bare_metal', at(10));
		const newer = await newRun('series-a', 'bare_metal', at(20));
		const second = await newRun('series-a', 'bare_metal', at(21));
		const docker = await newRun('series-a', 'docker', at(22));
		await store.insertSamples([
			...samples(older.id, 'hist', [10, 11, 12, 13, 14, 15, 16]),
			...samples(newer.id, 'hist', [20, 20, 20, 20, 20, 20, 20]),
			...samples(second.id, 'hist', [30, 30, 30, 30, 30, 30, 30]),
			...samples(docker.id, 'hist', [99, 99, 99]),
		]);
		for (const run of [older, newer, second, docker]) await store.finishRun(run.id, 'completed');
		const series = await store.getMedianSeries({caseName: 'hist'});
		expect(series.map((s) => [s.mode, s.limits, s.points.map((p) => [p.release, p.median, p.runCount])])).toEqual([
			['bare_metal', {}, [['series-b', 13, 1], ['series-a', 25, 2]]],
			['docker', {cpus: 2}, [['series-a', 99, 1]]],
		]);
		expect(series[0]!.points[1]).toMatchObject({n: 14, low: 20, high: 30});
		expect((await store.getMedianSeries({caseName: 'hist', mode: 'docker'})).map((s) => s.mode)).toEqual(['docker']);
		expect(await store.getMedianSeries({caseName: 'no-such-case'})).toEqual([]);
	});

	it('fills the summaries of a store written before they existed', async () => {
		const run = await newRun('sum-migrate');
		await store.insertSamples([...samples(run.id, 'm1', [3, 1, 2]), ...samples(run.id, 'm2', [9], {exitCode: 2})]);
		await store.close();
		// Back to a store from before summaries: no summaries table, migration 2 not applied (the
		// later ones stay: migrations apply whatever is missing).
		await harness.raw('DROP TABLE run_case_summaries; ALTER TABLE runs DROP COLUMN sample_count; DELETE FROM schema_migrations WHERE version = 2;');
		store = await harness.open();
		const filled = await store.getRunSummaries([run.id]);
		expect(filled.map((s) => [s.caseName, s.sampleCount, s.successCount, s.failureCount, s.n, s.median ?? null])).toEqual([
			['m1', 3, 3, 0, 3, 2],
			['m2', 1, 0, 1, 0, null],
		]);
		expect((await store.listReleases()).find((r) => r.name === 'sum-migrate')?.sampleCount).toBe(4);
	});
}

describe('summaries on embedded PGlite', () => {
	summariesSuite(async () => pgliteHarness());
});

describeWith([requirePostgres()], 'summaries on PostgreSQL', () => {
	summariesSuite(async () => postgresHarness());
});
