/**
 * Release names as rqc accepts them, and names made safe for a terminal (issue 11, point 11).
 * A name is chosen once, at creation, and then typed in compare selectors (`v1@docker`), shown in
 * tables and hints: it must be printable, free of `@`, and of a sane length. Pure.
 */
import {UserError} from './errors.js';

export const MAX_RELEASE_NAME_LENGTH = 100;

const RULE = `a release name is 1 to ${MAX_RELEASE_NAME_LENGTH} printable characters, without "@" (it separates the mode in compare: v1@docker), control characters or line breaks`;

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const controlCharacters = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;

/** Text with every control character shown as an escape (\n, \u001b...), so nothing reaches a terminal raw. */
export function toPrintable(text: string): string {
	return text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/gu, (c) => {
		if (c === '\n') return '\\n';
		if (c === '\t') return '\\t';
		if (c === '\r') return '\\r';
		return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
	});
}

/** A name for a message: printable and cut to `max` characters. */
export function showName(name: string, max = 60): string {
	const printable = toPrintable(name);
	return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}

/** Why a new release name is refused, or undefined when it is fine. Pure. */
export function describeReleaseNameProblem(name: string): string | undefined {
	if (name.trim() === '') return 'is empty';
	if (name.length > MAX_RELEASE_NAME_LENGTH) return `is ${name.length} characters long`;
	if (controlCharacters.test(name)) return 'holds a control character or a line break';
	if (name.includes('@')) return 'holds "@"';
	if (name !== name.trim()) return 'starts or ends with a space';
	return undefined;
}

/** The name of a release about to be created (bench run, import); a UserError stating the rule otherwise. */
export function verifyNewReleaseName(name: string, flag = '--release'): string {
	const problem = describeReleaseNameProblem(name);
	if (problem) throw new UserError(`${flag} "${showName(name)}" ${problem}`, RULE);
	return name;
}

/**
 * At most `limit` known names to suggest for an unknown one: those sharing its start first, then
 * the newest. Each shown printable and short; says how many more there are. Pure.
 */
export function formatSuggestions(wanted: string, known: readonly string[], limit = 5): string {
	const lower = wanted.toLowerCase();
	const stem = lower.slice(0, Math.max(1, Math.min(3, lower.length)));
	const ranked = [...known].sort((a, b) => Number(b.toLowerCase().startsWith(stem)) - Number(a.toLowerCase().startsWith(stem)));
	const shown = ranked.slice(0, limit).map((name) => showName(name, 40));
	const more = known.length - shown.length;
	return `${shown.join(', ')}${more > 0 ? ` and ${more} more (rqc releases lists them)` : ''}`;
}

// [registry[:port]/]path[:tag][@digest], as the Docker reference grammar has it (lower-case path).
const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const imagePattern = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::\\d+)?/)?${component}(?:/${component})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** An image reference as Docker accepts it; a UserError naming the flag otherwise (issue 11, point 9). */
export function verifyImageReference(image: string, flag = '--image'): string {
	if (image.length > 255 || !imagePattern.test(image)) {
		throw new UserError(`${flag} "${showName(image)}" is not a Docker image reference`, 'use NAME[:TAG] in lower case, e.g. rqc-busybox:test or registry.example:5000/team/runner:1.2');
	}

	return image;
}
