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

/** Formats a value for PostgreSQL's COPY text format. */
export function toCopyText(value: unknown): string {
	if (value === null || value === undefined) return '\\N';
	let text: string;
	if (value instanceof Date) text = value.toISOString();
	else if (typeof value === 'object') text = JSON.stringify(value);
	else text = String(value);
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
