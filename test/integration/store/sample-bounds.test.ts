/**
 * issue 13: each run records the time range of its samples (runs.first_sample_at,
 * last_sample_at), on both drivers: kept by a first and a second batch, a batch written out of
 * time order, a replayed batch, an import in a caller's transaction, gone with a rolled-back
 * write and with a deleted release; filled by the migration for a store with history (to the
 * microsecond); and the raw-sample queries, which bound samples.time with it, answer exactly as
 * without it (a run whose range is unknown keeps the unbounded query).
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseFiles} from '../../../source/commands/import.js';
import {writeImports} from '../../../source/importers/write-imports.js';
import {loadComparison} from '../../../source/compare/load-comparison.js';
import type {NewSample} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';
import {pgliteHarness, postgresHarness, type StoreHarness} from '../../helpers/store-harness.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/importers');
const fixtureFiles = readdirSync(fixtures).filter((f) => /\.(json|txt)$/.test(f)).sort().map((f) => path.join(fixtures, f));

const day = (n: number, ms = 0): Date => new Date(Date.UTC(2025, 2, 1 + n) + ms);

function batch(runId: number, caseName: string, walls: readonly number[], start: Date, extra: Partial<NewSample> = {}): NewSample[] {
	return walls.map((wallNs, iteration) => ({runId, caseName, iteration, time: new Date(start.getTime() + iteration * 1000), wallNs, userUs: 50 + iteration, systemUs: 5, maxRssBytes: 4096, exitCode: 0, ...extra}));
}

function boundsSuite(prepare: () => Promise<StoreHarness>) {
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

	const newRun = async (release: string) => store.createRun({release, suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt: day(0)});
	/** Each run's recorded range and its samples' actual one, as epoch milliseconds (the store is closed meanwhile). */
	const ranges = async (runIds: readonly number[]) => {
		await store.close();
		const rows = await harness.raw(`SELECT r.id::int AS id,
				(extract(epoch FROM r.first_sample_at) * 1000)::float8 AS first, (extract(epoch FROM r.last_sample_at) * 1000)::float8 AS last,
				(SELECT extract(epoch FROM min(s.time)) * 1000 FROM samples s WHERE s.run_id = r.id)::float8 AS actual_first,
				(SELECT extract(epoch FROM max(s.time)) * 1000 FROM samples s WHERE s.run_id = r.id)::float8 AS actual_last
			FROM runs r WHERE r.id IN (${runIds.join(', ')}) ORDER BY r.id`);
		store = await harness.open();
		return rows.map((row) => ({id: Number(row.id), first: row.first === null ? null : Number(row.first), last: row.last === null ? null : Number(row.last),
			actualFirst: row.actual_first === null ? null : Number(row.actual_first), actualLast: row.actual_last === null ? null : Number(row.actual_last)}));
	};

	it('keeps each run\'s sample time range through batches, replays, imports, rollbacks and deletes', async () => {
		const nightly = await newRun('bounds-1');
		await store.insertSamples(batch(nightly.id, 'a', [10, 11, 12], day(5)));
		// A second batch, later; then one with earlier times (an import of old results into the run).
		await store.insertSamples(batch(nightly.id, 'b', [20, 21], day(7)));
		await store.insertSamples(batch(nightly.id, 'a', [13], day(2, 500)));
		// A replayed spool: every row is stored already.
		expect(await store.insertSamples(batch(nightly.id, 'a', [10, 11, 12], day(5)))).toBe(0);
		const imported = await newRun('bounds-2');
		await store.transaction(async (tx) => {
			await tx.insertSamples(batch(imported.id, 'a', [30, 31], day(40)));
			await tx.insertSamples(batch(imported.id, 'a', [32], day(39)).map((s) => ({...s, iteration: 5})));
		});
		const empty = await newRun('bounds-3');
		const rolledBack = await newRun('bounds-4');
		await expect(store.transaction(async (tx) => {
			await tx.insertSamples(batch(rolledBack.id, 'a', [1, 2], day(9)));
			throw new Error('half way');
		})).rejects.toThrow('half way');

		expect(await ranges([nightly.id, imported.id, empty.id, rolledBack.id])).toEqual([
			{id: nightly.id, first: day(2, 500).getTime(), last: day(7, 1000).getTime(), actualFirst: day(2, 500).getTime(), actualLast: day(7, 1000).getTime()},
			{id: imported.id, first: day(39).getTime(), last: day(40, 1000).getTime(), actualFirst: day(39).getTime(), actualLast: day(40, 1000).getTime()},
			{id: empty.id, first: null, last: null, actualFirst: null, actualLast: null},
			{id: rolledBack.id, first: null, last: null, actualFirst: null, actualLast: null},
		]);
		// A run without samples reads as empty, without touching samples.
		expect(await store.getSampleValues({runIds: [empty.id], metric: 'wall'})).toEqual([]);
		expect(await store.getSamples({release: 'bounds-3'})).toEqual([]);

		expect(await store.deleteRelease('bounds-1')).toBe(true);
		expect(await ranges([nightly.id])).toEqual([]);
		expect(await store.getSampleValues({runIds: [nightly.id, imported.id], metric: 'wall'})).toEqual([{runId: imported.id, caseName: 'a', values: [30, 31, 32]}]);
	});

	it('records the range of every run an import of the fixture files writes', async () => {
		const summary = await writeImports(store, await parseFiles(fixtureFiles), {release: 'bounds-import', now: day(200)});
		const runIds = summary.runs.map((r) => r.runId);
		expect(runIds).toHaveLength(fixtureFiles.length);
		const found = await ranges(runIds);
		expect(found.every((r) => r.actualFirst !== null)).toBe(true);
		expect(found.map((r) => [r.first, r.last])).toEqual(found.map((r) => [r.actualFirst, r.actualLast]));
	});

	it('answers the raw-sample queries and a comparison the same with and without recorded ranges', async () => {
		const base = await newRun('bounds-base');
		const candidate = await newRun('bounds-cand');
		for (const [run, offset, start] of [[base, 0, day(60)], [candidate, 5, day(90)]] as const) {
			await store.insertSamples([
				...batch(run.id, 'fast', [100, 102, 101, 99, 103, 100, 98, 101].map((v) => v + offset), start),
				...batch(run.id, 'slow', [900, 905, 910, 899, 902, 907, 903, 901].map((v) => v * (1 + offset / 100)), start),
				...batch(run.id, 'slow', [50], new Date(start.getTime() + 60_000), {isWarmup: true}).map((s) => ({...s, iteration: 20})),
				...batch(run.id, 'broken', [7, 8], new Date(start.getTime() + 120_000), {exitCode: 3}),
			]);
			await store.finishRun(run.id, 'completed');
		}

		// Values in a stable order: string_agg's follows the plan.
		const sorted = (rows: Array<{runId: number; caseName: string; values: number[]}>) => rows.map((row) => ({...row, values: [...row.values].sort((a, b) => a - b)}));
		const read = async () => ({
			values: sorted(await store.getSampleValues({runIds: [base.id, candidate.id], metric: 'wall'})),
			cpu: sorted(await store.getSampleValues({runIds: [base.id, candidate.id], metric: 'cpu'})),
			failed: await store.getFailedIterations({runIds: [base.id, candidate.id]}),
			profiles: [...(await store.getCaseProfiles([base.id, candidate.id])).entries()],
			samples: await store.getSamples({release: 'bounds-cand', includeWarmup: true}),
			oneCase: await store.getSamples({release: 'bounds-base', caseName: 'slow', runIds: [base.id]}),
			report: await loadComparison(store, {base: 'bounds-base', candidate: 'bounds-cand'}),
		});
		const bounded = await read();
		expect(bounded.values.map((v) => [v.caseName, v.values.length])).toEqual([['fast', 8], ['fast', 8], ['slow', 8], ['slow', 8]]);
		expect(bounded.failed.map((f) => [f.caseName, f.count, f.firstExitCode])).toEqual([['broken', 2, 3], ['broken', 2, 3]]);
		expect(bounded.samples).toHaveLength(19);
		expect(bounded.oneCase).toHaveLength(8);
		expect(bounded.report.result.cases.length).toBeGreaterThan(0);

		// Ranges unknown (a store whose runs were written without them): today's unbounded queries.
		await store.close();
		await harness.raw(`UPDATE runs SET first_sample_at = NULL, last_sample_at = NULL WHERE id IN (${base.id}, ${candidate.id})`);
		store = await harness.open();
		const unbounded = await read();
		expect(unbounded).toEqual(bounded);
	});

	it('fills the ranges of a store with history, to the microsecond', async () => {
		const run = await newRun('bounds-migrate');
		await store.insertSamples(batch(run.id, 'm', [5, 6, 7], day(120)));
		await store.finishRun(run.id, 'completed');
		await store.close();
		// A sample written by another client, with microseconds past the last millisecond.
		await harness.raw(`INSERT INTO samples (run_id, case_name, iteration, time, wall_ns, exit_code, is_warmup, is_outlier)
			VALUES (${run.id}, 'm', 9, '2025-06-30 12:00:00.123456+00', 8, 0, false, false)`);
		// Back to a store from before the ranges: migration 5 not applied.
		await harness.raw('ALTER TABLE runs DROP COLUMN first_sample_at, DROP COLUMN last_sample_at; DELETE FROM schema_migrations WHERE version = 5;');
		store = await harness.open();
		const [range] = await ranges([run.id]);
		expect(range).toMatchObject({first: day(120).getTime(), actualFirst: day(120).getTime()});
		expect(range!.last).toBeCloseTo(Date.UTC(2025, 5, 30, 12, 0, 0, 123) + 0.456, 1);
		// The last sample, past the millisecond a JavaScript Date would keep, is still read.
		expect(await store.getSampleValues({runIds: [run.id], metric: 'wall'})).toEqual([{runId: run.id, caseName: 'm', values: [5, 6, 7, 8]}]);
		expect((await store.getSamples({release: 'bounds-migrate'})).map((s) => s.wallNs)).toEqual([5, 6, 7, 8]);
	});
}

describe('sample time ranges on embedded PGlite', () => {
	boundsSuite(async () => pgliteHarness());
});

describeWith([requirePostgres()], 'sample time ranges on PostgreSQL', () => {
	boundsSuite(async () => postgresHarness());
});
