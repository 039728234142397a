import {PGlite} from '@electric-sql/pglite';
import {describe, expect, it} from 'vitest';
import {buildInsert, rowsPerStatement, toArrayLiteral, toCopyText, toIsoText} from '../../../source/store/driver.js';

describe('COPY text encoding', () => {
	it.each([
		[null, '\\N'],
		[undefined, '\\N'],
		[42, '42'],
		[true, 'true'],
		['tab\there', 'tab\\there'],
		['new\nline', 'new\\nline'],
		['back\\slash', 'back\\\\slash'],
		[new Date('2026-01-02T03:04:05.678Z'), '2026-01-02T03:04:05.678Z'],
		// JSON escapes the tab as \t; COPY then escapes that backslash.
		[{a: 'b\tc'}, '{"a":"b\\\\tc"}'],
	])('%j → %s', (value, expected) => {
		expect(toCopyText(value)).toBe(expected);
	});
});

// issue 13: a batch's summaries go as array literals rqc writes itself; PostgreSQL (PGlite) must
// read back exactly the values, whatever a case's name holds.
describe('array literal of a parameter', () => {
	it('reads back the same texts, numbers and nulls', async () => {
		const texts = ['plain', 'with space', 'comma,inside', 'quote"inside', 'back\\slash', '{braces}', 'NULL', '', ' lead', 'ünïcode ✓', 'tab\there', null];
		const numbers = [0, -1, 1.5, 1e21, 1.234_567_890_123_456_8e-300, Number.MAX_SAFE_INTEGER, null];
		const db = await PGlite.create();
		try {
			const {rows} = await db.query<{t: Array<string | null>; f: Array<number | null>; b: Array<string | null>; n: number}>(
				'SELECT $1::text[] AS t, $2::float8[] AS f, $3::bigint[]::text[] AS b, cardinality($4::integer[]) AS n',
				[toArrayLiteral(texts), toArrayLiteral(numbers), toArrayLiteral([9_007_199_254_740_993n, 2, null]), toArrayLiteral([])]);
			expect(rows[0]!.t).toEqual(texts);
			expect(rows[0]!.f).toEqual(numbers);
			expect(rows[0]!.b).toEqual(['9007199254740993', '2', null]);
			expect(rows[0]!.n).toBe(0);
		} finally {
			await db.close();
		}
	});

	it('writes what node-postgres would, without quoting numbers', () => {
		expect(toArrayLiteral([1, 2.5, null])).toBe('{1,2.5,NULL}');
		expect(toArrayLiteral(['a"b', 'c\\d'])).toBe('{"a\\"b","c\\\\d"}');
		expect(toArrayLiteral([Number.NaN, Number.POSITIVE_INFINITY])).toBe('{NaN,Infinity}');
	});
});

// issue 13: the bulk write path formats dates itself; it must give toISOString's text
describe('ISO text of a date', () => {
	it('matches toISOString across days, years and before 1970', () => {
		const times = [0, -1, 1, 999, 1000, 86_399_999, 86_400_000, -86_400_001, Date.UTC(2026, 1, 28, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12), Date.UTC(1969, 11, 31, 23, 0, 0, 5), Date.UTC(10_000, 0, 1, 1, 2, 3, 4), Date.UTC(-1, 5, 6, 7, 8, 9, 10)];
		for (let t = Date.UTC(2025, 11, 31, 22); t < Date.UTC(2026, 0, 1, 2); t += 997_123) times.push(t);
		for (const time of times) expect(toIsoText(new Date(time))).toBe(new Date(time).toISOString());
	});

	it('throws for an invalid date, as toISOString does', () => {
		expect(() => toIsoText(new Date(Number.NaN))).toThrow(RangeError);
	});
});

describe('batched INSERT', () => {
	it('stays under PostgreSQL\'s 65,535 parameters', () => {
		expect(rowsPerStatement(12) * 12).toBeLessThanOrEqual(65_535);
		expect(rowsPerStatement(100_000)).toBe(1);
	});

	it('numbers placeholders row by row and skips duplicates', () => {
		expect(buildInsert('t', ['a', 'b'], 2)).toBe('INSERT INTO t (a,b) VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING');
	});
});
