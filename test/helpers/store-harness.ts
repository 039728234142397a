/**
 * A store to open and close again, with raw SQL on its database in between (while it is closed):
 * what the migration and schema tests need, on the embedded PGlite and on PostgreSQL alike.
 */
import pg from 'pg';
import {openStore} from '../../source/store/open-store.js';
import type {Store} from '../../source/store/store.js';
import {createTempDir, createTestDatabase} from './postgres.js';

export interface StoreHarness {
	open(): Promise<Store>;
	/** Runs SQL on the store's database while the store is closed; answers the last statement's rows. */
	raw(sql: string): Promise<Array<Record<string, unknown>>>;
	cleanup(): Promise<void>;
}

/** An embedded store in a temporary directory. */
export function pgliteHarness(): StoreHarness {
	const temp = createTempDir();
	return {
		open: async () => openStore({databaseUrl: undefined, pgliteDir: temp.dir}),
		async raw(sql) {
			const {PGlite} = await import('@electric-sql/pglite');
			const db = await PGlite.create(temp.dir);
			try {
				const results = await db.exec(sql);
				return (results.at(-1)?.rows ?? []) as Array<Record<string, unknown>>;
			} finally {
				await db.close();
			}
		},
		cleanup: async () => temp.cleanup(),
	};
}

/** A store in a new database on RQC_TEST_DATABASE_URL's server, dropped by cleanup. */
export async function postgresHarness(prefix?: string): Promise<StoreHarness & {readonly url: string}> {
	const db = await createTestDatabase(prefix);
	return {
		url: db.url,
		open: async () => openStore({databaseUrl: db.url, pgliteDir: ''}),
		async raw(sql) {
			const client = new pg.Client({connectionString: db.url});
			await client.connect();
			try {
				const result = await client.query(sql);
				const last = Array.isArray(result) ? (result as pg.QueryResult[]).at(-1) : result;
				return (last?.rows ?? []) as Array<Record<string, unknown>>;
			} finally {
				await client.end();
			}
		},
		cleanup: async () => db.drop(),
	};
}
