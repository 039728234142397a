/**
 * rqc up / ps / logs / down against the real Docker engine and the machine's compose CLI, on the
 * stand-in images of scripts/ci/build-images.sh (compose/docker-compose.ci.yml). Each run copies
 * compose/ to a temporary directory and uses its own compose project name and free ports.
 *
 * jaeger has no image here: a test-only override runs a busybox web server on its health port in
 * its place, only so that `rqc up` with no service named (the default set) can run. The real
 * jaeger and grafana entries are checked with `config` (test/integration/compose/config.test.ts).
 */
import {execFileSync} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import Docker from 'dockerode';
import {render} from 'ink-testing-library';
import React from 'react';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {loadConfig, resolveConfig} from '../../../source/config.js';
import {downCommand} from '../../../source/commands/down.js';
import {logsCommand} from '../../../source/commands/logs.js';
import {psCommand} from '../../../source/commands/ps.js';
import {upCommand} from '../../../source/commands/up.js';
import type {CommandContext, CommandSpec} from '../../../source/commands/types.js';
import {FailureError, UserError} from '../../../source/errors.js';
import {LATEST_SCHEMA_VERSION} from '../../../source/store/migrations.js';
import {openStore} from '../../../source/store/open-store.js';
import {ComposeControl, createComposeControlSource} from '../../../source/ui/compose-control.js';
import {plain, tick, waitForFrame} from '../../helpers/ink.js';
import {describeWith, requireDocker, uniqueSuffix} from '../../helpers/services.js';
import {getFreePort as freePort} from '../../helpers/ports.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const standins = ['rqc-standin-timescaledb:ci', 'rqc-standin-redis:ci', 'rqc-standin-runner:ci', 'rqc-busybox:test'];

function sink(): {stream: Writable; text: () => string} {
	let text = '';
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			text += chunk.toString();
			callback();
		},
	});
	return {stream, text: () => text};
}

interface RunResult {
	readonly code: number;
	readonly stdout: string;
	readonly stderr: string;
}

describeWith([requireDocker()], 'compose stack: rqc up / ps / logs / down on the stand-in images', () => {
	const project = `rqctest${uniqueSuffix()}`;
	const docker = new Docker();
	let dir = '';
	let composeDir = '';
	let overrides: string[] = [];
	let failingOverride = '';
	let dbPort = 0;

	function stackEnv(extraOverrides: string[] = []): Record<string, string | undefined> {
		const env: Record<string, string | undefined> = {...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), RQC_COMPOSE_OVERRIDE: [...overrides, ...extraOverrides].join(path.delimiter)};
		for (const name of ['DB_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'RQC_DATABASE_URL', 'DATABASE_URL', 'REDIS_URL', 'DOCKER_HOST']) delete env[name];
		return env;
	}

	function stackConfig() {
		return resolveConfig({flags: {composeFile: path.join(composeDir, 'docker-compose.yml'), project}, env: {}, homeDir: dir, defaultComposeDir: composeDir});
	}

	/** Runs a command in-process, as cli.tsx would, with this test's stack. */
	async function rqc(command: CommandSpec, args: string[], flags: Record<string, unknown> = {}, extraOverrides: string[] = []): Promise<RunResult> {
		const out = sink();
		const err = sink();
		const env = stackEnv(extraOverrides);
		const config = stackConfig();
		const context: CommandContext = {
			args,
			flags,
			config,
			isJson: flags.json === true,
			isVerbose: false,
			hasColor: false,
			stdout: out.stream,
			stderr: err.stream,
			env,
			signal: new AbortController().signal,
			openStore: async () => {
				throw new Error('not used here');
			},
			openCache: async () => {
				throw new Error('not used here');
			},
		};
		const code = await command.run(context);
		return {code, stdout: out.text(), stderr: err.text()};
	}

	async function psJson(): Promise<Array<{service: string; state: string; health: string; lastHealthOutput: string | null; containerId: string}>> {
		const result = await rqc(psCommand, [], {json: true});
		expect(result.code).toBe(0);
		return (JSON.parse(result.stdout) as {services: Array<{service: string; state: string; health: string; lastHealthOutput: string | null; containerId: string}>}).services;
	}

	beforeAll(async () => {
		for (const image of standins) {
			const present = await docker.getImage(image).inspect().then(() => true, () => false);
			if (!present) throw new Error(`stand-in image ${image} is missing: run bash scripts/ci/build-images.sh`);
		}

		dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-compose-'));
		composeDir = path.join(dir, 'compose');
		cpSync(path.join(root, 'compose'), composeDir, {recursive: true, filter: (source) => path.basename(source) !== '.env'});
		mkdirSync(path.join(dir, 'benchmarks'));
		dbPort = await freePort();
		// The user's settings; rqc up adds the secrets and URLs. Limits fit this 2-core machine
		// and the engine's open-file limit.
		writeFileSync(path.join(composeDir, '.env'), [
			`DB_PORT=${dbPort}`,
			`REDIS_PORT=${await freePort()}`,
			`JAEGER_UI_PORT=${await freePort()}`,
			`OTLP_GRPC_PORT=${await freePort()}`,
			`OTLP_HTTP_PORT=${await freePort()}`,
			'DB_CPUS=1',
			'DB_MEM_LIMIT=512m',
			'RUNNER_CPUS=1',
			'RUNNER_MEMORY=512m',
			'RUNNER_NOFILE=1024',
			'HEALTH_INTERVAL=1s',
			'',
		].join('\n'), {mode: 0o644});
		const placeholder = path.join(dir, 'jaeger-placeholder.yml');
		writeFileSync(placeholder, `services:
  jaeger:
    image: rqc-busybox:test
    init: true
    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 14269 -h /www"]
`);
		failingOverride = path.join(dir, 'redis-failing.yml');
		writeFileSync(failingOverride, `services:
  redis:
    volumes:
      - /scratch
    healthcheck:
      test: ["CMD-SHELL", "echo no PONG from the test override; exit 1"]
      interval: 1s
      retries: 2
      start_period: 0s
`);
		overrides = [path.join(composeDir, 'docker-compose.ci.yml'), placeholder];
	});

	afterAll(async () => {
		if (composeDir) await rqc(downCommand, [], {volumes: true}).catch(() => undefined);
		if (dir) rmSync(dir, {recursive: true, force: true});
	}, 240_000);

	// issue 11: rqc up wrote compose/.env into rqc's installation directory.
	it('rqc up --wait (no profile) starts the default services healthy and writes its settings 0600 under XDG_CONFIG_HOME, not beside the compose file', async () => {
		const result = await rqc(upCommand, [], {wait: true, timeout: 150});
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('Stack ready: 3 services');
		const envFile = path.join(dir, 'config', 'rqc', 'stack.env');
		expect(statSync(envFile).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(envFile)).mode & 0o777).toBe(0o700);
		expect(readFileSync(path.join(composeDir, '.env'), 'utf8')).not.toMatch(/DB_PASSWORD|RQC_DATABASE_URL/);
		const env = readFileSync(envFile, 'utf8');
		expect(env).toMatch(/^DB_PASSWORD=[A-Za-z\d]{32}$/m);
		expect(env).toMatch(/^GRAFANA_ADMIN_PASSWORD=[A-Za-z\d]{32}$/m);
		expect(env).toContain(`@127.0.0.1:${dbPort}/rqc`);
		// No password reaches the output.
		const password = /^DB_PASSWORD=(.*)$/m.exec(env)![1]!;
		expect(result.stdout + result.stderr).not.toContain(password);

		const services = await psJson();
		expect(services.map((s) => s.service)).toEqual(['jaeger', 'redis', 'timescaledb']);
		for (const s of services) expect([s.service, s.state, s.health]).toEqual([s.service, 'running', 'healthy']);
	}, 240_000);

	it('rqc applies its migrations to the stack\'s database, and the Grafana dashboard\'s queries run on that schema', async () => {
		const env: NodeJS.ProcessEnv = {...process.env, XDG_CONFIG_HOME: path.join(dir, 'config')};
		for (const name of ['RQC_DATABASE_URL', 'DATABASE_URL', 'RQC_COMPOSE_FILE']) delete env[name];
		// The URL comes from the settings that rqc up wrote.
		const config = loadConfig({composeFile: path.join(composeDir, 'docker-compose.yml')}, env);
		expect(config.sources.databaseUrl).toBe('dotenv');
		expect(config.databaseUrl).toContain(`127.0.0.1:${dbPort}`);
		const store = await openStore(config);
		try {
			const info = await store.getInfo();
			expect(info.driver).toBe('postgres');
			expect(info.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
			const run = await store.createRun({release: 'v1.0.0', suite: 'dash', mode: 'docker', environment: {runtime: 'docker'}});
			await store.insertSamples([3, 1, 2].map((ms, iteration) => ({runId: run.id, caseName: 'startup', iteration, time: new Date(), wallNs: ms * 1e6})));
			await store.finishRun(run.id, 'completed');
		} finally {
			await store.close();
		}

		const dashboard = JSON.parse(readFileSync(path.join(composeDir, 'grafana/dashboards/release-medians.json'), 'utf8')) as {panels: Array<{targets: Array<{rawSql: string}>}>};
		const client = new pg.Client({connectionString: config.databaseUrl});
		await client.connect();
		try {
			for (const panel of dashboard.panels) {
				const sql = panel.targets[0]!.rawSql.replaceAll(/\$__timeFilter\([^)]*\)/g, 'TRUE').replaceAll('$suite', '\'dash\'');
				const {rows} = await client.query<{median_ms: number}>(sql);
				expect(rows).toHaveLength(1);
				expect(Number(rows[0]!.median_ms)).toBe(2);
			}
		} finally {
			await client.end();
		}
	}, 240_000);

	it('rqc up --profile benchmarks adds the runner with its pinned limits, unprivileged, /sys read-only', async () => {
		const result = await rqc(upCommand, [], {profile: ['benchmarks'], wait: true, timeout: 120});
		expect(result.code).toBe(0);
		const services = await psJson();
		expect(services.map((s) => s.service)).toEqual(['benchmark-runner', 'jaeger', 'redis', 'timescaledb']);
		expect(services.every((s) => s.health === 'healthy')).toBe(true);
		const runner = services.find((s) => s.service === 'benchmark-runner')!;
		const inspect = await docker.getContainer(runner.containerId).inspect();
		const host = inspect.HostConfig;
		expect(host.Privileged).toBe(false);
		expect(host.NanoCpus).toBe(1e9);
		expect([host.Memory, host.MemoryReservation, host.MemorySwap]).toEqual([512 * 2 ** 20, 512 * 2 ** 20, 512 * 2 ** 20]);
		expect(host.PidsLimit).toBe(4096);
		expect(host.Ulimits).toEqual([{Name: 'nofile', Soft: 1024, Hard: 1024}]);
		expect(host.CapAdd).toContain('SYS_PTRACE');
		const sys = inspect.Mounts.find((mount) => mount.Destination === '/sys');
		expect(sys?.RW).toBe(false);
	}, 240_000);

	it('the Services pane controls drive the same stack: D (confirmed) takes it down, p + benchmarks brings it back', async () => {
		const instance = render(<ComposeControl isActive source={createComposeControlSource(stackConfig(), stackEnv())}/>);
		try {
			await tick();
			instance.stdin.write('D');
			await waitForFrame(instance.lastFrame, (f) => f.includes('Bring the stack down?'));
			instance.stdin.write('y');
			await waitForFrame(instance.lastFrame, (f) => /[✓✗] Stack down|✗/.test(f), 90_000);
			expect(plain(instance.lastFrame())).toContain('✓ Stack down: 4 containers removed');
			expect(await psJson()).toEqual([]);
			instance.stdin.write('p');
			await waitForFrame(instance.lastFrame, (f) => f.includes('[ ] benchmarks'), 20_000);
			instance.stdin.write(' ');
			await waitForFrame(instance.lastFrame, (f) => f.includes('[x] benchmarks'));
			instance.stdin.write('\r');
			await waitForFrame(instance.lastFrame, (f) => f.includes('✓ Stack up: 4 services healthy (profiles: benchmarks)'), 120_000);
		} finally {
			instance.unmount();
		}

		const services = await psJson();
		expect(services.map((s) => [s.service, s.health])).toEqual([['benchmark-runner', 'healthy'], ['jaeger', 'healthy'], ['redis', 'healthy'], ['timescaledb', 'healthy']]);
	}, 240_000);

	it('rqc logs SERVICE prints the service\'s log; an unknown service is a usage error', async () => {
		const result = await rqc(logsCommand, ['timescaledb'], {tail: 50});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('database system is ready to accept connections');
		await expect(rqc(logsCommand, ['no-such-service'])).rejects.toBeInstanceOf(UserError);
	}, 240_000);

	it('rqc up --wait names a service whose health check fails, with the check\'s output', async () => {
		const failure = await rqc(upCommand, ['redis'], {wait: true, timeout: 60}, [failingOverride]).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failure).toBeInstanceOf(FailureError);
		expect((failure as FailureError).message).toContain('redis is unhealthy: no PONG from the test override');
		expect((failure as FailureError).exitCode).toBe(1);
		const redis = (await psJson()).find((s) => s.service === 'redis');
		expect(redis?.health).toBe('unhealthy');
		expect(redis?.lastHealthOutput).toBe('no PONG from the test override');
	}, 240_000);

	it('rqc down leaves no container, network or anonymous volume of the project; --volumes removes the named ones', async () => {
		const redisId = (await psJson()).find((s) => s.service === 'redis')!.containerId;
		const anonymous = (await docker.getContainer(redisId).inspect()).Mounts.find((mount) => mount.Destination === '/scratch')?.Name;
		expect(anonymous).toBeTruthy();

		const result = await rqc(downCommand, [], {});
		expect(result.code).toBe(0);
		const label = `com.docker.compose.project=${project}`;
		expect(await docker.listContainers({all: true, filters: {label: [label]}})).toEqual([]);
		expect(await docker.listNetworks({filters: {label: [label]}})).toEqual([]);
		expect(await docker.getVolume(anonymous!).inspect().then(() => 'still there', () => 'gone')).toBe('gone');
		const named = async () => ((await docker.listVolumes({filters: {label: [label]}})).Volumes ?? []).map((volume) => volume.Name).sort();
		expect(await named()).toContain(`${project}_timescale_data`);

		expect((await rqc(downCommand, [], {volumes: true})).code).toBe(0);
		expect(await named()).toEqual([]);
		// Nothing of the project is left for docker-compose to see either.
		const ps = execFileSync('docker', ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}'], {encoding: 'utf8'});
		expect(ps.trim()).toBe('');
	}, 240_000);
});
