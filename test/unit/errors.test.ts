import {describe, expect, it} from 'vitest';
import {ExternalError, FailureError, ServiceError, UserError, errorToJson, exitCodeOf, formatError} from '../../source/errors.js';

describe('errors', () => {
	it.each([
		[new UserError('bad'), 2],
		[new ServiceError('database', 'down'), 3],
		[new ExternalError('docker ps', 'failed'), 1],
		[new FailureError('regression'), 1],
		[new Error('bug'), 1],
		['a string thrown', 1],
	])('%s exits %i', (error, code) => {
		expect(exitCodeOf(error)).toBe(code);
	});

	it('formats a user error as one line plus its hint, with no stack', () => {
		const text = formatError(new UserError('unknown release "v9"', 'see rqc releases'));
		expect(text).toBe('rqc: unknown release "v9"\n  → see rqc releases');
	});

	it('never shows a password, in text or JSON', () => {
		const error = new ServiceError('database', 'cannot reach postgres://u:pa55word@h/db', 'check postgres://u:pa55word@h/db');
		expect(formatError(error)).not.toContain('pa55word');
		expect(JSON.stringify(errorToJson(error))).not.toContain('pa55word');
		expect(errorToJson(error).error).toMatchObject({kind: 'ServiceError', service: 'database', exitCode: 3});
	});

	it('shows a bug\'s stack only when verbose', () => {
		const bug = new TypeError('x is undefined');
		expect(formatError(bug)).toContain('internal error: x is undefined');
		expect(formatError(bug)).not.toContain('at ');
		expect(formatError(bug, true)).toContain('TypeError: x is undefined\n');
	});
});
