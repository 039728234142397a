/**
 * A throwaway PostgreSQL database per test file, on the server named by RQC_TEST_DATABASE_URL,
 * so suites never see each other's rows. Dropped again by drop().
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {postgresUrl, uniqueSuffix} from './services.js';

export interface TestDatabase {
	readonly url: string;
	readonly name: string;
	drop(): Promise<void>;
}

/** serverUrl: another server than RQC_TEST_DATABASE_URL's (the TimescaleDB tier's). */
export async function createTestDatabase(prefix = 'rqc_t', serverUrl = postgresUrl): Promise<TestDatabase> {
	if (!serverUrl) throw new Error('RQC_TEST_DATABASE_URL is not set');
	const name = `${prefix}_${uniqueSuffix()}`.toLowerCase();
	const admin = new pg.Client({connectionString: serverUrl});
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE ${name}`);
	} finally {
		await admin.end();
	}

	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		name,
		async drop() {
			const client = new pg.Client({connectionString: serverUrl});
			await client.connect();
			try {
				await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			} finally {
				await client.end();
			}
		},
	};
}

/** A fresh directory for an embedded store (or anything else), removed by cleanup(). */
export function createTempDir(prefix = 'rqc-test-'): {dir: string; cleanup: () => void} {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}
