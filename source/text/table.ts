/**
 * The one plain-text table of rqc's command output (ps, bench run, calibrate, releases,
 * compare): every column as wide as its widest cell in display columns, so wide East Asian
 * characters, combining marks and ANSI colour keep the columns straight. Pure.
 */
import {displayWidth, fit} from './text.js';

export type Align = 'left' | 'right';

export interface TableOptions {
	/** Alignment of each column by index; a column not listed is left-aligned. */
	readonly align?: ReadonlyArray<Align | undefined>;
	/** Between two columns; two spaces unless given. */
	readonly gap?: string;
}

/** The table's lines, header first, each without trailing blanks. Pure. */
export function formatTableLines(header: readonly string[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string[] {
	const columns = Math.max(header.length, ...rows.map((row) => row.length));
	const widths: number[] = [];
	for (let column = 0; column < columns; column++) {
		widths.push(Math.max(displayWidth(header[column] ?? ''), ...rows.map((row) => displayWidth(row[column] ?? ''))));
	}

	const gap = options.gap ?? '  ';
	const render = (cells: readonly string[]): string => widths
		.map((width, column) => fit(cells[column] ?? '', width, options.align?.[column] ?? 'left'))
		.join(gap)
		.trimEnd();
	return [render(header), ...rows.map(render)];
}

/** The table as one string (lines joined by newlines). Pure. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string {
	return formatTableLines(header, rows, options).join('\n');
}
