/**
 * issue 13: opening a store whose schema is current is one query (no lock, no DDL), so a read-only
 * command starts quickly; a store that is older still migrates, and a newer one is still refused.
 * Migration 3 (calibration suite, release and details) is undone by hand to make an older store.
 */
import pg from 'pg';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {LATEST_SCHEMA_VERSION} from '../../../source/store/migrations.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';
import {pgliteHarness, postgresHarness, type StoreHarness} from '../../helpers/store-harness.js';

const UNDO_MIGRATION_3 = 'ALTER TABLE calibrations DROP COLUMN suite, DROP COLUMN release, DROP COLUMN details; DELETE FROM schema_migrations WHERE version = 3;';
const NEWER = `INSERT INTO schema_migrations (version, name) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from a newer rqc')`;

function openSchemaSuite(prepare: () => Promise<StoreHarness>) {
	let harness: StoreHarness;
	beforeAll(async () => {
		harness = await prepare();
		await (await harness.open()).close();
	});
	afterAll(async () => harness?.cleanup());

	it('migrates a store one migration behind, then opens it as current', async () => {
		await harness.raw(UNDO_MIGRATION_3);
		const store = await harness.open();
		try {
			expect((await store.getInfo()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
			const saved = await store.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits: {}, cases: {}, summary: {}, suite: 'api', release: 'v1'});
			expect(saved).toMatchObject({suite: 'api', release: 'v1'});
		} finally {
			await store.close();
		}

		const again = await harness.open();
		expect((await again.listCalibrations()).map((c) => c.suite)).toEqual(['api']);
		await again.close();
	});

	it('refuses a store written by a newer rqc, with the fix', async () => {
		await harness.raw(NEWER);
		await expect(harness.open()).rejects.toMatchObject({name: 'UserError', exitCode: 2, message: expect.stringMatching(/schema is version \d+, newer than this rqc understands/)});
		await harness.raw(`DELETE FROM schema_migrations WHERE version = ${LATEST_SCHEMA_VERSION + 1}`);
		await (await harness.open()).close();
	});
}

describe('opening the embedded PGlite store by its schema version', () => {
	openSchemaSuite(async () => pgliteHarness());
});

describeWith([requirePostgres()], 'opening a PostgreSQL store by its schema version', () => {
	let harness: StoreHarness & {readonly url: string};
	openSchemaSuite(async () => {
		harness = await postgresHarness('rqc_open');
		return harness;
	});

	it('opens a current store without the migration lock, and waits for it when there is work', async () => {
		// Another rqc migrating holds the lock.
		const migrating = new pg.Client({connectionString: harness.url});
		await migrating.connect();
		try {
			await migrating.query('SELECT pg_advisory_lock(7413901)');
			const current = await harness.open();
			expect(await current.listReleasesWithRuns()).toEqual([]);
			await current.close();

			await migrating.query(UNDO_MIGRATION_3);
			let isOpen = false;
			const opening = harness.open().then((store) => {
				isOpen = true;
				return store;
			});
			await new Promise((resolve) => {
				setTimeout(resolve, 300);
			});
			expect(isOpen).toBe(false);
			await migrating.query('SELECT pg_advisory_unlock(7413901)');
			const migrated = await opening;
			expect((await migrated.getInfo()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
			await migrated.close();
		} finally {
			await migrating.end();
		}
	});
});
