/** Plain-text helpers for non-Ink output: colour only when allowed, symbols always. */

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

/** Pads or truncates (with …) to exactly width display columns. Assumes single-width chars. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const chars = [...text];
	if (chars.length > width) return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
	const pad = ' '.repeat(width - chars.length);
	return align === 'left' ? text + pad : pad + text;
}

/** Bytes in binary units: 1.5 GiB, 512 MiB, 10 KiB, 12 B. */
export function formatBytes(bytes: number | undefined): string {
	if (bytes === undefined || !Number.isFinite(bytes)) return '-';
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
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
