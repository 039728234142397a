import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseDotenv} from '../../../source/config.js';
import {computeEngineEnv, computeStackEnvAdditions, ensureStackEnv, makeSecret} from '../../../source/docker/stack-env.js';

const counter = () => {
	let n = 0;
	return () => `secret${++n}`;
};

describe('computeStackEnvAdditions', () => {
	it.each([
		['empty file: secrets and URLs with defaults', {}, {}, [
			['DB_PASSWORD', 'secret1'],
			['GRAFANA_ADMIN_PASSWORD', 'secret2'],
			['RQC_DATABASE_URL', 'postgres://rqc:secret1@127.0.0.1:5432/rqc'],
			['REDIS_URL', 'redis://127.0.0.1:6379'],
		]],
		['ports, names and bind address from the file', {DB_PORT: '25432', REDIS_PORT: '26379', DB_USER: 'me', DB_NAME: 'bench', BIND_ADDRESS: '127.0.0.2'}, {}, [
			['DB_PASSWORD', 'secret1'],
			['GRAFANA_ADMIN_PASSWORD', 'secret2'],
			['RQC_DATABASE_URL', 'postgres://me:secret1@127.0.0.2:25432/bench'],
			['REDIS_URL', 'redis://127.0.0.2:26379'],
		]],
		['the shell wins over the file; 0.0.0.0 is reached on loopback', {DB_PORT: '1'}, {DB_PORT: '2', BIND_ADDRESS: '0.0.0.0'}, [
			['DB_PASSWORD', 'secret1'],
			['GRAFANA_ADMIN_PASSWORD', 'secret2'],
			['RQC_DATABASE_URL', 'postgres://rqc:secret1@127.0.0.1:2/rqc'],
			['REDIS_URL', 'redis://127.0.0.1:6379'],
		]],
		['a password already set is used, not replaced', {DB_PASSWORD: 'p@ss word', GRAFANA_ADMIN_PASSWORD: 'g'}, {}, [
			['RQC_DATABASE_URL', 'postgres://rqc:p%40ss%20word@127.0.0.1:5432/rqc'],
			['REDIS_URL', 'redis://127.0.0.1:6379'],
		]],
		['an empty URL line keeps rqc on its embedded store', {DB_PASSWORD: 'x', GRAFANA_ADMIN_PASSWORD: 'g', RQC_DATABASE_URL: '', REDIS_URL: ''}, {}, []],
		['an empty password is filled', {DB_PASSWORD: '', GRAFANA_ADMIN_PASSWORD: 'g', RQC_DATABASE_URL: '', REDIS_URL: ''}, {}, [['DB_PASSWORD', 'secret1']]],
	])('%s', (_name, existing, env, expected) => {
		expect(computeStackEnvAdditions(existing, env, counter()).entries).toEqual(expected);
	});
});

describe('computeEngineEnv', () => {
	it.each([
		['20.10.24+dfsg1', {}, {}, {RUNNER_PERF_CAP: 'CAP_SYS_PTRACE'}],
		['23.0.0', {}, {}, {}],
		['28.2.2', {}, {}, {}],
		['20.10.24', {RUNNER_PERF_CAP: 'PERFMON'}, {}, {}],
		['20.10.24', {}, {RUNNER_PERF_CAP: 'PERFMON'}, {}],
		[undefined, {}, {}, {}],
	])('engine %s', (version, env, dotenv, expected) => {
		expect(computeEngineEnv(version, env, dotenv)).toEqual(expected);
	});
});

describe('makeSecret', () => {
	it('is letters and digits of the asked length, different each time', () => {
		const a = makeSecret();
		expect(a).toMatch(/^[A-Za-z\d]{32}$/);
		expect(makeSecret()).not.toBe(a);
		expect(makeSecret(8)).toHaveLength(8);
	});

	it('skips bytes that would bias the alphabet', () => {
		expect(makeSecret(3, (size) => new Uint8Array(size).fill(255).fill(0, size - 3))).toBe('AAA');
	});
});

describe('ensureStackEnv (a temporary directory)', () => {
	let dir = '';
	afterEach(() => {
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	it('creates the file with mode 0600 in a 0700 directory, and a second call adds nothing', () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-env-'));
		const file = path.join(dir, 'config', 'rqc', 'stack.env');
		const first = ensureStackEnv(file, {}, counter());
		expect(first.isCreated).toBe(true);
		expect(first.generated).toEqual(['DB_PASSWORD', 'GRAFANA_ADMIN_PASSWORD']);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
		expect(parseDotenv(readFileSync(file, 'utf8'))).toEqual({
			DB_PASSWORD: 'secret1', GRAFANA_ADMIN_PASSWORD: 'secret2', RQC_DATABASE_URL: 'postgres://rqc:secret1@127.0.0.1:5432/rqc', REDIS_URL: 'redis://127.0.0.1:6379',
		});
		const second = ensureStackEnv(file, {}, counter());
		expect([second.isCreated, second.added]).toEqual([false, []]);
	});

	it('appends to a user\'s file, keeps its lines and makes it private', () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-env-'));
		const file = path.join(dir, '.env');
		writeFileSync(file, '# mine\nDB_PORT=25432', {mode: 0o644});
		const result = ensureStackEnv(file, {}, counter());
		expect(result.added).toEqual(['DB_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'RQC_DATABASE_URL', 'REDIS_URL']);
		const text = readFileSync(file, 'utf8');
		expect(text.startsWith('# mine\nDB_PORT=25432\nDB_PASSWORD=secret1\n')).toBe(true);
		expect(parseDotenv(text).RQC_DATABASE_URL).toBe('postgres://rqc:secret1@127.0.0.1:25432/rqc');
		expect(statSync(file).mode & 0o777).toBe(0o600);
	});

	// issue 11: settings kept in a .env beside the compose file are read, never written again.
	it('takes what a .env beside the compose file sets into account without copying it', () => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-env-'));
		const file = path.join(dir, 'stack.env');
		const result = ensureStackEnv(file, {}, counter(), {DB_PORT: '25432', DB_PASSWORD: 'kept'});
		expect(result.generated).toEqual(['GRAFANA_ADMIN_PASSWORD']);
		const written = parseDotenv(readFileSync(file, 'utf8'));
		expect(written.DB_PASSWORD).toBeUndefined();
		expect(written.DB_PORT).toBeUndefined();
		expect(written.RQC_DATABASE_URL).toBe('postgres://rqc:kept@127.0.0.1:25432/rqc');
	});
});
