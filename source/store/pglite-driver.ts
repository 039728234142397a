/** The embedded store: PGlite (PostgreSQL in WebAssembly) in a directory, one process at a time. */
import {closeSync, openSync, readFileSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';
import type {PGlite, Transaction} from '@electric-sql/pglite';
import {ServiceError} from '../errors.js';
import {ensurePrivateDir, makeTreePrivate} from '../private-files.js';
import {createDiskFullError, isDiskFullError} from './disk-full.js';
import {buildInsert, rowsPerStatement, type Driver, type Executor} from './driver.js';

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * PGlite's files must not be opened by two processes at once: take a lock file holding our pid,
 * replacing it only when its owner is gone.
 */
function acquireLock(dir: string): () => void {
	const lockPath = path.join(dir, '.rqc.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(lockPath, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			return () => rmSync(lockPath, {force: true});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
			if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
				throw new ServiceError(
					'database',
					`the embedded store at ${dir} is in use by another rqc process (pid ${owner})`,
					'close that rqc (or wait for it), or share a PostgreSQL database between them with RQC_DATABASE_URL (rqc up starts one)',
				);
			}

			rmSync(lockPath, {force: true});
		}
	}

	throw new ServiceError('database', `could not lock the embedded store at ${dir}`, `remove ${lockPath} if no rqc is running`);
}

function wrap(db: PGlite | Transaction): Executor {
	return {
		async query<R>(sql: string, params?: readonly unknown[]) {
			const result = await db.query<R>(sql, params as unknown[] | undefined);
			return result.rows;
		},
		async exec(sql: string) {
			await db.exec(sql);
		},
		async bulkInsert(table, columns, rows, options = {}) {
			// In-process: nothing to overlap with.
			options.whileWriting?.();
			const perStatement = rowsPerStatement(columns.length);
			let written = 0;
			for (let start = 0; start < rows.length; start += perStatement) {
				const chunk = rows.slice(start, start + perStatement);
				const result = await db.query(buildInsert(table, columns, chunk.length), chunk.flat() as unknown[]);
				written += result.affectedRows ?? 0;
			}

			return written;
		},
	};
}

/** Opens (creating when new) the embedded store in dir. */
export async function openPgliteDriver(dir: string): Promise<Driver> {
	// The store is its owner's alone (issue 11, point 3); openStore makes the data directory private.
	ensurePrivateDir(dir);
	const release = acquireLock(dir);
	try {
		const {PGlite} = await import('@electric-sql/pglite');
		const db = await PGlite.create(dir);
		const base = wrap(db);
		return {
			...base,
			kind: 'pglite',
			location: dir,
			async transaction(fn) {
				return db.transaction(async (tx) => fn(wrap(tx)));
			},
			async close() {
				try {
					await db.close();
				} finally {
					// PGlite makes its files 0666 whatever the umask: make them the owner's again.
					makeTreePrivate(dir);
					release();
				}
			},
		};
	} catch (error) {
		release();
		if (error instanceof ServiceError) throw error;
		// issue 11: a full disk here read "cannot open the embedded store at ...: undefined"
		if (isDiskFullError(error)) throw createDiskFullError(dir, 'the embedded store', error);
		const {errno} = error as {errno?: unknown};
		const message = error instanceof Error && error.message ? error.message : (errno === undefined ? String(error) : `file system error ${String(errno)}`);
		throw new ServiceError('database', `cannot open the embedded store at ${dir}: ${message}`,
			'check that the directory is writable, or point RQC_DATA_DIR elsewhere', {cause: error});
	}
}
