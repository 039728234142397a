/**
 * The built binary: --help, --version, exit codes, doctor and status, --json output.
 * `npm test` builds dist/ first.
 */
import {readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadAllCommands} from '../../source/commands/index.js';
import {LATEST_SCHEMA_VERSION} from '../../source/store/migrations.js';

const commands = await loadAllCommands();
import {runCli, root} from '../helpers/cli.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../helpers/postgres.js';
import {describeWith, requireDocker, requirePostgres, requireRedis, uniqueSuffix} from '../helpers/services.js';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string};
const temp = createTempDir('rqc-e2e-');
const dataEnv = {RQC_DATA_DIR: temp.dir};
afterAll(() => temp.cleanup());

describe('rqc --help and --version', () => {
	it('lists every command with an example', async () => {
		const {exitCode, stdout} = await runCli(['--help']);
		expect(exitCode).toBe(0);
		for (const command of commands) {
			expect(stdout).toContain(`${command.name}  `);
			expect(stdout).toContain(command.examples[0]);
		}

		expect(stdout).toMatch(/Exit codes: 0 ok, 1 failure.*2 bad usage.*3 a needed service unreachable/);
	});

	it('has per-command help', async () => {
		const {exitCode, stdout} = await runCli(['doctor', '--help']);
		expect(exitCode).toBe(0);
		expect(stdout).toContain('rqc doctor [--json]');
	});

	it('prints the package version', async () => {
		const {exitCode, stdout} = await runCli(['--version']);
		expect(exitCode).toBe(0);
		expect(stdout.trim()).toBe(pkg.version);
	});

	it('prints it for -v and after a command too, and alone without loading the argument parser', async () => {
		const trace = path.join(os.tmpdir(), `rqc-trace-${uniqueSuffix()}`);
		try {
			const alone = await runCli(['-v'], {...dataEnv, RQC_TRACE_IMPORTS: trace}, {nodeOptions: ['--import', path.join(root, 'test/helpers/trace-imports.mjs')]} as never);
			expect(alone.exitCode).toBe(0);
			expect(alone.stdout.trim()).toBe(pkg.version);
			const loaded = readFileSync(trace, 'utf8');
			expect(loaded).toContain('/dist/main.js');
			expect(loaded).not.toMatch(/node_modules\/meow\//);
		} finally {
			rmSync(trace, {force: true});
		}

		const afterCommand = await runCli(['status', '--version'], dataEnv);
		expect(afterCommand.exitCode).toBe(0);
		expect(afterCommand.stdout.trim()).toBe(pkg.version);
	});
});

describe('bad usage exits 2 with a one-line reason', () => {
	it.each([
		[['no-such-command'], /unknown command "no-such-command"/],
		[['status', '--no-such-flag'], /Unknown flag/],
	])('rqc %j', async (args, message) => {
		const {exitCode, stderr, stdout} = await runCli(args, dataEnv);
		expect(exitCode).toBe(2);
		expect(stderr + stdout).toMatch(message);
	});

	it('gives the error as JSON on stdout with --json', async () => {
		const {exitCode, stdout} = await runCli(['no-such-command', '--json'], dataEnv);
		expect(exitCode).toBe(2);
		expect(JSON.parse(stdout)).toMatchObject({error: {kind: 'UserError', exitCode: 2}});
	});
});

describe('without a terminal, rqc prints the status summary and a hint', () => {
	it('does not start the TUI', async () => {
		const {stdout, stderr} = await runCli([], {...dataEnv, DOCKER_HOST: 'unix:///nonexistent.sock'});
		expect(stdout).toMatch(/docker\s+unreachable/);
		expect(stdout).toMatch(/database\s+embedded \(PGlite\)/);
		expect(stderr).toContain('run rqc in a terminal for the console');
	});
});

describe('--json loads neither Ink nor React', () => {
	it.each([['doctor'], ['status']])('rqc %s --json', async (command) => {
		const trace = path.join(os.tmpdir(), `rqc-trace-${uniqueSuffix()}`);
		try {
			const {stdout} = await runCli([command, '--json'], {...dataEnv, RQC_TRACE_IMPORTS: trace, DOCKER_HOST: 'unix:///nonexistent.sock'},
				{nodeOptions: ['--import', path.join(root, 'test/helpers/trace-imports.mjs')]} as never);
			expect(() => JSON.parse(stdout)).not.toThrow();
			const loaded = readFileSync(trace, 'utf8');
			expect(loaded).toContain('/dist/cli.js');
			expect(loaded).not.toMatch(/node_modules\/(ink|react)\//);
		} finally {
			rmSync(trace, {force: true});
		}
	});
});

// issue 13: rqc releases --json starts quickly: no argument parser, width tables or COPY streams.
describe('rqc releases --json loads only what it uses', () => {
	it('loads neither meow, string-width, pg-copy-streams, Ink nor React', async () => {
		const trace = path.join(os.tmpdir(), `rqc-trace-${uniqueSuffix()}`);
		try {
			const {exitCode, stdout} = await runCli(['releases', '--json'], {...dataEnv, RQC_TRACE_IMPORTS: trace},
				{nodeOptions: ['--import', path.join(root, 'test/helpers/trace-imports.mjs')]} as never);
			expect(exitCode).toBe(0);
			expect(JSON.parse(stdout)).toHaveProperty('releases');
			const loaded = readFileSync(trace, 'utf8');
			expect(loaded).toContain('/dist/commands/releases.js');
			expect(loaded).not.toMatch(/node_modules\/(meow|string-width|pg-copy-streams|ink|react)\//);
		} finally {
			rmSync(trace, {force: true});
		}
	});
});

describeWith([requireDocker(), requirePostgres(), requireRedis()], 'rqc doctor against real services', () => {
	let db: TestDatabase;
	beforeAll(async () => {
		db = await createTestDatabase();
	});
	afterAll(async () => db?.drop());

	it('reports everything healthy and exits 0', async () => {
		const {exitCode, stdout} = await runCli(['doctor', '--json'], {...dataEnv, RQC_DATABASE_URL: db.url, REDIS_URL: process.env.RQC_TEST_REDIS_URL});
		const report = JSON.parse(stdout);
		expect(report).toMatchObject({
			ok: true,
			docker: {status: 'ok', endpoint: 'unix:///var/run/docker.sock', version: expect.any(String), apiVersion: expect.stringMatching(/^1\.\d+$/)},
			compose: {status: 'ok', kind: expect.stringMatching(/^v[12]$/), version: expect.any(String)},
			database: {status: 'ok', driver: 'postgres', hasTimescale: false, schemaVersion: LATEST_SCHEMA_VERSION, latestSchemaVersion: LATEST_SCHEMA_VERSION, serverVersion: expect.stringMatching(/^\d+/)},
			redis: {status: 'ok', version: expect.stringMatching(/^\d/)},
		});
		expect(report.database.location).toContain(':***@');
		expect(stdout).not.toContain(new URL(db.url).password);
		expect(exitCode).toBe(0);
	});

	it('tells the truth with the engine gone, Redis stopped and a wrong password, and exits 3', async () => {
		const url = new URL(db.url);
		url.password = 'Wr0ng-Password-Shown-Nowhere';
		const env = {...dataEnv, RQC_DATABASE_URL: url.toString(), REDIS_URL: 'redis://:RedisPw-Nowhere@127.0.0.1:1', DOCKER_HOST: 'unix:///nonexistent/docker.sock'};
		const json = await runCli(['doctor', '--json'], env);
		expect(json.exitCode).toBe(3);
		const report = JSON.parse(json.stdout);
		expect(report).toMatchObject({
			ok: false,
			docker: {status: 'unreachable', endpoint: 'unix:///nonexistent/docker.sock', fix: expect.stringContaining('start the engine')},
			database: {status: 'unreachable', driver: 'postgres', error: expect.stringContaining('refused the credentials'), fix: expect.any(String)},
			redis: {status: 'unreachable', fix: expect.stringContaining('start Redis')},
		});

		const text = await runCli(['doctor'], env);
		expect(text.exitCode).toBe(3);
		for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) {
			expect(output).not.toContain('Wr0ng-Password-Shown-Nowhere');
			expect(output).not.toContain('RedisPw-Nowhere');
		}

		expect(text.stdout).toMatch(/✗ Docker engine unreachable/);
		expect(text.stdout).toMatch(/✗ Database: PostgreSQL at postgres:\/\/rqc:\*\*\*@/);
		expect(text.stdout).toMatch(/fix: /);
	});

	it('reports the embedded store with its path when no URL is set', async () => {
		const {exitCode, stdout} = await runCli(['doctor', '--json'], dataEnv);
		const report = JSON.parse(stdout);
		expect(report.database).toMatchObject({status: 'ok', driver: 'pglite', location: path.join(temp.dir, 'pglite'), hasTimescale: false});
		expect(report.redis).toMatchObject({status: 'not_configured'});
		expect(exitCode).toBe(0);
	});
});
