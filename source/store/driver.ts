/** What the SQL store needs from a database driver: queries, transactions, bulk sample writes. */

export interface Executor {
	/** Runs one parameterised statement and returns its rows. */
	query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
	/** Runs one or more statements without parameters. */
	exec(sql: string): Promise<void>;
	/**
	 * Writes rows into a table as fast as the driver can (COPY on PostgreSQL, batched INSERT
	 * on PGlite), skipping rows that collide with the unique index. Must be called inside a
	 * transaction. Returns the number of rows written.
	 */
	bulkInsert(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, options?: BulkInsertOptions): Promise<number>;
}

export interface QueryOptions {
	/**
	 * A name under which the driver may keep the statement prepared on its connection (parsed and
	 * planned once), for a statement on a hot path. One name, one text, always.
	 */
	readonly name?: string;
}

/** How bulkInsert treats rows that collide with the unique index. */
export interface BulkInsertOptions {
	/**
	 * 'skip' (the default): leave them out and count only the rows written. 'throw': the caller
	 * expects none and owns the transaction, so the driver may write without guarding against
	 * them (no SAVEPOINT) and throw the unique violation (SQLSTATE 23505) when there is one; the
	 * caller then retries with 'skip'. A driver may still skip instead (PGlite does).
	 */
	readonly duplicates?: 'skip' | 'throw';
	/**
	 * The caller's own work, done while the server stores the rows (issue 13: a nightly batch's
	 * summaries are computed during its COPY): called once, after the rows are on their way
	 * where the driver can tell, else before it returns. What it throws, bulkInsert throws.
	 */
	readonly whileWriting?: () => void;
}

export interface Driver extends Executor {
	readonly kind: 'pglite' | 'postgres';
	/** Path or redacted URL. */
	readonly location: string;
	transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
	/**
	 * PostgreSQL only: COPYs, then one statement without parameters, in a transaction of their own,
	 * in one round trip: the statement text and every COPY's rows go to the server without waiting
	 * for it (a nightly batch of samples, issue 13). Commits when accept(the statement's row count)
	 * is true and returns true; else rolls back and returns false. An error in any step rolls every
	 * step back and is thrown as the server gave it (a duplicate key is SQLSTATE 23505). Each COPY
	 * holds at most COPY_SCRIPT_ROWS rows.
	 */
	copyScript?(copies: readonly ScriptCopy[], statement: string, accept: (rowCount: number) => boolean): Promise<boolean>;
	close(): Promise<void>;
}

/** Rows a COPY of a copy script may hold: what is sent without waiting stays small. */
export const COPY_SCRIPT_ROWS = 5000;

/** One COPY of a copy script. */
export interface ScriptCopy {
	readonly table: string;
	readonly columns: readonly string[];
	/**
	 * The rows, or a function that gives them once the script's earlier rows have gone to the
	 * server: the caller's work then overlaps the server's (a batch's summaries, computed while
	 * the server stores its samples). What it throws, copyScript throws, with nothing written.
	 */
	readonly rows: ReadonlyArray<readonly unknown[]> | (() => ReadonlyArray<readonly unknown[]>);
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/** Formats a value for PostgreSQL's COPY text format. */
export function toCopyText(value: unknown): string {
	if (value === null || value === undefined) return '\\N';
	// Numbers, booleans and ISO dates never hold a character COPY escapes: the hot path of a
	// bulk write skips the four replacements.
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value instanceof Date) return toIsoText(value);
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (!COPY_SPECIAL.test(text)) return text;
	return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/**
 * A PostgreSQL array literal of scalar values (numbers, strings, booleans, null), for a parameter
 * cast to an array type: the same text node-postgres would send for a JS array, without its
 * per-element conversion and quoting of numbers (a batch's summaries: 18 arrays of 150 values).
 */
export function toArrayLiteral(values: readonly unknown[]): string {
	let text = '{';
	for (let i = 0; i < values.length; i++) {
		const value = values[i];
		if (i > 0) text += ',';
		if (value === null || value === undefined) text += 'NULL';
		else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') text += String(value);
		else text += `"${String(value).replace(/["\\]/g, '\\$&')}"`;
	}

	return `${text}}`;
}

const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDayText = '';
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * The same text as date.toISOString(), at a fraction of its cost on a bulk write's path: a
 * batch's samples fall on few days, so the day part is formatted once per day and reused.
 */
export function toIsoText(date: Date): string {
	const time = date.getTime();
	// Invalid dates throw toISOString's RangeError, as before.
	if (!Number.isFinite(time)) return date.toISOString();
	const day = Math.floor(time / DAY_MS);
	if (day !== cachedDay) {
		const text = date.toISOString();
		cachedDayText = text.slice(0, text.indexOf('T') + 1);
		cachedDay = day;
	}

	let rest = time - (day * DAY_MS);
	const ms = rest % 1000;
	rest = (rest - ms) / 1000;
	const seconds = rest % 60;
	rest = (rest - seconds) / 60;
	const minutes = rest % 60;
	return `${cachedDayText}${pad2((rest - minutes) / 60)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}Z`;
}

/** Rows per INSERT statement: PostgreSQL allows at most 65,535 parameters in one. */
export function rowsPerStatement(columnCount: number): number {
	return Math.max(1, Math.min(1000, Math.floor(65_535 / columnCount)));
}

/** INSERT INTO table (cols) VALUES ($1,...),(...) ON CONFLICT DO NOTHING for n rows. */
export function buildInsert(table: string, columns: readonly string[], rowCount: number): string {
	const groups: string[] = [];
	let p = 1;
	for (let r = 0; r < rowCount; r++) {
		const placeholders = columns.map(() => `$${p++}`);
		groups.push(`(${placeholders.join(',')})`);
	}

	return `INSERT INTO ${table} (${columns.join(',')}) VALUES ${groups.join(',')} ON CONFLICT DO NOTHING`;
}
