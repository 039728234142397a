/** Static checks of compose/: what the issue asks of the files, read as data. */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {migrations} from '../../../source/store/migrations.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const composeText = read('compose/docker-compose.yml');
const compose = parse(composeText) as {version?: string; services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown>; networks: Record<string, unknown>};

describe('compose/docker-compose.yml', () => {
	it('is Compose Spec without a version key, with one named network and named volumes', () => {
		expect(compose.version).toBeUndefined();
		expect(Object.keys(compose.networks)).toEqual(['rqc']);
		for (const [name, service] of Object.entries(compose.services)) {
			expect(service.networks, name).toEqual(['rqc']);
			for (const volume of (service.volumes as string[] | undefined) ?? []) {
				const source = volume.split(':')[0]!;
				// Named volumes, or binds of host paths (benchmarks, /sys, provisioning): no anonymous ones.
				expect(source in compose.volumes || source.startsWith('.') || source.startsWith('/') || source.startsWith('${'), `${name}: ${volume}`).toBe(true);
			}
		}
	});

	it.each([
		['timescaledb', /^timescale\/timescaledb:2\.\d+\.\d+-pg1[67]$/],
		['redis', /^redis:7\.\d+\.\d+-alpine$/],
		['jaeger', /^jaegertracing\/all-in-one:1\.\d+\.\d+$/],
		['grafana', /^grafana\/grafana:\d+\.\d+\.\d+$/],
		['benchmark-runner', /^rqc\/benchmark-runner:\d+\.\d+\.\d+$/],
	])('%s is pinned', (name, pattern) => {
		expect(compose.services[name]?.image).toMatch(pattern);
	});

	it('binds every published port to ${BIND_ADDRESS:-127.0.0.1}', () => {
		const ports = Object.values(compose.services).flatMap((service) => (service.ports as string[] | undefined) ?? []);
		expect(ports.length).toBeGreaterThan(0);
		for (const port of ports) expect(port).toMatch(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\$\{[A-Z_]+:-\d+\}:\d+$/);
	});

	it('ships no password: DB_PASSWORD and GRAFANA_ADMIN_PASSWORD are required, never defaulted', () => {
		expect(composeText).not.toMatch(/\$\{(DB_PASSWORD|GRAFANA_ADMIN_PASSWORD):?-/);
		expect(composeText).toContain('${DB_PASSWORD:?DB_PASSWORD is not set');
		expect(composeText).toContain('${GRAFANA_ADMIN_PASSWORD:?');
	});

	it('has a health check on every service', () => {
		for (const [name, service] of Object.entries(compose.services)) expect((service.healthcheck as {test?: unknown})?.test, name).toBeTruthy();
	});

	it('puts the runner under profile benchmarks, pinned and unprivileged, and grafana under monitoring', () => {
		const runner = compose.services['benchmark-runner']!;
		expect(runner.profiles).toEqual(['benchmarks']);
		expect(runner.privileged).toBeUndefined();
		expect(runner.cap_add).toEqual(['SYS_PTRACE', '${RUNNER_PERF_CAP:-PERFMON}']);
		expect([runner.cpus, runner.mem_limit, runner.mem_reservation, runner.memswap_limit]).toEqual(['${RUNNER_CPUS:-4}', '${RUNNER_MEMORY:-8g}', '${RUNNER_MEMORY:-8g}', '${RUNNER_MEMORY:-8g}']);
		expect(runner.pids_limit).toBeTypeOf('number');
		expect(runner.ulimits).toEqual({nofile: {soft: '${RUNNER_NOFILE:-65536}', hard: '${RUNNER_NOFILE:-65536}'}});
		expect(runner.volumes).toContain('/sys:/sys:ro');
		expect(compose.services.grafana?.profiles).toEqual(['monitoring']);
		expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '${REDIS_MAXMEMORY:-2gb}', '${REDIS_MAXMEMORY_POLICY:-allkeys-lru}']));
	});

	it('documents every variable it reads in .env.example', () => {
		const example = read('compose/.env.example');
		const used = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z\d_]*)/g)].map((match) => match[1]!));
		for (const name of used) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
		expect(example).toMatch(/^DB_PASSWORD=$/m);
	});
});

describe('the Grafana dashboard', () => {
	const dashboard = JSON.parse(read('compose/grafana/dashboards/release-medians.json')) as {uid: string; panels: Array<{datasource: {uid: string}; targets: Array<{rawSql: string}>}>};
	const datasource = parse(read('compose/grafana/provisioning/datasources/rqc.yml')) as {datasources: Array<{uid: string; secureJsonData: {password: string}}>};
	const schema = migrations.map((migration) => migration.sql).join('\n');

	it('queries the provisioned datasource, whose password comes from the environment', () => {
		const [source] = datasource.datasources;
		expect(source?.secureJsonData.password).toBe('$RQC_DB_PASSWORD');
		for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(source?.uid);
	});

	it('uses only tables and columns of rqc\'s schema', () => {
		const columns = ['created_at', 'release_id', 'suite', 'status', 'case_name', 'wall_ns', 'is_warmup', 'run_id', 'name'];
		for (const panel of dashboard.panels) {
			for (const column of columns.filter((c) => panel.targets[0]!.rawSql.includes(c))) expect(schema, column).toMatch(new RegExp(`\\b${column}\\b`));
			expect(panel.targets[0]!.rawSql).toMatch(/FROM samples s\s+JOIN runs r ON r\.id = s\.run_id\s+JOIN releases rel ON rel\.id = r\.release_id/);
		}
	});
});

describe('the runner image and its CI stand-in', () => {
	it('the stand-in base holds every package the runner Dockerfile installs', () => {
		const dockerfile = read('compose/benchmark-runner/Dockerfile');
		const script = read('scripts/ci/build-images.sh');
		const wanted = /ARG PACKAGES="([^"]+)"/.exec(dockerfile)![1]!.split(/\s+/);
		const base = /standin_packages=\(([^)]+)\)/.exec(script)![1]!.split(/\s+/);
		for (const name of wanted) expect(base, name).toContain(name);
	});
});
