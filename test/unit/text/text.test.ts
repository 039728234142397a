import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {displayWidth, fit, NARROW_TEXT, formatBytes, wrapText, type ByteStyle} from '../../../source/text/text.js';

const red = (text: string): string => `\u001B[31m${text}\u001B[0m`;

// issue 10: one width measure for every table and pane: wide characters 2, combining marks and ANSI 0.
describe('displayWidth', () => {
	it.each([
		['plain ASCII', 'abc', 3],
		['empty', '', 0],
		['CJK ideographs are wide', '日本語', 6],
		['Hangul syllables are wide', '한글', 4],
		['fullwidth forms are wide', 'ＡＢ', 4],
		['a combining acute adds nothing', 'e\u0301', 1],
		['decomposed Vietnamese', 'Vie\u0323\u0302t', 4],
		['an emoji is wide', '🚀', 2],
		['ANSI colour is zero width', red('ok'), 2],
		['ANSI around wide text', red('日本'), 4],
		['ambiguous-width symbols are narrow', '…±×✓', 4],
		['box drawing and arrows are narrow', '│→', 2],
	])('%s: %j → %i', (_name, text, width) => {
		expect(displayWidth(text)).toBe(width);
	});
});

// issue 10: the no-segmentation fast path is exact: every character it admits is one column wide.
describe('NARROW_TEXT', () => {
	it('admits only characters string-width measures as one column', () => {
		const admitted: string[] = [];
		for (let code = 0; code <= 0xFFFF; code++) {
			const char = String.fromCharCode(code);
			if (NARROW_TEXT.test(char)) admitted.push(char);
		}

		expect(admitted.length).toBeGreaterThan(95 + 160);
		expect(admitted.filter((char) => stringWidth(char) !== 1)).toEqual([]);
		const all = admitted.join('');
		expect(displayWidth(all)).toBe(stringWidth(all));
	});

	it.each([
		['a chart line', '   86%┤   ╭─╮  ╰╯'],
		['a hint line', '↑/↓ select · l logs'],
		['an emoji presentation selector is not narrow', '▶\uFE0F'],
		['a combining mark is not narrow', 'e\u0301'],
	])('%s measures as string-width does', (_name, text) => {
		expect(displayWidth(text)).toBe(stringWidth(text));
		expect(displayWidth(fit(text, 12))).toBe(12);
	});
});

describe('fit', () => {
	it.each([
		['pads left-aligned', 'ab', 4, 'left', 'ab  '],
		['pads right-aligned', 'ab', 4, 'right', '  ab'],
		['exact width unchanged', 'abcd', 4, 'left', 'abcd'],
		['truncates with an ellipsis', 'abcdef', 4, 'left', 'abc…'],
		['width 1 is the ellipsis', 'abcdef', 1, 'left', '…'],
		['width 0 is empty', 'ab', 0, 'left', ''],
		['pads wide text by columns', '日本', 6, 'left', '日本  '],
		['right-aligns wide text by columns', '日本', 6, 'right', '  日本'],
		['truncates wide text by columns', '日本語テキスト', 7, 'left', '日本語…'],
		['a wide char never straddles the edge', '日本語', 4, 'left', '日… '],
		['keeps a combining mark with its letter', 'cafe\u0301s', 5, 'left', 'cafe\u0301s'],
		['truncates after a combining mark', 'cafe\u0301sxyz', 5, 'left', 'cafe\u0301…'],
		['pads coloured text by visible width', red('ok'), 4, 'left', `${red('ok')}  `],
		['truncates coloured text and resets the colour', red('abcdef'), 4, 'left', '\u001B[31mabc\u001B[0m…'],
		['truncates box drawing by columns', '──┼──┤', 4, 'left', '──┼…'],
	] as const)('%s', (_name, text, width, align, expected) => {
		const result = fit(text, width, align);
		expect(result).toBe(expected);
		if (width > 0) expect(displayWidth(result)).toBe(width);
	});
});

// issue 10: one byte formatter in three styles (it replaced formatSize and formatMemory).
describe('formatBytes', () => {
	it.each<[number | undefined, ByteStyle, string]>([
		[undefined, 'binary', '-'],
		[Number.NaN, 'compact', '-'],
		[12, 'binary', '12 B'],
		[1536, 'binary', '1.5 KiB'],
		[512 * 1024 ** 2, 'binary', '512 MiB'],
		[1.5 * 1024 ** 3, 'binary', '1.5 GiB'],
		[-2048, 'binary', '-2.0 KiB'],
		[0, 'compact', '0B'],
		[1023, 'compact', '1023B'],
		[1536, 'compact', '1.5K'],
		[64 * 1024 ** 2, 'compact', '64M'],
		[2.5 * 1024 ** 3, 'compact', '2.5G'],
		[-5, 'compact', '0B'],
		[512 * 1024 ** 2, 'flag', '512m'],
		[1024 ** 3, 'flag', '1g'],
		[1.5 * 1024 ** 3, 'flag', '1536m'],
		[8 * 1024 ** 3, 'flag', '8g'],
	])('%s as %s → %s', (bytes, style, text) => {
		expect(formatBytes(bytes, style)).toBe(text);
	});
});

describe('wrapText', () => {
	it('breaks at spaces within the width; joins runs of spaces; a word wider than a line is cut to fill lines', () => {
		expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
		expect(wrapText('a   b', 10)).toEqual(['a b']);
		expect(wrapText('', 10)).toEqual(['']);
		expect(wrapText('abcdefghijklmnopqrstuvwxyz end', 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz end']);
		expect(wrapText('anything', 0)).toEqual([]);
	});

	it('counts display columns: wide characters take two, and are never split', () => {
		const lines = wrapText('日本語のテキスト ok', 5);
		for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(5);
		expect(lines.join('')).toBe('日本語のテキストok');
	});
});
