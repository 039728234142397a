import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors.js';
import {joinNegativeValues} from '../../source/main.js';
import {describeReleaseNameProblem, formatSuggestions, toPrintable, verifyImageReference, verifyNewReleaseName} from '../../source/names.js';

describe('release names (issue 11)', () => {
	it.each([
		['v1.4.0', undefined],
		['build 2026-01-01 (nightly)', undefined],
		['build password=abc', undefined],
		['v1@docker', 'holds "@"'],
		['v1\u001B[2J', 'holds a control character or a line break'],
		['a\nb', 'holds a control character or a line break'],
		['x'.repeat(101), 'is 101 characters long'],
		['  ', 'is empty'],
		[' v1', 'starts or ends with a space'],
	])('%j → %s', (name, problem) => {
		expect(describeReleaseNameProblem(name)).toBe(problem);
	});

	it('states the rule in the hint and shows the name printable and short', () => {
		const error = (() => {
			try {
				verifyNewReleaseName(`${'v'.repeat(200)}\u001B`);
				return undefined;
			} catch (error_) {
				return error_ as UserError;
			}
		})();
		expect(error).toBeInstanceOf(UserError);
		expect(error!.message.length).toBeLessThan(120);
		expect(error!.hint).toMatch(/1 to 100 printable characters, without "@"/);
	});

	it('escapes control characters for display', () => {
		expect(toPrintable('a\u001B[31mb\nc\u0085')).toBe('a\\u001b[31mb\\nc\\u0085');
	});

	// issue 11: a 100,000-character name filled every "unknown release" hint.
	it('suggests at most five names, those sharing the start first, and counts the rest', () => {
		const known = ['alpha', 'v1.0', 'beta', 'v1.1', 'gamma', 'v2.0', 'x'.repeat(1000), 'delta'];
		const text = formatSuggestions('v1.2', known);
		expect(text.startsWith('v1.0, v1.1, ')).toBe(true);
		expect(text).toMatch(/ and 3 more \(rqc releases lists them\)$/);
		expect(text.length).toBeLessThan(200);
	});
});

describe('image references (issue 11)', () => {
	it.each(['rqc-busybox:test', 'debian', 'registry.example:5000/team/runner:1.2', `a@sha256:${'0'.repeat(64)}`])('accepts %s', (image) => {
		expect(verifyImageReference(image)).toBe(image);
	});

	it.each(['bad image', 'UPPER', 'a:', ':tag', 'a//b', ''])('refuses %j', (image) => {
		expect(() => verifyImageReference(image)).toThrow(UserError);
	});
});

describe('negative flag values (issue 11)', () => {
	const flags = {threshold: {type: 'string', description: ''}, cpus: {type: 'number', description: ''}, json: {type: 'boolean', description: ''}} as const;
	it('joins a negative value to the flag that takes it, and leaves everything else alone', () => {
		expect(joinNegativeValues(['compare', 'a', 'b', '--threshold', '-5%', '--cpus', '-1', '--json', '-h'], flags))
			.toEqual(['compare', 'a', 'b', '--threshold=-5%', '--cpus=-1', '--json', '-h']);
		expect(joinNegativeValues(['--threshold', '--json'], flags)).toEqual(['--threshold', '--json']);
		expect(joinNegativeValues(['--', '--threshold', '-5'], flags)).toEqual(['--', '--threshold', '-5']);
	});
});
