import {describe, expect, it} from 'vitest';
import {parseDotenv, resolveConfig, type ConfigInputs} from '../../source/config.js';

const base: ConfigInputs = {homeDir: '/home/ada', defaultComposeDir: '/opt/rqc/compose'};

describe('resolveConfig: flags > environment > compose/.env > defaults', () => {
	const cases: Array<{name: string; inputs: Partial<ConfigInputs>; expected: Record<string, unknown>}> = [
		{
			name: 'defaults: embedded store under ~/.local/share, bundled compose file, project rqc',
			inputs: {},
			expected: {databaseUrl: undefined, pgliteDir: '/home/ada/.local/share/rqc/pglite', composeFile: '/opt/rqc/compose/docker-compose.yml', project: 'rqc', redisUrl: undefined, dockerHost: undefined},
		},
		{
			name: 'XDG_DATA_HOME moves the data directory',
			inputs: {env: {XDG_DATA_HOME: '/data/xdg'}},
			expected: {dataDir: '/data/xdg/rqc', pgliteDir: '/data/xdg/rqc/pglite'},
		},
		{
			name: 'a relative XDG_DATA_HOME is ignored, as the spec says',
			inputs: {env: {XDG_DATA_HOME: 'relative/dir'}},
			expected: {dataDir: '/home/ada/.local/share/rqc'},
		},
		{
			name: 'RQC_DATABASE_URL wins over DATABASE_URL',
			inputs: {env: {RQC_DATABASE_URL: 'postgres://a/1', DATABASE_URL: 'postgres://b/2'}},
			expected: {databaseUrl: 'postgres://a/1'},
		},
		{
			name: 'DATABASE_URL is used when RQC_DATABASE_URL is unset',
			inputs: {env: {DATABASE_URL: 'postgres://b/2'}},
			expected: {databaseUrl: 'postgres://b/2'},
		},
		{
			name: 'environment beats compose/.env',
			inputs: {env: {REDIS_URL: 'redis://env'}, dotenv: {REDIS_URL: 'redis://dotenv', RQC_DATABASE_URL: 'postgres://dotenv/db'}},
			expected: {redisUrl: 'redis://env', databaseUrl: 'postgres://dotenv/db'},
		},
		{
			name: 'flags beat everything',
			inputs: {
				flags: {databaseUrl: 'postgres://flag/db', redisUrl: 'redis://flag', dockerHost: 'tcp://flag:2375', composeFile: '/f.yml', project: 'p1'},
				env: {RQC_DATABASE_URL: 'postgres://env/db', REDIS_URL: 'redis://env', DOCKER_HOST: 'unix:///env.sock', RQC_COMPOSE_FILE: '/e.yml', RQC_PROJECT: 'p2'},
				dotenv: {RQC_DATABASE_URL: 'postgres://dot/db', REDIS_URL: 'redis://dot', RQC_PROJECT: 'p3'},
			},
			expected: {databaseUrl: 'postgres://flag/db', redisUrl: 'redis://flag', dockerHost: 'tcp://flag:2375', composeFile: '/f.yml', project: 'p1'},
		},
		{
			name: 'an empty environment variable does not count as set',
			inputs: {env: {REDIS_URL: ''}, dotenv: {REDIS_URL: 'redis://dot'}},
			expected: {redisUrl: 'redis://dot'},
		},
		{
			name: 'compose/.env can name the project (COMPOSE_PROJECT_NAME)',
			inputs: {dotenv: {COMPOSE_PROJECT_NAME: 'bench'}},
			expected: {project: 'bench'},
		},
		{
			name: 'RQC_DATA_DIR overrides the XDG location',
			inputs: {env: {RQC_DATA_DIR: '/srv/rqc', XDG_DATA_HOME: '/data/xdg'}},
			expected: {dataDir: '/srv/rqc', pgliteDir: '/srv/rqc/pglite'},
		},
	];

	for (const {name, inputs, expected} of cases) {
		it(name, () => {
			const config = resolveConfig({...base, ...inputs});
			for (const [key, value] of Object.entries(expected)) expect(config[key as keyof typeof config], key).toEqual(value);
		});
	}

	it('records where each value came from', () => {
		const config = resolveConfig({...base, flags: {project: 'x'}, env: {REDIS_URL: 'redis://e'}, dotenv: {RQC_DATABASE_URL: 'postgres://d/b'}});
		expect(config.sources).toMatchObject({project: 'flag', redisUrl: 'env', databaseUrl: 'dotenv', dockerHost: 'default'});
	});
});

describe('parseDotenv', () => {
	it.each([
		['A=1', {A: '1'}],
		['# comment\n\nB = two words ', {B: 'two words'}],
		['C="quoted # not a comment"', {C: 'quoted # not a comment'}],
		["D='single'", {D: 'single'}],
		['E=value # trailing comment', {E: 'value'}],
		['export F=exported', {F: 'exported'}],
		['not a line\nG=', {G: ''}],
	])('%j', (text, expected) => {
		expect(parseDotenv(text)).toEqual(expected);
	});
});
