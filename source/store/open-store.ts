import type {Config} from '../config.js';
import {ensurePrivateDir} from '../private-files.js';
import {codeCacheDir} from '../vendor-bundle.js';
import {openPgDriver} from './pg-driver.js';
import {migrate, SqlStore} from './sql-store.js';
import type {Store} from './store.js';

/**
 * Opens the configured store (PostgreSQL when a URL is set, else the embedded PGlite store),
 * applying migrations. Throws a ServiceError (exit 3) when it cannot be reached.
 */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'pgliteDir'> & {readonly dataDir?: string}, options: {connectTimeoutMs?: number; sampleRetention?: string} = {}): Promise<Store> {
	// rqc's data directory (embedded store, spool, locks) is private to its owner (issue 11, point 3).
	if (config.dataDir !== undefined) ensurePrivateDir(config.dataDir);
	const driver = config.databaseUrl
		// pg's code cache lives in the data directory (cache/), never in rqc's installation.
		? await openPgDriver(config.databaseUrl, {...options, ...(config.dataDir === undefined ? {} : {cacheDir: codeCacheDir(config.dataDir)})})
		// The embedded store's driver is loaded only for it: a PostgreSQL command never reads it.
		: await import('./pglite-driver.js').then(async ({openPgliteDriver}) => openPgliteDriver(config.pgliteDir));
	try {
		// Raw samples are kept unless the user opts into retention (TimescaleDB only).
		await migrate(driver, {sampleRetention: options.sampleRetention ?? process.env.RQC_SAMPLE_RETENTION});
	} catch (error) {
		await driver.close().catch(() => {});
		throw error;
	}

	return new SqlStore(driver);
}
