/**
 * Terminal text for every face of rqc (commands, compare, docker, bench and the Ink panes):
 * colour only when allowed, symbols always, widths in display columns, one byte formatter.
 * Pure. It sits at the bottom of the layers, beside stats/ and errors.ts.
 */
import {createRequire} from 'node:module';

// string-width and a grapheme segmenter cost tens of milliseconds to load (ICU segmentation data):
// loaded on the first text that is not plain ASCII, so a command printing JSON never pays for
// them (issue 13, point 2). Node ≥ 20.19 loads the ES module string-width synchronously.
const loadModule = createRequire(import.meta.url);
let measureWidth: ((text: string) => number) | undefined;
const stringWidth = (text: string): number => {
	measureWidth ??= (loadModule('string-width') as typeof import('string-width')).default;
	return measureWidth(text);
};

let segmenter: Intl.Segmenter | undefined;

const codes = {red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2} as const;
export type Color = keyof typeof codes;

/** Wraps text in an ANSI colour when hasColor, else returns it unchanged. */
export function paint(text: string, color: Color, hasColor: boolean): string {
	return hasColor ? `\u001B[${codes[color]}m${text}\u001B[0m` : text;
}

/** Whether colour is allowed: not NO_COLOR, not TERM=dumb, and the stream is a TTY (or FORCE_COLOR). */
export function isColorAllowed(env: Readonly<Record<string, string | undefined>>, isTTY: boolean | undefined): boolean {
	if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
	if (env.TERM === 'dumb') return false;
	if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
	return Boolean(isTTY);
}

/** Status symbols that still say the state when colour is off. */
export const SYMBOL = {ok: '✓', bad: '✗', warn: '!', off: '-', running: '▶'} as const;

// CSI (colours, cursor moves) and OSC (titles, links) sequences: zero columns wide.
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;
/**
 * Text made only of characters one column wide, one UTF-16 unit each, that never combine: printable
 * ASCII and the symbols rqc draws with (·, …, arrows, box drawing and blocks, ▶, ●, ✓, ✗). Its
 * width is its length, with no grapheme segmentation (a Services frame measures its chart lines
 * every second; a unit test checks each of these against string-width).
 */
export const NARROW_TEXT = /^[\u0020-\u007E\u00B7\u2026\u2190-\u2195\u2500-\u259F\u25B6\u25CF\u2713\u2717]*$/;

/**
 * How many terminal columns text takes: East Asian wide and fullwidth characters (and emoji) 2,
 * combining marks and ANSI sequences 0, ambiguous-width symbols (…, ±, ✓) 1. Pure.
 */
export function displayWidth(text: string): number {
	if (NARROW_TEXT.test(text)) return text.length;
	return stringWidth(text);
}

/** Text split into ANSI sequences (zero width) and grapheme clusters with their widths. */
function* splitColumns(text: string): Generator<{readonly text: string; readonly width: number}> {
	let last = 0;
	for (const match of text.matchAll(ANSI_PATTERN)) {
		yield* splitGraphemes(text.slice(last, match.index));
		yield {text: match[0], width: 0};
		last = match.index + match[0].length;
	}

	yield* splitGraphemes(text.slice(last));
}

function* splitGraphemes(text: string): Generator<{readonly text: string; readonly width: number}> {
	segmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
	for (const {segment} of segmenter.segment(text)) yield {text: segment, width: stringWidth(segment)};
}

/**
 * Pads or truncates (with …) to exactly `width` display columns: the one `fit` every table and
 * pane shares. A wide character that would straddle the edge is left out and a space pads.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const isPlain = NARROW_TEXT.test(text);
	const textWidth = isPlain ? text.length : stringWidth(text);
	if (textWidth > width) {
		if (width === 1) return '…';
		if (isPlain) return text.slice(0, width - 1) + '…';
		let kept = '';
		let used = 0;
		let hasAnsi = false;
		for (const part of splitColumns(text)) {
			if (part.width === 0 && part.text.startsWith('\u001B')) {
				hasAnsi = true;
				kept += part.text;
				continue;
			}

			if (used + part.width > width - 1) break;
			kept += part.text;
			used += part.width;
		}

		return kept + (hasAnsi ? '\u001B[0m' : '') + '…' + ' '.repeat(width - 1 - used);
	}

	const pad = ' '.repeat(width - textWidth);
	return align === 'left' ? text + pad : pad + text;
}

/**
 * Text broken into lines of at most `width` display columns, at spaces where it can be; a word
 * wider than a line is cut into pieces that fill each line (graphemes kept whole). Runs of spaces
 * between words become one; an empty text is one empty line. Pure.
 */
export function wrapText(text: string, width: number): string[] {
	if (width <= 0) return [];
	const lines: string[] = [];
	let line = '';
	const push = (word: string) => {
		let rest = word;
		while (displayWidth(rest) > width) {
			let head = '';
			let used = 0;
			for (const part of splitGraphemes(rest)) {
				if (used + part.width > width) break;
				head += part.text;
				used += part.width;
			}

			if (head === '') head = [...rest][0]!;
			lines.push(head);
			rest = rest.slice(head.length);
		}

		line = rest;
	};

	for (const word of text.split(/ +/)) {
		if (word === '') continue;
		if (line === '') push(word);
		else if (displayWidth(line) + 1 + displayWidth(word) <= width) line += ` ${word}`;
		else {
			lines.push(line);
			push(word);
		}
	}

	lines.push(line);
	return lines;
}

/**
 * How a byte count is written: `binary` for prose and command tables (1.5 GiB, 512 MiB, 12 B),
 * `compact` for narrow pane cells (1.5K, 12M, 512B), `flag` as --memory takes it (512m, 1g).
 */
export type ByteStyle = 'binary' | 'compact' | 'flag';

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const COMPACT_UNITS = ['B', 'K', 'M', 'G', 'T'] as const;

/** Bytes in binary units, in one of three styles (see ByteStyle); '-' when unknown. Pure. */
export function formatBytes(bytes: number | undefined, style: ByteStyle = 'binary'): string {
	if (bytes === undefined || !Number.isFinite(bytes)) return '-';
	if (style === 'flag') {
		const mib = bytes / (1024 * 1024);
		if (mib >= 1024 && Number.isInteger(mib / 1024)) return `${mib / 1024}g`;
		return `${Math.round(mib)}m`;
	}

	const isCompact = style === 'compact';
	const units = isCompact ? COMPACT_UNITS : BINARY_UNITS;
	let value = isCompact ? Math.max(0, bytes) : bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	if (isCompact) {
		if (unit === 0) return `${Math.round(value)}B`;
		return `${value >= 10 ? Math.round(value) : value.toFixed(1)}${units[unit]}`;
	}

	return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A signed percentage: "+6.5%", "-0.3%". */
export function formatPercent(value: number | undefined, digits = 1): string {
	if (value === undefined || !Number.isFinite(value)) return value === undefined ? '-' : (value > 0 ? '+∞%' : '-∞%');
	const fixed = value.toFixed(digits);
	return `${value >= 0 && !fixed.startsWith('-') ? '+' : ''}${fixed}%`;
}

/** The first `shown` items joined, the rest counted: "a, b, c and 2 more". */
export function nameSome(items: readonly string[], shown = 3): string {
	return `${items.slice(0, shown).join(', ')}${items.length > shown ? ` and ${items.length - shown} more` : ''}`;
}

/** Nanoseconds as a short human duration: 1.23 s, 45.6 ms, 789 µs, 12 ns. */
export function formatDuration(ns: number | undefined): string {
	if (ns === undefined || !Number.isFinite(ns)) return '-';
	const abs = Math.abs(ns);
	if (abs >= 1e9) return `${(ns / 1e9).toFixed(abs >= 1e11 ? 0 : 2)} s`;
	if (abs >= 1e6) return `${(ns / 1e6).toFixed(abs >= 1e8 ? 0 : abs >= 1e7 ? 1 : 2)} ms`;
	if (abs >= 1e3) return `${(ns / 1e3).toFixed(abs >= 1e5 ? 0 : 1)} µs`;
	return `${Math.round(ns)} ns`;
}
