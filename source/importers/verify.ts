/**
 * The last check of every import before anything is written (issue 11, points 2 and 9): each
 * value must be representable where the store keeps it, and come back the same from `rqc export`.
 * A finite 1e300 s becomes Infinity in nanoseconds; an exit code of 1e20 or 1.5, an iteration of
 * 2.5, a NUL in a name do not fit their columns. Each is refused here with a one-line UserError
 * naming the file, the case and the field, so the database's own errors never reach the user. Pure.
 */
import {UserError} from '../errors.js';
import type {ImportedRun, ImportedSample, ParsedImport} from './types.js';

const INT32_MAX = 2_147_483_647;
/** Largest wall time accepted: about 31.7 years in nanoseconds, well inside a double's exact range. */
export const MAX_WALL_NS = 1e18;
/** Names longer than this are refused: they only fill screens. */
export const MAX_NAME_LENGTH = 200;

/** A value for a message: short, and never a raw control character. */
function show(value: unknown): string {
	const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Why a name (case, suite) cannot be stored as it is, or undefined when it can. */
export function describeTextProblem(text: string): string | undefined {
	if (text.includes('\u0000')) return 'holds a NUL character';
	// An escape sequence in a name would drive the terminal of whoever lists it.
	if (/[\u0001-\u0008\u000B-\u001F\u007F-\u009F]/u.test(text)) return 'holds a terminal control character (an escape sequence?)';
	if (text.length > MAX_NAME_LENGTH * 10) return `is ${text.length} characters long (at most ${MAX_NAME_LENGTH * 10})`;
	return undefined;
}

function checkJsonStrings(value: unknown, at: string, fail: (field: string, message: string) => never, depth = 0): void {
	if (depth > 64) fail(at, 'is nested more than 64 levels deep');
	if (typeof value === 'string') {
		// PostgreSQL's jsonb refuses \u0000.
		if (value.includes('\u0000')) fail(at, 'holds a NUL character');
		return;
	}

	if (typeof value === 'number') {
		if (!Number.isFinite(value)) fail(at, `is ${value}, not a finite number`);
		return;
	}

	if (Array.isArray(value)) {
		for (const [index, item] of value.entries()) checkJsonStrings(item, `${at}[${index}]`, fail, depth + 1);
		return;
	}

	if (value !== null && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			if (key.includes('\u0000')) fail(at, 'has a key holding a NUL character');
			checkJsonStrings(item, `${at}.${key}`, fail, depth + 1);
		}
	}
}

function checkSample(sample: ImportedSample, fail: (field: string, message: string) => never): void {
	const where = `case ${show(sample.caseName)} sample ${Number.isFinite(sample.iteration) ? sample.iteration : '?'}`;
	const bad = (field: string, message: string): never => fail(`${where}: ${field}`, message);
	if (sample.caseName.trim() === '') bad('case name', 'is empty');
	const nameProblem = describeTextProblem(sample.caseName);
	if (nameProblem) bad('case name', nameProblem);
	if (!Number.isInteger(sample.iteration) || sample.iteration < 0 || sample.iteration > INT32_MAX) {
		bad('iteration', `${show(sample.iteration)} is not a whole number from 0 to ${INT32_MAX}`);
	}

	if (!Number.isFinite(sample.wallNs) || sample.wallNs < 0 || sample.wallNs > MAX_WALL_NS) {
		bad('wall time', `${show(sample.wallNs)} ns is not a time from 0 to ${MAX_WALL_NS} ns (the file's value does not fit)`);
	}

	const counters: Array<[string, number | undefined]> = [['userUs', sample.userUs], ['systemUs', sample.systemUs], ['maxRssBytes', sample.maxRssBytes]];
	for (const [field, value] of counters) {
		if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER)) {
			bad(field, `${show(value)} is not a count from 0 to ${Number.MAX_SAFE_INTEGER}`);
		}
	}

	if (sample.exitCode !== undefined && (!Number.isInteger(sample.exitCode) || Math.abs(sample.exitCode) > INT32_MAX)) {
		bad('exit code', `${show(sample.exitCode)} is not a whole number from -${INT32_MAX} to ${INT32_MAX}`);
	}

	if (sample.time !== undefined && !(Math.abs(sample.time.getTime()) < 8.64e15 && sample.time.getUTCFullYear() >= 1970 && sample.time.getUTCFullYear() < 10_000)) {
		bad('time', 'is not a date between 1970 and 9999');
	}

	if (sample.metrics !== undefined) checkJsonStrings(sample.metrics, `${where}: metrics`, fail);
}

function checkRun(run: ImportedRun, fail: (field: string, message: string) => never): void {
	const suiteProblem = describeTextProblem(run.suite);
	if (suiteProblem) fail('suite', `${show(run.suite)} ${suiteProblem}`);
	if (run.statusReason !== undefined && run.statusReason.includes('\u0000')) fail('statusReason', 'holds a NUL character');
	checkJsonStrings(run.environment, 'environment', fail);
	for (const sample of run.samples) checkSample(sample, fail);
}

function failIn(fileName: string): (field: string, message: string) => never {
	return (field: string, message: string): never => {
		throw new UserError(`${fileName}: ${field} ${message}`, 'fix or regenerate the file; nothing was imported');
	};
}

/** Throws a UserError for the first value of one run (or piece of a streamed run) that cannot be stored faithfully. */
export function verifyImportedRun(run: ImportedRun, fileName: string): ImportedRun {
	const fail = failIn(fileName);
	checkRun(run, fail);
	if (run.release?.includes('\u0000')) fail('release.name', 'holds a NUL character');
	return run;
}

/** Throws a UserError for the first value of a parsed file that cannot be stored faithfully. */
export function verifyParsedImport(parsed: ParsedImport, fileName: string): ParsedImport {
	const fail = failIn(fileName);

	for (const run of parsed.runs) checkRun(run, fail);
	if (parsed.release?.name.includes('\u0000')) fail('release.name', 'holds a NUL character');
	return parsed;
}
