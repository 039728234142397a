import {describe, expect, it} from 'vitest';
import {formatTable, formatTableLines} from '../../../source/text/table.js';
import {displayWidth} from '../../../source/text/text.js';

// issue 10: one table formatter for ps, bench run, calibrate, releases and compare, measuring display width.
describe('formatTable', () => {
	it.each([
		{
			name: 'pads every column to its widest cell, two spaces apart, no trailing blanks',
			header: ['NAME', 'STATE'], rows: [['db', 'running'], ['cache', 'exited']], align: [],
			expected: ['NAME   STATE', 'db     running', 'cache  exited'],
		},
		{
			name: 'right-aligns the columns asked for',
			header: ['case', 'n', 'median'], rows: [['a', '10', '1.2 ms'], ['long-name', '5', '12 ms']], align: ['left', 'right', 'right'],
			expected: ['case        n  median', 'a          10  1.2 ms', 'long-name   5   12 ms'],
		},
		{
			name: 'wide East Asian cells take two columns each',
			header: ['release', 'runs'], rows: [['版本一', '3'], ['v1', '12']], align: ['left', 'right'],
			expected: ['release  runs', '版本一      3', 'v1         12'],
		},
		{
			name: 'combining marks take no column',
			header: ['suite', 'cases'], rows: [['cafe\u0301', '2'], ['tea', '1']], align: [],
			expected: ['suite  cases', 'cafe\u0301   2', 'tea    1'],
		},
		{
			name: 'ANSI colour inside a cell takes no column',
			header: ['', 'case'], rows: [['\u001B[31m✗\u001B[0m', 'parse'], ['=', 'load']], align: [],
			expected: ['   case', '\u001B[31m✗\u001B[0m  parse', '=  load'],
		},
		{
			name: 'empty trailing cells leave no trailing blanks',
			header: ['A', 'B', 'C'], rows: [['x', '', '']], align: [],
			expected: ['A  B  C', 'x'],
		},
		{
			name: 'a row shorter than the header is padded',
			header: ['A', 'B'], rows: [['only']], align: [],
			expected: ['A     B', 'only'],
		},
	] as const)('$name', ({header, rows, align, expected}) => {
		const lines = formatTableLines(header, rows, {align});
		expect(lines).toEqual(expected);
		expect(formatTable(header, rows, {align})).toBe(expected.join('\n'));
	});

	it('keeps every column aligned in display columns with mixed scripts', () => {
		const lines = formatTableLines(['name', 'v'], [['日本語', 'x'], ['e\u0301e\u0301', 'y'], ['abc', 'z']]);
		const starts = lines.map((line) => displayWidth(line.slice(0, -1)));
		expect(new Set(starts).size).toBe(1);
	});

	it('takes another gap', () => {
		expect(formatTable(['a', 'b'], [['1', '2']], {gap: ' | '})).toBe('a | b\n1 | 2');
	});
});
