/**
 * JSON reading for importers: syntax errors reported by line and column (a truncated file says
 * so), and typed field access whose errors name the field path (benchmarks[3].real_time).
 * Pure: text in, values out; every failure is a UserError naming the file.
 */
import {UserError} from '../errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue};
export type JsonObject = {[key: string]: JsonValue};

/** A 1-based line and column for an offset into text. */
export function locate(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < offset && i < text.length; i++) {
		if (text.charCodeAt(i) === 10) {
			line++;
			lineStart = i + 1;
		}
	}

	return {line, column: offset - lineStart + 1};
}

/**
 * Finds where a JSON text stops being valid: the offset and what was expected there.
 * Used only after JSON.parse failed, since V8's messages do not always carry a position.
 */
export function findJsonError(text: string): {offset: number; expected: string} | undefined {
	let i = 0;
	const fail = (expected: string): never => {
		throw Object.assign(new Error('json'), {at: {offset: i, expected}});
	};

	const skipSpace = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
	};

	const literal = (word: string) => {
		if (text.startsWith(word, i)) i += word.length;
		else fail(`a value (true, false, null, a number, a string, an object or an array)`);
	};

	const string = () => {
		i++; // Opening quote.
		while (i < text.length) {
			const c = text[i]!;
			if (c === '"') {
				i++;
				return;
			}

			if (c === '\\') {
				const next = text[i + 1];
				if (next === undefined) break;
				if (next === 'u') {
					if (!/^[\da-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
						i += 2;
						fail('four hex digits after \\u');
					}

					i += 6;
				} else if ('"\\/bfnrt'.includes(next)) {
					i += 2;
				} else {
					i++;
					fail('a valid escape');
				}

				continue;
			}

			if (c.charCodeAt(0) < 0x20) fail('the closing quote of the string');
			i++;
		}

		fail('the closing quote of the string');
	};

	const number = () => {
		if (!/[-\d]/.test(text[i] ?? '')) fail('a value (true, false, null, a number, a string, an object or an array)');
		const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
		if (!match || match[0] === '' || match[0] === '-') fail('a number');
		i += match![0].length;
	};

	const value = (): void => {
		skipSpace();
		const c = text[i];
		if (c === undefined) fail('a value');
		if (c === '{') {
			i++;
			skipSpace();
			if (text[i] === '}') {
				i++;
				return;
			}

			for (;;) {
				skipSpace();
				if (text[i] !== '"') fail('a property name in double quotes');
				string();
				skipSpace();
				if (text[i] !== ':') fail(`':' after the property name`);
				i++;
				value();
				skipSpace();
				if (text[i] === ',') {
					i++;
					continue;
				}

				if (text[i] === '}') {
					i++;
					return;
				}

				fail(`',' or '}'`);
			}
		}

		if (c === '[') {
			i++;
			skipSpace();
			if (text[i] === ']') {
				i++;
				return;
			}

			for (;;) {
				value();
				skipSpace();
				if (text[i] === ',') {
					i++;
					continue;
				}

				if (text[i] === ']') {
					i++;
					return;
				}

				fail(`',' or ']'`);
			}
		}

		if (c === '"') string();
		else if (c === 't') literal('true');
		else if (c === 'f') literal('false');
		else if (c === 'n') literal('null');
		else number();
	};

	try {
		value();
		skipSpace();
		if (i < text.length) fail('the end of the file');
		return undefined;
	} catch (error) {
		const at = (error as {at?: {offset: number; expected: string}}).at;
		if (at) return at;
		throw error;
	}
}

/** Parses a whole JSON document or throws a UserError naming the line and column at fault. */
export function parseJsonDocument(text: string, fileName: string): JsonValue {
	const body = text.replace(/^\uFEFF/, '');
	if (body.trim() === '') {
		throw new UserError(`${fileName}: the file is empty`, 'export the results again; nothing was imported');
	}

	try {
		return JSON.parse(body) as JsonValue;
	} catch (error) {
		const at = findJsonError(body);
		if (!at) throw new UserError(`${fileName}: not valid JSON (${(error as Error).message})`, 'nothing was imported');
		const {line, column} = locate(body, at.offset);
		if (at.offset >= body.length) {
			throw new UserError(
				`${fileName}: line ${line}: the JSON ends early, expected ${at.expected} (truncated file?)`,
				'export the results again; nothing was imported',
			);
		}

		throw new UserError(`${fileName}: line ${line}, column ${column}: invalid JSON, expected ${at.expected}`, 'nothing was imported');
	}
}

function describe(value: JsonValue | undefined): string {
	if (value === undefined) return 'nothing (missing)';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
	return `${typeof value} ${String(value)}`;
}

/** Typed access to a parsed document; each error names the file and the field path. */
export class JsonReader {
	constructor(readonly fileName: string) {}

	fail(path: string, message: string): never {
		throw new UserError(`${this.fileName}: field ${path}: ${message}`, 'nothing was imported');
	}

	object(value: JsonValue | undefined, path: string): JsonObject {
		if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `expected an object, got ${describe(value)}`);
		return value as JsonObject;
	}

	array(value: JsonValue | undefined, path: string): JsonValue[] {
		if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
		return value as JsonValue[];
	}

	number(value: JsonValue | undefined, path: string): number {
		if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `expected a number, got ${describe(value)}`);
		return value as number;
	}

	/** A finite number that is not negative (a duration, a count). */
	nonNegative(value: JsonValue | undefined, path: string): number {
		const n = this.number(value, path);
		if (n < 0) this.fail(path, `expected a number ≥ 0, got ${n}`);
		return n;
	}

	string(value: JsonValue | undefined, path: string): string {
		if (typeof value !== 'string') this.fail(path, `expected a string, got ${describe(value)}`);
		return value as string;
	}

	optionalString(value: JsonValue | undefined, path: string): string | undefined {
		return value === undefined || value === null ? undefined : this.string(value, path);
	}

	optionalNumber(value: JsonValue | undefined, path: string): number | undefined {
		return value === undefined || value === null ? undefined : this.number(value, path);
	}

	optionalObject(value: JsonValue | undefined, path: string): JsonObject | undefined {
		return value === undefined || value === null ? undefined : this.object(value, path);
	}

	optionalBoolean(value: JsonValue | undefined, path: string): boolean | undefined {
		if (value === undefined || value === null) return undefined;
		if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
		return value as boolean;
	}

	/** An ISO date string; invalid dates are an error. */
	optionalDate(value: JsonValue | undefined, path: string): Date | undefined {
		const text = this.optionalString(value, path);
		if (text === undefined) return undefined;
		const date = new Date(text);
		if (Number.isNaN(date.getTime())) this.fail(path, `expected a date, got ${describe(value)}`);
		return date;
	}
}
