/**
 * issue 13: the store on a real TimescaleDB (2.28.3 built from source: CI cannot build it, so
 * this tier runs only when RQC_TEST_TIMESCALE_URL is set and is a named skip otherwise).
 * Hypertables and compression are set up; raw samples have no retention unless the user opts
 * in; writes into old, compressed chunks (an import of old results, a replayed spool) land with
 * their summaries; a release whose samples are compressed deletes cleanly.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import pg from 'pg';
import {openStore} from '../../../source/store/open-store.js';
import type {NewSample} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requireTimescale, timescaleUrl} from '../../helpers/services.js';

describeWith([requireTimescale()], 'store on TimescaleDB', () => {
	let db: TestDatabase;
	let store: Store;
	let sql: pg.Client;
	const open = async (sampleRetention?: string) => openStore({databaseUrl: db.url, pgliteDir: ''}, {sampleRetention: sampleRetention ?? ''});
	const samplesRetention = async () => (await sql.query<{drop_after: string}>(
		"SELECT config->>'drop_after' AS drop_after FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'samples'")).rows.map((r) => r.drop_after);
	const compressAll = async () => (await sql.query<{n: string}>("SELECT count(compress_chunk(c, if_not_compressed => true)) AS n FROM show_chunks('samples') c")).rows[0]!.n;
	const uncompressed = async () => Number((await sql.query<{n: string}>("SELECT count(*) AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'samples' AND NOT is_compressed")).rows[0]!.n);
	const old = new Date(Date.now() - 400 * 24 * 3600 * 1000);
	const batch = (runId: number, caseName: string, walls: readonly number[], time = old): NewSample[] =>
		walls.map((wallNs, iteration) => ({runId, caseName, iteration, time: new Date(time.getTime() + iteration * 1000), wallNs, userUs: 10, systemUs: 1, maxRssBytes: 2048}));

	beforeAll(async () => {
		db = await createTestDatabase('rqc_ts', timescaleUrl);
		store = await open();
		sql = new pg.Client({connectionString: db.url});
		await sql.connect();
	});
	afterAll(async () => {
		await sql?.end();
		await store?.close();
		await db?.drop();
	});

	it('makes hypertables with compression, keeps raw samples unless asked, container metrics 90 days', async () => {
		expect((await store.getInfo()).hasTimescale).toBe(true);
		const tables = (await sql.query<{hypertable_name: string; compression_enabled: boolean}>('SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1')).rows;
		expect(tables).toEqual([{hypertable_name: 'container_samples', compression_enabled: true}, {hypertable_name: 'samples', compression_enabled: true}]);
		expect(await samplesRetention()).toEqual([]);
		const container = (await sql.query("SELECT config->>'drop_after' AS d FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'container_samples'")).rows;
		expect(container).toEqual([{d: '90 days'}]);
	});

	it('adds raw-sample retention only when opted in, and takes it away again', async () => {
		await store.close();
		store = await open('2 years');
		expect(await samplesRetention()).toEqual(['2 years']);
		await store.close();
		store = await open();
		expect(await samplesRetention()).toEqual([]);
		await expect(open('forever-ish')).rejects.toMatchObject({name: 'UserError', exitCode: 2, message: expect.stringMatching(/RQC_SAMPLE_RETENTION/)});
	});

	it('writes old results into compressed chunks with their summaries; a replay adds nothing', async () => {
		const first = await store.createRun({release: 'ts-old-1', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt: old});
		await store.insertSamples(batch(first.id, 'c', [10, 11, 12, 13, 14, 15]));
		await store.finishRun(first.id, 'completed');
		expect(Number(await compressAll())).toBeGreaterThan(0);
		expect(await uncompressed()).toBe(0);

		// An import of old results: a new run whose samples fall into the compressed chunk.
		const imported = await store.createRun({release: 'ts-old-2', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt: old, status: 'completed'});
		expect(await store.insertSamples(batch(imported.id, 'c', [20, 21, 22, 23, 24, 25]))).toBe(6);
		// A replayed spool of the first run: rows already stored (compressed) are not written twice.
		expect(await store.insertSamples([...batch(first.id, 'c', [10, 11, 12, 13, 14, 15]), ...batch(first.id, 'c', [16], new Date(old.getTime() + 60_000))])).toBe(1);
		const [summary] = await store.getRunSummaries([first.id]);
		expect(summary).toMatchObject({sampleCount: 7, n: 7, median: 13, min: 10, max: 16});
		expect((await store.getSamples({release: 'ts-old-2'})).map((s) => s.wallNs)).toEqual([20, 21, 22, 23, 24, 25]);
		const series = await store.getMedianSeries({caseName: 'c'});
		expect(series[0]!.points.map((p) => [p.release, p.median])).toEqual([['ts-old-1', 13], ['ts-old-2', 22.5]]);
	});

	// issue 13: the runs' sample time ranges bound the raw-sample queries, so only chunks that hold them are planned
	it('records the time range of writes into compressed chunks and reads them through it', async () => {
		const [first] = (await store.listRuns({release: 'ts-old-1'}));
		const [imported] = (await store.listRuns({release: 'ts-old-2'}));
		const ranges = (await sql.query<{id: string; first: Date; last: Date}>(
			'SELECT id, first_sample_at AS first, last_sample_at AS last FROM runs WHERE id = ANY($1::bigint[]) ORDER BY id', [[first!.id, imported!.id]])).rows;
		expect(ranges.map((r) => [Number(r.id), r.first.getTime(), r.last.getTime()])).toEqual([
			[first!.id, old.getTime(), old.getTime() + 60_000],
			[imported!.id, old.getTime(), old.getTime() + 5000],
		]);
		await compressAll();
		expect(await uncompressed()).toBe(0);
		const values = await store.getSampleValues({runIds: [first!.id, imported!.id], metric: 'wall'});
		expect(values.map((v) => ({...v, values: [...v.values].sort((a, b) => a - b)}))).toEqual([
			{runId: first!.id, caseName: 'c', values: [10, 11, 12, 13, 14, 15, 16]},
			{runId: imported!.id, caseName: 'c', values: [20, 21, 22, 23, 24, 25]},
		]);
		expect([...(await store.getCaseProfiles([first!.id])).keys()]).toEqual(['c']);
	});

	it('deletes a release whose samples are compressed, with its summaries', async () => {
		const run = await store.createRun({release: 'ts-gone', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt: old});
		await store.insertSamples(batch(run.id, 'gone', [1, 2, 3]));
		await store.finishRun(run.id, 'completed');
		await compressAll();
		expect(await uncompressed()).toBe(0);
		expect(await store.deleteRelease('ts-gone')).toBe(true);
		expect(await store.countSamples(run.id)).toBe(0);
		expect(await store.getRunSummaries([run.id])).toEqual([]);
		expect((await store.listReleases()).map((r) => r.name)).not.toContain('ts-gone');
		// The other releases' compressed samples are untouched.
		expect(await store.getSamples({release: 'ts-old-1'})).toHaveLength(7);
	});
});
