import {describe, expect, it} from 'vitest';
import {toJson} from '../../source/json.js';
import {describeEndpoint} from '../../source/docker/engine.js';
import {errorToJson, UserError} from '../../source/errors.js';
import {redactSecrets} from '../../source/redact.js';

describe('--json output', () => {
	// issue 11: masking the serialised text with password=\S+ ate closing quotes and broke the JSON.
	it.each([
		'build password=abc',
		'x" password="y',
		'token: abc, SECRET=1; pw',
		'postgres://u:p@h/db',
		'line\nbreak\u001B[31m',
	])('never alters user data: %j round-trips', (name) => {
		const value = {release: {name}, list: [name], nested: {deeper: {name}}};
		expect(JSON.parse(toJson(value))).toEqual(value);
	});

	it('writes absent values as null', () => {
		expect(JSON.parse(toJson({a: undefined, b: 1}))).toEqual({a: null, b: 1});
	});

	// issue 11: DOCKER_HOST=tcp://user:secret@host was shown in clear by doctor and status.
	it('masks the password of a DOCKER_HOST where it is shown', () => {
		expect(describeEndpoint('tcp://user:secret@host:2376')).toBe('tcp://user:***@host:2376');
		expect(describeEndpoint(undefined)).toBe('unix:///var/run/docker.sock');
	});

	it('keeps an error that quotes a name as valid JSON, with the password masked inside the message only', () => {
		const json = toJson(errorToJson(new UserError('unknown release "build password=abc"', 'see rqc releases')));
		const parsed = JSON.parse(json) as {error: {message: string}};
		expect(parsed.error.message).toBe('unknown release "build password=***"');
	});

	it('stops a masked bare value at a quote, comma or semicolon', () => {
		expect(redactSecrets('"password=abc" and token=x,y')).toBe('"password=***" and token=***,y');
	});
});
