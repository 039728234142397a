import {describe, expect, it} from 'vitest';
import {redactSecrets, redactUrl, registerSecret} from '../../source/redact.js';

describe('redaction', () => {
	it.each([
		['postgres://rqc:hunter22@db:5432/rq', 'postgres://rqc:***@db:5432/rq'],
		['redis://:s3cretpw@127.0.0.1:6379/0', 'redis://:***@127.0.0.1:6379/0'],
		['postgres://db/rq?password=abc123&sslmode=require', 'postgres://db/rq?password=***&sslmode=require'],
		['postgres://rqc@db/rq', 'postgres://rqc@db/rq'],
	])('redactUrl(%s)', (url, expected) => {
		expect(redactUrl(url)).toBe(expected);
	});

	it.each([
		['could not connect to postgres://u:pw12345@h/db: refused', 'could not connect to postgres://u:***@h/db: refused'],
		['DB_PASSWORD=abcdef123 LOG_LEVEL=INFO', 'DB_PASSWORD=*** LOG_LEVEL=INFO'],
		['GRAFANA_PASSWORD: "x y z"', 'GRAFANA_PASSWORD: ***'],
		['nothing secret here', 'nothing secret here'],
	])('redactSecrets(%s)', (text, expected) => {
		expect(redactSecrets(text)).toBe(expected);
	});

	it('masks a registered secret wherever it appears bare', () => {
		registerSecret('Zq9-very-secret');
		expect(redactSecrets('server said: bad password Zq9-very-secret')).toBe('server said: bad password ***');
	});
});
