/**
 * The compose files as this machine's compose CLI reads them (`config`): the full stack,
 * jaeger and grafana included (they are checked here, not started: no images on this machine),
 * with and without the CI override, and the stop on an unset DB_PASSWORD.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {detectCompose, getComposeProfiles, runCompose, type ComposeTarget} from '../../../source/docker/compose.js';
import {ExternalError} from '../../../source/errors.js';
import {describeWith, requireDocker, uniqueSuffix} from '../../helpers/services.js';

// A copy without .env: a developer's compose/.env must not change what is checked.
const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../compose');
const tempDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-compose-config-'));
const composeDir = path.join(tempDir, 'compose');
cpSync(sourceDir, composeDir, {recursive: true, filter: (source) => path.basename(source) !== '.env'});
afterAll(() => {
	rmSync(tempDir, {recursive: true, force: true});
});
const mainFile = path.join(composeDir, 'docker-compose.yml');
const ciFile = path.join(composeDir, 'docker-compose.ci.yml');

interface Service {
	image?: string;
	build?: unknown;
	profiles?: string[];
	ports?: Array<string | {host_ip?: string; published?: string | number; target?: number}>;
	healthcheck?: {test?: unknown};
	privileged?: boolean;
}

function target(files: string[], env: Record<string, string | undefined>): ComposeTarget {
	const clean = {...process.env};
	for (const name of ['DB_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'BIND_ADDRESS']) delete clean[name];
	return {files, project: `rqccfg${uniqueSuffix()}`, projectDir: composeDir, env: {...clean, ...env}};
}

async function config(files: string[], env: Record<string, string | undefined>): Promise<{services: Record<string, Service>}> {
	const cli = await detectCompose();
	const t = target(files, env);
	const profiles = await getComposeProfiles(cli, t);
	return parse(await runCompose(cli, t, ['config'], {profiles, isRedacted: false})) as {services: Record<string, Service>};
}

// `config` needs no engine, but the compose CLI comes with it on these machines.
describeWith([requireDocker()], 'compose files: `config` with this machine\'s compose CLI', () => {
	const secrets = {DB_PASSWORD: 'config-test-password', GRAFANA_ADMIN_PASSWORD: 'config-test-grafana'};

	it('the full stack (every profile) is valid, ports on 127.0.0.1, every service with a health check', async () => {
		const {services} = await config([mainFile], secrets);
		expect(Object.keys(services).sort()).toEqual(['benchmark-runner', 'grafana', 'jaeger', 'redis', 'timescaledb']);
		for (const [name, service] of Object.entries(services)) {
			expect(service.healthcheck?.test, name).toBeTruthy();
			expect(service.privileged ?? false, name).toBe(false);
			for (const port of service.ports ?? []) {
				const hostIp = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
				expect(hostIp, `${name} ${JSON.stringify(port)}`).toBe('127.0.0.1');
			}
		}

		expect(services.jaeger?.image).toBe('jaegertracing/all-in-one:1.76.0');
		expect(services.grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
	});

	it('BIND_ADDRESS opens the ports deliberately', async () => {
		const {services} = await config([mainFile], {...secrets, BIND_ADDRESS: '0.0.0.0'});
		const port = services.timescaledb?.ports?.[0];
		expect(typeof port === 'string' ? port : port?.host_ip).toMatch(/^0\.0\.0\.0/);
	});

	it('the CI override changes only images (and the runner\'s build base)', async () => {
		const base = await config([mainFile], secrets);
		const ci = await config([mainFile, ciFile], secrets);
		expect(ci.services.timescaledb?.image).toBe('rqc-standin-timescaledb:ci');
		expect(ci.services.redis?.image).toBe('rqc-standin-redis:ci');
		expect(ci.services['benchmark-runner']?.image).toBe('rqc-standin-runner:ci');
		expect(Object.keys(ci.services).sort()).toEqual(Object.keys(base.services).sort());
		// The override file itself holds image:/build: keys only.
		const override = parse(readFileSync(ciFile, 'utf8')) as {services: Record<string, Record<string, unknown>>};
		for (const [name, service] of Object.entries(override.services)) {
			expect(Object.keys(service).filter((key) => key !== 'image' && key !== 'build'), name).toEqual([]);
		}
	});

	it('stops with the documented message when DB_PASSWORD is unset', async () => {
		const cli = await detectCompose();
		const error = await runCompose(cli, target([mainFile], {GRAFANA_ADMIN_PASSWORD: 'x'}), ['config']).then(() => undefined, (caught: unknown) => caught);
		expect(error).toBeInstanceOf(ExternalError);
		expect((error as ExternalError).message).toContain('DB_PASSWORD is not set; run `rqc up`');
	});
});

describe('compose CLI detection', () => {
	it('finds docker compose v2 or docker-compose v1 on this machine', async () => {
		const cli = await detectCompose();
		expect(['v1', 'v2']).toContain(cli.kind);
		expect(cli.version).toMatch(/^\d+\.\d+/);
	});
});
