/**
 * Database faults never crash rqc (issue 11, point 8), against a throwaway PostgreSQL of this
 * test's own: connections killed while idle and while in use, the server stopped and started
 * under an open store and under the console's health source, and a TimescaleDB that is
 * installed but not preloaded (plain tables and a doctor line, never a failure).
 */
import {existsSync} from 'node:fs';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {resolveConfig} from '../../../source/config.js';
import {ServiceError} from '../../../source/errors.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {MemoryCache} from '../../../source/cache/memory-cache.js';
import {createLiveServices} from '../../../source/ui/app-services.js';
import {runCli} from '../../helpers/cli.js';
import {describeWith, type Service} from '../../helpers/services.js';
import {findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres} from '../bench/throwaway-postgres.js';

function requirePostgresBinaries(): Service {
	const isCi = process.env.CI === 'true' || process.env.CI === '1';
	const isAvailable = findPostgresBin() !== undefined;
	if (!isAvailable && isCi) throw new Error('CI=true but the PostgreSQL server binaries are missing (apt-get install postgresql)');
	return {name: 'PostgreSQL binaries', isAvailable, reason: 'no /usr/lib/postgresql/*/bin/initdb'};
}

/** Whether this machine's PostgreSQL offers a TimescaleDB extension (installed by a package or a build). */
function isTimescaleInstalled(): boolean {
	const bin = findPostgresBin();
	if (!bin) return false;
	const version = path.basename(path.dirname(bin));
	return existsSync(`/usr/share/postgresql/${version}/extension/timescaledb.control`);
}

async function terminateRqcConnections(url: string): Promise<number> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		const {rows} = await client.query<{n: string}>(
			"SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'rqc' AND pid <> pg_backend_pid()");
		return Number(rows[0]!.n);
	} finally {
		await client.end();
	}
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => {
			setTimeout(resolve, 50);
		});
	}
}

describeWith([requirePostgresBinaries()], 'database outages and an unusable TimescaleDB', () => {
	let server: ThrowawayPostgres;
	let store: Store;
	beforeAll(async () => {
		server = await startThrowawayPostgres();
		store = await openStore({databaseUrl: server.url, pgliteDir: '/nonexistent'});
	}, 120_000);
	afterAll(async () => {
		await store?.close().catch(() => {});
		server?.destroy();
	});

	// issue 11: CREATE EXTENSION of a TimescaleDB that is not preloaded dropped the connection and every command died.
	it('opens with plain tables and says how to enable TimescaleDB when it is installed but not preloaded', async () => {
		const info = await store.getInfo();
		expect(info.hasTimescale).toBe(false);
		if (isTimescaleInstalled()) {
			expect(info.timescaleProblem).toMatch(/installed but not preloaded.*shared_preload_libraries = 'timescaledb'.*restart/);
		} else {
			expect(info.timescaleProblem).toBeUndefined();
		}

		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-outage-'));
		try {
			const result = await runCli(['doctor', '--json'], {RQC_DATABASE_URL: server.url, RQC_DATA_DIR: dataDir});
			const report = JSON.parse(result.stdout) as {database: {status: string; hasTimescale: boolean; timescaleProblem: string | null}};
			expect(report.database.status).toBe('ok');
			expect(report.database.timescaleProblem === null).toBe(!isTimescaleInstalled());
			expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
		} finally {
			rmSync(dataDir, {recursive: true, force: true});
		}
	}, 60_000);

	// issue 11: a connection that drops must never crash rqc with an unhandled 'error' event.
	it('survives its connections being killed while idle and while in a transaction', async () => {
		await store.listReleases();
		expect(await terminateRqcConnections(server.url)).toBeGreaterThan(0);
		// Idle connections were killed: the next query reconnects.
		await new Promise((resolve) => {
			setTimeout(resolve, 200);
		});
		await expect(store.listReleases()).resolves.toBeInstanceOf(Array);

		// A checked-out connection killed mid-transaction: the transaction fails as a ServiceError, no crash.
		const failed = await store.transaction(async (tx) => {
			await tx.ensureRelease('v-killed-mid-transaction');
			await terminateRqcConnections(server.url);
			await new Promise((resolve) => {
				setTimeout(resolve, 200);
			});
			await tx.listReleases();
		}).then(() => undefined, (error: unknown) => error);
		expect(failed).toBeInstanceOf(ServiceError);
		expect((failed as ServiceError).exitCode).toBe(3);
		const names = (await store.listReleases()).map((r) => r.name);
		expect(names).not.toContain('v-killed-mid-transaction');
	}, 60_000);

	// issue 11: the console must recover by itself when the database comes back.
	it('reports the database unreachable while the server is stopped, and recovers when it starts again', async () => {
		server.stop();
		try {
			const error = await store.listReleases().then(() => undefined, (error_: unknown) => error_);
			expect(error).toBeInstanceOf(ServiceError);

			const config = resolveConfig({flags: {databaseUrl: server.url}, homeDir: os.tmpdir(), defaultComposeDir: os.tmpdir()});
			let opened: Store | undefined;
			const services = createLiveServices(config, {
				openStore: async () => {
					opened = await openStore(config, {connectTimeoutMs: 1000});
					return opened;
				},
				cache: new MemoryCache(),
				pollMs: 200,
			});
			try {
				await waitFor(() => services.health.getSnapshot().database.state === 'unreachable', 20_000);
				server.start();
				await waitFor(() => services.health.getSnapshot().database.state === 'ok', 30_000);
				// The store opened earlier works again too.
				await expect(store.listReleases()).resolves.toBeInstanceOf(Array);
			} finally {
				await services.close();
				await opened?.close();
			}
		} finally {
			try {
				server.start();
			} catch {
				// Already running.
			}
		}
	}, 120_000);
});
