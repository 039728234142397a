/** PostgreSQL (and TimescaleDB) through node-postgres, with COPY for bulk sample writes. */
import {finished, pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import type * as Pg from 'pg';
import {ServiceError} from '../errors.js';
import {redactUrl, registerUrlSecret} from '../redact.js';
import {isConnectionError} from './connection-error.js';
import {COPY_SCRIPT_ROWS, toCopyText, type Driver, type Executor, type QueryOptions, type ScriptCopy} from './driver.js';
import {loadPg} from './pg-load.js';

type Queryable = Pg.Pool | Pg.PoolClient;

function wrap(db: Queryable): Executor {
	return {
		async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
			const values = params as unknown[] | undefined;
			const result = options?.name === undefined ? await db.query(sql, values) : await db.query({name: options.name, text: sql, values});
			return result.rows as R[];
		},
		async exec(sql: string) {
			await db.query(sql);
		},
		async bulkInsert(table, columns, rows, options = {}) {
			if (!('release' in db)) throw new Error('bulkInsert needs a transaction');
			if (rows.length === 0) return 0;
			// Loaded on the first bulk write: a command that only reads never pays for it.
			const {from: copyFrom} = await import('pg-copy-streams');
			let whileWriting = options.whileWriting;
			let failure: {error: unknown} | undefined;
			const work = () => {
				const fn = whileWriting;
				whileWriting = undefined;
				try {
					fn?.();
				} catch (error) {
					failure ??= {error};
				}
			};

			const copy = async (target: string) => {
				const stream = db.query(copyFrom(`COPY ${target} (${columns.join(',')}) FROM STDIN`));
				if (rows.length <= COPY_CHUNK_ROWS) {
					// One chunk, written straight (no Readable and pipeline around it); the caller's
					// work runs once the rows have gone to the server, while it stores them.
					stream.write(encodeRows(rows).next().value ?? '', work);
					stream.end();
					await finished(stream);
				} else {
					// The caller's work runs once the last chunk is encoded: the stream still holds
					// chunks the server has yet to store (Readable.from reads up to 16 ahead), so the
					// two overlap instead of the work waiting for the COPY's end (issue 13, point 2).
					await pipeline(Readable.from(encodeRows(rows, work)), stream);
				}

				work();
				if (failure) throw failure.error;
			};

			// The caller expects no duplicates and retries on one: COPY with nothing around it.
			if (options.duplicates === 'throw') {
				await copy(table);
				return rows.length;
			}

			// Fast path: COPY straight into the table. If a row already exists (a replayed spool),
			// roll that back and go through a temporary table that skips the duplicates.
			await db.query('SAVEPOINT rqc_copy');
			try {
				await copy(table);
				await db.query('RELEASE SAVEPOINT rqc_copy');
				return rows.length;
			} catch (error) {
				if ((error as {code?: string}).code !== '23505') throw error;
				await db.query('ROLLBACK TO SAVEPOINT rqc_copy');
			}

			await db.query(`CREATE TEMP TABLE rqc_copy_in (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
			await copy('rqc_copy_in');
			const result = await db.query(`INSERT INTO ${table} (${columns.join(',')}) SELECT ${columns.join(',')} FROM rqc_copy_in ON CONFLICT DO NOTHING`);
			await db.query('DROP TABLE rqc_copy_in');
			return result.rowCount ?? 0;
		},
	};
}

/** Rows per chunk of a COPY's data: a bulk write's memory stays flat. */
const COPY_CHUNK_ROWS = 5000;

/**
 * COPY text of rows, in chunks of COPY_CHUNK_ROWS; afterLast runs when the last chunk was taken.
 * Each chunk is one string grown cell by cell: a line per row joined at the end cost a nightly
 * batch's 1,500 rows about a third more (issue 13, point 2).
 */
function * encodeRows(rows: ReadonlyArray<readonly unknown[]>, afterLast?: () => void): Generator<string> {
	let chunk = '';
	let count = 0;
	for (const row of rows) {
		chunk += toCopyText(row[0]);
		for (let i = 1; i < row.length; i++) chunk += '\t' + toCopyText(row[i]);
		chunk += '\n';
		if (++count === COPY_CHUNK_ROWS) {
			yield chunk;
			chunk = '';
			count = 0;
		}
	}

	if (count > 0) yield chunk;
	afterLast?.();
}

/** Turns a connection failure into a one-line ServiceError that names the fix. */
export function describeConnectError(error: unknown, url: string): ServiceError {
	const shown = redactUrl(url);
	const {code, message} = error as {code?: string; message?: string};
	const hintStart = 'check RQC_DATABASE_URL';
	switch (code) {
		case 'ECONNREFUSED':
			return new ServiceError('database', `cannot reach PostgreSQL at ${shown}: connection refused`,
				`start it (rqc up), fix ${'RQC_DATABASE_URL'}, or unset it to use the embedded store`, {cause: error});
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return new ServiceError('database', `cannot resolve the database host in ${shown}`, hintStart, {cause: error});
		case '28P01':
		case '28000':
			return new ServiceError('database', `PostgreSQL at ${shown} refused the credentials: ${message ?? 'authentication failed'}`,
				`${hintStart} (user and password; rqc up writes the stack's password to ~/.config/rqc/stack.env)`, {cause: error});
		case '3D000':
			return new ServiceError('database', `PostgreSQL at ${shown}: ${message ?? 'database does not exist'}`,
				`create it (createdb) or ${hintStart}`, {cause: error});
		default:
			return new ServiceError('database', `cannot connect to PostgreSQL at ${shown}: ${message ?? String(error)}`, hintStart, {cause: error});
	}
}

/** Connects to PostgreSQL at url; throws a ServiceError naming the problem when it cannot. */
export async function openPgDriver(url: string, options: {connectTimeoutMs?: number; cacheDir?: string} = {}): Promise<Driver> {
	registerUrlSecret(url);
	const pg = loadPg({...(options.cacheDir === undefined ? {} : {cacheDir: options.cacheDir})});
	const pool = new pg.Pool({
		connectionString: url,
		max: 4,
		connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
		idleTimeoutMillis: 10_000,
		application_name: 'rqc',
	});
	// A connection losing its server (a restart, a FATAL such as CREATE EXTENSION of a TimescaleDB
	// that is not preloaded) must never crash rqc with an unhandled 'error' event, idle or checked
	// out (issue 11, point 8): the pool drops it, and the next query reports it or reconnects.
	pool.on('error', () => {});
	pool.on('connect', (client) => {
		client.on('error', () => {});
	});
	try {
		const client = await pool.connect();
		client.release();
	} catch (error) {
		await pool.end().catch(() => {});
		throw describeConnectError(error, url);
	}

	/**
	 * A pooled connection for one transaction, which work begins and ends. When work throws, the
	 * transaction is rolled back; a connection that cannot even do that is not handed out again.
	 */
	const inTransaction = async <T>(work: (client: Pg.PoolClient) => Promise<T>): Promise<T> => {
		let client: Pg.PoolClient;
		try {
			client = await pool.connect();
		} catch (error) {
			throw describeConnectError(error, url);
		}

		let broken: Error | undefined;
		try {
			return await work(client);
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: unknown) => {
				broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
			});
			throw asServiceError(error, url);
		} finally {
			client.release(broken);
		}
	};

	const base = wrap(pool);
	return {
		...base,
		kind: 'postgres',
		location: redactUrl(url),
		async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
			try {
				return await base.query<R>(sql, params, options);
			} catch (error) {
				throw asServiceError(error, url);
			}
		},
		async transaction(fn) {
			return inTransaction(async (client) => {
				await client.query('BEGIN');
				const result = await fn(wrap(client));
				await client.query('COMMIT');
				return result;
			});
		},
		async copyScript(copies, statement, accept) {
			return inTransaction(async (client) => {
				const script = new CopyScript(copies, statement);
				client.query(script as unknown as Pg.Submittable);
				const isAccepted = accept(await script.done);
				await client.query(isAccepted ? 'COMMIT' : 'ROLLBACK');
				return isAccepted;
			});
		},
		async close() {
			await pool.end();
		},
	};
}

/** What a copy script writes to: node-postgres's connection, as it hands it to a custom query. */
interface WireConnection {
	query(text: string): void;
	sendCopyFromChunk(chunk: Buffer): void;
	endCopyFrom(): void;
	sendCopyFail(message: string): void;
	readonly stream: {cork(): void; uncork(): void};
}

/**
 * A copy script as node-postgres runs a custom query (as pg-copy-streams runs a COPY): one Query
 * message holding BEGIN and every statement, then each COPY's data and CopyDone, written before any
 * reply is read. The server reads each COPY's data when it reaches that statement. After an error
 * it skips the rest, drops the data still to come (the protocol's rule for a failed COPY) and
 * leaves the transaction to be rolled back: nothing is half-written and the connection stays usable.
 * Done gives the last statement's row count.
 */
class CopyScript {
	readonly done: Promise<number>;
	private settle!: (error?: unknown) => void;
	private failure: {error: unknown} | undefined;
	private lastCount = Number.NaN;
	private readonly text: string;

	constructor(private readonly copies: readonly ScriptCopy[], statement: string) {
		this.text = ['BEGIN', ...copies.map((c) => `COPY ${c.table} (${c.columns.join(',')}) FROM STDIN`), statement].join(';\n');
		this.done = new Promise((resolve, reject) => {
			this.settle = (error) => {
				if (error === undefined) resolve(this.lastCount);
				else reject(error);
			};
		});
	}

	/** node-postgres calls this when the script's turn on the connection comes. */
	submit(connection: WireConnection): void {
		const {stream} = connection;
		stream.cork();
		connection.query(this.text);
		for (const copy of this.copies) {
			let data: string;
			try {
				// Before a function's rows are made, the rows so far go to the server: it stores
				// them while this process works (issue 13, point 2).
				if (typeof copy.rows === 'function') {
					stream.uncork();
					stream.cork();
				}

				const rows = typeof copy.rows === 'function' ? copy.rows() : copy.rows;
				if (rows.length > COPY_SCRIPT_ROWS) throw new Error(`a copy script's COPY holds at most ${COPY_SCRIPT_ROWS} rows, not ${rows.length}`);
				data = encodeRows(rows).next().value ?? '';
			} catch (error) {
				// The server waits in this COPY: CopyFail ends it, and the script rolls back.
				this.failure = {error};
				connection.sendCopyFail('rqc: the rows of a COPY could not be made');
				break;
			}

			if (data.length > 0) connection.sendCopyFromChunk(Buffer.from(data));
			connection.endCopyFrom();
		}

		stream.uncork();
	}

	handleError(error: unknown): void {
		// node-postgres calls no handleReadyForQuery after an error: this is the end.
		this.settle(this.failure?.error ?? error);
	}

	handleReadyForQuery(): void {
		this.settle(this.failure?.error);
	}

	// The data went with the statements; no statement returns rows.
	handleCopyInResponse(): void {}
	handleCommandComplete(message: {text?: string}): void {
		// "UPDATE 3", "COPY 1500", "BEGIN": the count is the last number, when there is one.
		const count = /\s(\d+)$/.exec(message.text ?? '');
		this.lastCount = count ? Number(count[1]) : Number.NaN;
	}

	handleRowDescription(): void {}
	handleDataRow(): void {}
	handleEmptyQuery(): void {}
	handleCopyData(): void {}
	handlePortalSuspended(): void {}
	/** node-postgres replaces this when a query timeout is set (as for pg-copy-streams' COPY). */
	callback(): void {}
}

/** Connection-level failures become ServiceErrors (exit 3); SQL errors stay as they are. */
function asServiceError(error: unknown, url: string): unknown {
	if (error instanceof ServiceError) return error;
	return isConnectionError(error) ? describeConnectError(error, url) : error;
}
