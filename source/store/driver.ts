/** What the SQL store needs from a database driver: queries, transactions, bulk sample writes. */

export interface Executor {
	/** Runs one parameterised statement and returns its rows. */
	query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
	/** Runs one or more statements without parameters. */
	exec(sql: string): Promise<void>;
	/**
	 * Writes rows into a table as fast as the driver can (COPY on PostgreSQL, batched INSERT
	 * on PGlite), skipping rows that collide with the unique index. Must be called inside a
	 * transaction. Returns the number of rows written.
	 */
	bulkInsert(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<number>;
}

export interface Driver extends Executor {
	readonly kind: 'pglite' | 'postgres';
	/** Path or redacted URL. */
	readonly location: string;
	transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/** Formats a value for PostgreSQL's COPY text format. */
export function toCopyText(value: unknown): string {
	if (value === null || value === undefined) return '\\N';
	// Numbers, booleans and ISO dates never hold a character COPY escapes: the hot path of a
	// bulk write skips the four replacements.
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value instanceof Date) return value.toISOString();
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (!COPY_SPECIAL.test(text)) return text;
	return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
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
