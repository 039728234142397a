import {describe, expect, it} from 'vitest';
import {
	buildDownArgs,
	buildGlobalArgs,
	buildLogsArgs,
	buildUpArgs,
	detectCompose,
	getComposeTarget,
	hintForComposeError,
	parseComposeVersion,
	parseNameList,
	resetComposeDetection,
	summarizeComposeError,
	verifyProfiles,
	verifyService,
	withReadOnlyPlaceholders,
	type ProbeRunner,
} from '../../../source/docker/compose.js';
import {ServiceError, UserError} from '../../../source/errors.js';

describe('parseComposeVersion', () => {
	it.each([
		['v2.29.7\n', '2.29.7'],
		['2.40.3', '2.40.3'],
		['1.29.2\n', '1.29.2'],
		['docker-compose version 1.29.2, build unknown', '1.29.2'],
		['', undefined],
		[undefined, undefined],
		['not a version', undefined],
	])('%j → %j', (input, expected) => {
		expect(parseComposeVersion(input)).toBe(expected);
	});
});

describe('detectCompose', () => {
	const runner = (answers: Record<string, string | undefined>): ProbeRunner & {calls: string[]} => {
		const calls: string[] = [];
		const run = (async (file: string, args: readonly string[]) => {
			const key = [file, ...args].join(' ');
			calls.push(key);
			return answers[key];
		}) as ProbeRunner & {calls: string[]};
		run.calls = calls;
		return run;
	};

	it.each([
		['v2 when docker compose answers', {'docker compose version --short': 'v2.29.7'}, {kind: 'v2', command: ['docker', 'compose'], version: '2.29.7'}],
		['v1 when only docker-compose answers', {'docker-compose version --short': '1.29.2'}, {kind: 'v1', command: ['docker-compose'], version: '1.29.2'}],
		['v2 first when both answer', {'docker compose version --short': '2.1.0', 'docker-compose version --short': '1.29.2'}, {kind: 'v2', command: ['docker', 'compose'], version: '2.1.0'}],
	])('%s', async (_name, answers, expected) => {
		resetComposeDetection();
		expect(await detectCompose(runner(answers))).toEqual(expected);
	});

	it('detects once per process', async () => {
		resetComposeDetection();
		const run = runner({'docker-compose version --short': '1.29.2'});
		await detectCompose(run);
		await detectCompose(run);
		expect(run.calls).toEqual(['docker compose version --short', 'docker-compose version --short']);
	});

	it('throws a ServiceError (exit 3) with how to install one when neither runs, and tries again next time', async () => {
		resetComposeDetection();
		const error = await detectCompose(runner({})).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ServiceError);
		expect((error as ServiceError).exitCode).toBe(3);
		expect((error as ServiceError).hint).toContain('apt-get install docker-compose');
		expect((await detectCompose(runner({'docker-compose version --short': '1.29.2'}))).kind).toBe('v1');
		resetComposeDetection();
	});
});

describe('argument building', () => {
	const target = {files: ['/p/compose/docker-compose.yml', '/p/ci.yml'], project: 'rqc'};

	it.each([
		['v2', ['docker', 'compose'] as const, [], ['compose', '--project-name', 'rqc', '--file', '/p/compose/docker-compose.yml', '--file', '/p/ci.yml']],
		['v1', ['docker-compose'] as const, ['benchmarks', 'monitoring'], ['--project-name', 'rqc', '--file', '/p/compose/docker-compose.yml', '--file', '/p/ci.yml', '--profile', 'benchmarks', '--profile', 'monitoring']],
	])('global args for %s', (_kind, command, profiles, expected) => {
		expect(buildGlobalArgs({command: [...command] as [string, ...string[]]}, target, profiles)).toEqual(expected);
	});

	it.each([
		[{}, ['up', '--detach']],
		[{services: ['timescaledb', 'redis']}, ['up', '--detach', 'timescaledb', 'redis']],
	])('up %j', (options, expected) => {
		expect(buildUpArgs(options)).toEqual(expected);
	});

	it.each([
		[{}, [['rm', '--stop', '--force', '-v'], ['down', '--remove-orphans']]],
		[{volumes: true}, [['rm', '--stop', '--force', '-v'], ['down', '--remove-orphans', '--volumes']]],
	])('down %j removes anonymous volumes always, named ones only with volumes', (options, expected) => {
		expect(buildDownArgs(options)).toEqual(expected);
	});

	it.each([
		['redis', {}, ['logs', '--no-color', 'redis']],
		['redis', {follow: true}, ['logs', '--no-color', '--follow', 'redis']],
		['timescaledb', {tail: 0}, ['logs', '--no-color', '--tail', '0', 'timescaledb']],
	])('logs %s %j', (service, options, expected) => {
		expect(buildLogsArgs(service, options)).toEqual(expected);
	});
});

describe('getComposeTarget', () => {
	it('adds RQC_COMPOSE_OVERRIDE files after the main file, resolved from the working directory', () => {
		const target = getComposeTarget({composeFile: 'compose/docker-compose.yml', project: 'x'}, {RQC_COMPOSE_OVERRIDE: 'compose/ci.yml::/abs/extra.yml'}, '/work');
		expect(target.files).toEqual(['/work/compose/docker-compose.yml', '/work/compose/ci.yml', '/abs/extra.yml']);
		expect(target.projectDir).toBe('/work/compose');
		expect(target.project).toBe('x');
	});

	it('is the main file alone without overrides', () => {
		expect(getComposeTarget({composeFile: '/c/docker-compose.yml', project: 'rqc'}, {}, '/').files).toEqual(['/c/docker-compose.yml']);
	});
});

describe('withReadOnlyPlaceholders', () => {
	it('fills unset secrets for calls that create nothing, and leaves set ones alone', () => {
		const target = {files: [], project: 'p', projectDir: '/nonexistent', env: {DB_PASSWORD: 'mine'}};
		const filled = withReadOnlyPlaceholders(target);
		expect(filled.env.DB_PASSWORD).toBe('mine');
		expect(filled.env.GRAFANA_ADMIN_PASSWORD).toMatch(/placeholder/);
	});
});

describe('output parsing', () => {
	it('parseNameList', () => {
		expect(parseNameList('timescaledb\nredis\n\n jaeger \n')).toEqual(['timescaledb', 'redis', 'jaeger']);
		expect(parseNameList('')).toEqual([]);
	});

	it.each([
		['Creating x ... \nERROR: for x  Cannot start service x: port is already allocated\nEncountered errors while bringing up the project.', 'for x  Cannot start service x: port is already allocated'],
		['Error response from daemon: No such image: foo:1', 'Error response from daemon: No such image: foo:1'],
		['just a line\nlast line', 'last line'],
		['', 'no output'],
	])('summarizeComposeError %#', (output, expected) => {
		expect(summarizeComposeError(output)).toBe(expected);
	});
});

describe('hintForComposeError', () => {
	it.each([
		['ERROR: for timescaledb  Cannot start service timescaledb: driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 127.0.0.1:5432: bind: address already in use', /DB_PORT, REDIS_PORT/],
		['Bind for 127.0.0.1:6379 failed: port is already allocated', /REDIS_PORT/],
		['Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available', /RUNNER_CPUS/],
		['error setting rlimit type 7: operation not permitted', /RUNNER_NOFILE/],
		['invalid CapAdd: unknown capability: "CAP_PERFMON"', /RUNNER_PERF_CAP=CAP_SYS_PTRACE/],
		['ERROR: pull access denied for timescale/timescaledb, repository does not exist', /cannot be pulled/],
		['Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: no such host', /cannot be pulled/],
		['something else', /--verbose/],
	])('%s', (output, expected) => {
		expect(hintForComposeError(output)).toMatch(expected);
	});
});

describe('verifyProfiles / verifyService', () => {
	it('accepts known names', () => {
		expect(() => verifyProfiles(['benchmarks'], ['benchmarks', 'monitoring'])).not.toThrow();
		expect(() => verifyService('redis', ['redis'])).not.toThrow();
	});

	it('rejects unknown ones as usage errors naming the known ones', () => {
		const error = (() => {
			try {
				verifyProfiles(['bench', 'monitoring'], ['benchmarks', 'monitoring']);
			} catch (caught) {
				return caught;
			}
		})();
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toBe('unknown profile: bench');
		expect((error as UserError).hint).toBe('the compose file defines: benchmarks, monitoring');
		expect(() => verifyService('postgres', ['timescaledb'])).toThrow(/no service named postgres/);
	});
});
