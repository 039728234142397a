/**
 * The PostgreSQL driver's copy script (issue 13, point 2): COPYs and a statement sent in one
 * round trip, in one transaction, on a real server; and the nightly batch that goes through it,
 * against the path it replaced (the careful one, inside a caller's transaction).
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {openPgDriver} from '../../../source/store/pg-driver.js';
import {COPY_SCRIPT_ROWS, type Driver} from '../../../source/store/driver.js';
import {migrate, SqlStore} from '../../../source/store/sql-store.js';
import type {NewSample} from '../../../source/store/records.js';
import {createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';

describeWith([requirePostgres()], 'copy script on PostgreSQL', () => {
	let db: TestDatabase;
	let driver: Driver;
	beforeAll(async () => {
		db = await createTestDatabase('rqc_cs');
		driver = await openPgDriver(db.url);
		await driver.exec(`CREATE TABLE cs_items (id int PRIMARY KEY, label text, at timestamptz);
			CREATE TABLE cs_notes (id int PRIMARY KEY, note text);
			CREATE TABLE cs_counter (n int NOT NULL); INSERT INTO cs_counter VALUES (0);`);
	});
	afterAll(async () => {
		await driver?.close();
		await db?.drop();
	});

	const script = (d: Driver) => d.copyScript!.bind(d);
	const read = async () => ({
		items: await driver.query<{id: number; label: string | null}>('SELECT id, label FROM cs_items ORDER BY id'),
		notes: await driver.query<{id: number; note: string}>('SELECT id, note FROM cs_notes ORDER BY id'),
		counter: (await driver.query<{n: number}>('SELECT n FROM cs_counter'))[0]!.n,
	});
	const backendPid = async () => (await driver.query<{pid: number}>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
	const reset = async () => driver.exec('TRUNCATE cs_items, cs_notes; UPDATE cs_counter SET n = 0');

	it('writes every COPY and the statement in one transaction, COPY\'s special characters and all', async () => {
		await reset();
		const labels = ['tab\there', 'line\nbreak', 'back\\slash', 'carriage\rreturn', '\\N', 'ünïcödé ✓', null];
		let made = 0;
		const isWritten = await script(driver)([
			{table: 'cs_items', columns: ['id', 'label', 'at'], rows: labels.map((label, i) => [i, label, new Date(Date.UTC(2026, 0, 1, 0, 0, i))])},
			{table: 'cs_notes', columns: ['id', 'note'], rows() {
				made++;
				return [[1, 'made after the items were sent']];
			}},
		], 'UPDATE cs_counter SET n = n + 1', (count) => count === 1);
		expect(isWritten).toBe(true);
		expect(made).toBe(1);
		const after = await read();
		expect(after.items.map((r) => r.label)).toEqual(labels);
		expect(after.notes).toEqual([{id: 1, note: 'made after the items were sent'}]);
		expect(after.counter).toBe(1);
		expect((await driver.query<{at: string}>("SELECT to_char(at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS at FROM cs_items WHERE id = 6"))[0]!.at).toBe('00:00:06');
	});

	it('rolls everything back when the statement\'s row count is not accepted', async () => {
		await reset();
		const counts: number[] = [];
		const isWritten = await script(driver)([
			{table: 'cs_items', columns: ['id', 'label'], rows: [[1, 'a'], [2, 'b']]},
		], 'UPDATE cs_counter SET n = n + 1 WHERE n = 42', (count) => {
			counts.push(count);
			return count === 1;
		});
		expect(isWritten).toBe(false);
		expect(counts).toEqual([0]);
		expect(await read()).toEqual({items: [], notes: [], counter: 0});
	});

	it('throws a duplicate key in the first COPY with nothing written, and the connection reads the next script right', async () => {
		await reset();
		await script(driver)([{table: 'cs_items', columns: ['id', 'label'], rows: [[5, 'kept']]}], 'UPDATE cs_counter SET n = n + 1', () => true);
		const pid = await backendPid();
		// The second COPY's rows and CopyDone are on the wire already: the server must drop them.
		await expect(script(driver)([
			{table: 'cs_items', columns: ['id', 'label'], rows: [[4, 'new'], [5, 'duplicate']]},
			{table: 'cs_notes', columns: ['id', 'note'], rows: () => [[9, 'never']]},
		], 'UPDATE cs_counter SET n = n + 100', () => true)).rejects.toMatchObject({code: '23505'});
		expect(await read()).toEqual({items: [{id: 5, label: 'kept'}], notes: [], counter: 1});
		// The same connection serves the next script (a stale CopyData read as its rows would show here).
		expect(await backendPid()).toBe(pid);
		expect(await script(driver)([
			{table: 'cs_notes', columns: ['id', 'note'], rows: [[1, 'next']]},
		], 'UPDATE cs_counter SET n = n + 1', (count) => count === 1)).toBe(true);
		expect(await read()).toEqual({items: [{id: 5, label: 'kept'}], notes: [{id: 1, note: 'next'}], counter: 2});
		expect(await backendPid()).toBe(pid);
	});

	it('throws what a rows function throws, with nothing written and the connection usable', async () => {
		await reset();
		const pid = await backendPid();
		await expect(script(driver)([
			{table: 'cs_items', columns: ['id', 'label'], rows: [[1, 'a']]},
			{table: 'cs_notes', columns: ['id', 'note'], rows() {
				throw new Error('summaries failed');
			}},
		], 'UPDATE cs_counter SET n = n + 1', () => true)).rejects.toThrow('summaries failed');
		expect(await read()).toEqual({items: [], notes: [], counter: 0});
		expect(await backendPid()).toBe(pid);
	});

	it('refuses a COPY of more rows than a script may send without waiting, writing nothing', async () => {
		await reset();
		const rows = Array.from({length: COPY_SCRIPT_ROWS + 1}, (_, i) => [i, 'x']);
		await expect(script(driver)([{table: 'cs_items', columns: ['id', 'label'], rows: () => rows}], 'UPDATE cs_counter SET n = n + 1', () => true))
			.rejects.toThrow(`at most ${COPY_SCRIPT_ROWS} rows`);
		expect(await read()).toEqual({items: [], notes: [], counter: 0});
	});

	it('writes a nightly batch in one copy script, with the summaries and run counts the careful path writes', async () => {
		await migrate(driver);
		const calls = {script: 0, transaction: 0};
		const counted: Driver = {
			...driver,
			async copyScript(...args) {
				calls.script++;
				return driver.copyScript!(...args);
			},
			async transaction(fn) {
				calls.transaction++;
				return driver.transaction(fn);
			},
		};
		const store = new SqlStore(counted);
		const start = Date.UTC(2026, 2, 1);
		const batch = (runId: number): NewSample[] => Array.from({length: 60}, (_, i) => ({
			runId, caseName: `case\t${i % 3}`, iteration: i, time: new Date(start + i * 1000),
			wallNs: 1000 + ((i * 37) % 101), userUs: 500 + i, systemUs: i % 7, maxRssBytes: 4096 * (1 + (i % 5)),
			exitCode: i % 20 === 19 ? 1 : 0, isWarmup: i < 3, metrics: i === 4 ? {bytesPerOp: 64} : undefined,
		}));
		const run = async (release: string) => store.createRun({release, suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const fast = await run('cs-fast');
		const careful = await run('cs-careful');

		expect(await store.insertSamples(batch(fast.id))).toBe(60);
		expect(calls).toEqual({script: 1, transaction: 0});
		// The careful path: inside a caller's transaction (as an import writes).
		await store.transaction(async (tx) => tx.insertSamples(batch(careful.id)));

		const summaries = async (runId: number) => (await Promise.all(['wall', 'cpu', 'rss'].map(async (metric) => store.getRunSummaries([runId], metric as 'wall'))))
			.flat().map(({runId: _runId, ...rest}) => rest);
		expect(await summaries(fast.id)).toEqual(await summaries(careful.id));
		expect((await summaries(fast.id)).length).toBe(9);
		const runFacts = async (id: number) => (await driver.query<Record<string, unknown>>(
			'SELECT sample_count, first_sample_at, last_sample_at FROM runs WHERE id = $1', [id]))[0];
		expect(await runFacts(fast.id)).toEqual(await runFacts(careful.id));
		expect((await runFacts(fast.id))!.sample_count).toBe(60);

		// A second batch of the same cases: the script is refused (the pairs have summaries), and
		// the careful path recomputes them from every stored sample.
		const second = batch(fast.id).map((s) => ({...s, iteration: s.iteration + 100, time: new Date(s.time.getTime() + 3_600_000), wallNs: s.wallNs + 50}));
		expect(await store.insertSamples(second)).toBe(60);
		expect(calls.script).toBe(2);
		await store.transaction(async (tx) => tx.insertSamples(second.map((s) => ({...s, runId: careful.id}))));
		expect(await summaries(fast.id)).toEqual(await summaries(careful.id));
		expect(await runFacts(fast.id)).toEqual(await runFacts(careful.id));
		expect((await runFacts(fast.id))!.sample_count).toBe(120);

		// A replayed batch adds nothing; a batch for a run that does not exist writes nothing and names it.
		expect(await store.insertSamples(second)).toBe(0);
		expect((await runFacts(fast.id))!.sample_count).toBe(120);
		const before = (await driver.query<{n: number}>('SELECT count(*)::int AS n FROM samples'))[0]!.n;
		await expect(store.insertSamples([...batch(fast.id).map((s) => ({...s, iteration: s.iteration + 500})), ...batch(987_654)]))
			.rejects.toThrow('samples for runs that do not exist: 987654');
		expect((await driver.query<{n: number}>('SELECT count(*)::int AS n FROM samples'))[0]!.n).toBe(before);
		expect((await runFacts(fast.id))!.sample_count).toBe(120);
	});
});
