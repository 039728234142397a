/**
 * Nothing lost, nothing doubled: PostgreSQL (a throwaway server of this test's own) is stopped in
 * the middle of a run and started again; and stopped until the run ends, its samples then
 * written from the spool at the next start, exactly once.
 */
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {runBenchmark} from '../../../source/bench/runner.js';
import {getSpoolDir, replaySpools} from '../../../source/bench/spool.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir} from '../../helpers/postgres.js';
import {describeWith, type Service, uniqueSuffix} from '../../helpers/services.js';
import {makeSuite} from './fixtures.js';
import {findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres} from './throwaway-postgres.js';

function requirePostgresBinaries(): Service {
	const isCi = process.env.CI === 'true' || process.env.CI === '1';
	const isAvailable = findPostgresBin() !== undefined;
	if (!isAvailable && isCi) throw new Error('CI=true but the PostgreSQL server binaries are missing (apt-get install postgresql)');
	return {name: 'PostgreSQL binaries', isAvailable, reason: 'no /usr/lib/postgresql/*/bin/initdb'};
}

async function countRows(url: string, runId: number): Promise<{total: number; distinct: number}> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		const {rows} = await client.query<{total: string; distinct: string}>(
			'SELECT count(*) AS total, count(DISTINCT (case_name, iteration)) AS distinct FROM samples WHERE run_id = $1', [runId]);
		return {total: Number(rows[0]!.total), distinct: Number(rows[0]!.distinct)};
	} finally {
		await client.end();
	}
}

// issue 13: a run's recorded sample time range is exactly its stored samples' (not narrower: it bounds the compare's queries).
async function isRangeExact(url: string, runId: number): Promise<boolean> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		const {rows} = await client.query<{exact: boolean}>(
			`SELECT r.first_sample_at = (SELECT min(s.time) FROM samples s WHERE s.run_id = r.id)
				AND r.last_sample_at = (SELECT max(s.time) FROM samples s WHERE s.run_id = r.id) AS exact
			 FROM runs r WHERE r.id = $1`, [runId]);
		return rows[0]?.exact === true;
	} finally {
		await client.end();
	}
}

describeWith([requirePostgresBinaries()], 'the spool with PostgreSQL stopped mid-run', () => {
	let server: ThrowawayPostgres;
	let store: Store;
	let temp: {dir: string; cleanup: () => void};
	beforeAll(async () => {
		server = await startThrowawayPostgres();
		temp = createTempDir('rqc-spool-test-');
		store = await openStore({databaseUrl: server.url, pgliteDir: ''});
	});
	afterAll(async () => {
		await store?.close();
		server?.destroy();
		temp?.cleanup();
	});

	const suite = makeSuite({
		name: 'spool',
		defaults: {iterations: 8, warmup: 1},
		cases: [{name: 'a', command: ['sleep', '0.02']}, {name: 'b', command: ['sleep', '0.02']}, {name: 'c', command: ['sleep', '0.02']}],
	}, path.join(process.cwd(), 'spool.yaml'));

	it('writes what was taken while the server was down once it is back: none lost, none doubled', async () => {
		const notices: string[] = [];
		const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-sp-${uniqueSuffix()}`}, {
			store,
			config: {dataDir: temp.dir, dockerHost: undefined},
			signal: new AbortController().signal,
			onNotice: (text) => notices.push(text),
			onEvent(event) {
				// Case a is stored; b is measured with the server down; it is back for c.
				if (event.type === 'case' && event.caseName === 'b') server.stop();
				if (event.type === 'case' && event.caseName === 'c') server.start();
			},
		});
		expect(notices.some((n) => /database is unreachable/.test(n)), notices.join('\n')).toBe(true);
		expect(result).toMatchObject({status: 'completed', samplesTaken: 27, samplesStored: 27, spoolFile: undefined});
		expect(await countRows(server.url, result.runId)).toEqual({total: 27, distinct: 27});
		expect(await isRangeExact(server.url, result.runId)).toBe(true);
		expect((await store.getRun(result.runId))?.status).toBe('completed');
		expect(await readdir(getSpoolDir(temp.dir))).toEqual([]);
	});

	it('leaves the spool when the server stays down, and the next start writes it exactly once', async () => {
		let runId = 0;
		const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-sp2-${uniqueSuffix()}`, flushRetryMs: 1500}, {
			store,
			config: {dataDir: temp.dir, dockerHost: undefined},
			signal: new AbortController().signal,
			onNotice: () => {},
			onEvent(event) {
				runId = event.runId;
				if (event.type === 'case' && event.caseName === 'b') server.stop();
			},
		});
		expect(result.runId).toBe(runId);
		expect(result.status).toBe('completed');
		expect(result.samplesStored).toBe(9); // case a only
		expect(result.spoolFile).toBeDefined();
		expect(await readdir(getSpoolDir(temp.dir))).toEqual([`run-${runId}.jsonl`]);

		server.start();
		// Case a's samples are in the spool too: replaying them must not double them.
		const replay = await replaySpools(store, temp.dir, {onlyRunId: runId});
		expect(replay).toMatchObject({files: 1, samplesWritten: 18, samplesAlreadyStored: 9, runsFinished: 1, errors: []});
		expect(await countRows(server.url, runId)).toEqual({total: 27, distinct: 27});
		expect(await isRangeExact(server.url, runId)).toBe(true);
		expect(await store.getRun(runId)).toMatchObject({status: 'completed'});
		expect(await readdir(getSpoolDir(temp.dir))).toEqual([]);
		const again = await replaySpools(store, temp.dir, {onlyRunId: runId});
		expect(again.samplesWritten).toBe(0);
		expect(await countRows(server.url, runId)).toEqual({total: 27, distinct: 27});
	});
});
