import {describe, expect, it} from 'vitest';
import {buildInsert, rowsPerStatement, toCopyText} from '../../../source/store/driver.js';

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

describe('batched INSERT', () => {
	it('stays under PostgreSQL\'s 65,535 parameters', () => {
		expect(rowsPerStatement(12) * 12).toBeLessThanOrEqual(65_535);
		expect(rowsPerStatement(100_000)).toBe(1);
	});

	it('numbers placeholders row by row and skips duplicates', () => {
		expect(buildInsert('t', ['a', 'b'], 2)).toBe('INSERT INTO t (a,b) VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING');
	});
});
