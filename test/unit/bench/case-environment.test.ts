import {describe, expect, it} from 'vitest';
import {computeCaseEnvironment} from '../../../source/bench/bare-metal-executor.js';

describe('the environment of a bare-metal case', () => {
	const rqcEnv = {
		PATH: '/usr/bin:/bin', HOME: '/home/u', LANG: 'C.UTF-8', LC_ALL: 'C', TERM: 'xterm', TZ: 'UTC', TMPDIR: '/tmp', USER: 'u',
		RQC_DATABASE_URL: 'postgres://rqc:hunter22@db/rqc', DATABASE_URL: 'postgres://x:y@h/d', REDIS_URL: 'redis://:pw@h:6379',
		PGPASSWORD: 'pw', PGHOST: 'db', DOCKER_HOST: 'tcp://u:s@h:2376', AWS_SECRET_ACCESS_KEY: 'k', RQC_PROJECT: 'p', NODE_OPTIONS: '--x',
		UNSET: undefined,
	};

	// issue 11: bare-metal cases inherited RQC_DATABASE_URL, REDIS_URL and the rest of rqc's environment.
	it('passes the basics, rqc\'s two directories and the suite\'s env, and nothing else', () => {
		const env = computeCaseEnvironment(rqcEnv, {suiteDir: '/s', scratchDir: '/t'}, {MODE: 'fast', PATH: '/opt/bin'});
		expect(env).toEqual({
			PATH: '/opt/bin', HOME: '/home/u', LANG: 'C.UTF-8', LC_ALL: 'C', TERM: 'xterm', TZ: 'UTC', TMPDIR: '/tmp', USER: 'u',
			RQC_SUITE_DIR: '/s', RQC_SCRATCH_DIR: '/t', MODE: 'fast',
		});
		expect(JSON.stringify(env)).not.toMatch(/hunter22|pw@|PGPASSWORD|DOCKER_HOST|SECRET|RQC_PROJECT|NODE_OPTIONS/);
	});
});
