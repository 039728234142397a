import {describe, expect, it} from 'vitest';
import {resolveConfig, verifyConfig} from '../../source/config.js';
import {UserError} from '../../source/errors.js';

const configWith = (env: Record<string, string | undefined>) => resolveConfig({env, homeDir: '/home/u', defaultComposeDir: '/pkg/compose'});

describe('verifyConfig', () => {
	// issue 11: garbage and mysql:// URLs were taken for a host name or for PostgreSQL; REDIS_URL=http:// said "connect ENOENT".
	it.each([
		[{RQC_DATABASE_URL: 'garbage'}, /RQC_DATABASE_URL "garbage" \(from the environment\) is not a PostgreSQL URL/],
		[{RQC_DATABASE_URL: 'mysql://root:hunter22@db/x'}, /RQC_DATABASE_URL "mysql:\/\/root:\*\*\*@db\/x" .* is not a PostgreSQL URL/],
		[{REDIS_URL: 'http://cache:6379'}, /REDIS_URL "http:\/\/cache:6379" .* is not a Redis URL/],
		[{REDIS_URL: 'localhost:6379'}, /REDIS_URL .* is not a Redis URL/],
		[{DOCKER_HOST: 'garbage'}, /DOCKER_HOST "garbage" .* is not a Docker endpoint/],
		[{DOCKER_HOST: 'unix://'}, /DOCKER_HOST .* is not a Docker endpoint/],
	])('rejects %j', (env, message) => {
		const error = (() => {
			try {
				verifyConfig(configWith(env));
				return undefined;
			} catch (error_) {
				return error_;
			}
		})();
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toMatch(message);
		expect((error as UserError).message).not.toMatch(/hunter22/);
	});

	it.each([
		{RQC_DATABASE_URL: 'postgres://u:p@h:5432/d', REDIS_URL: 'redis://:p@h:6379/0', DOCKER_HOST: 'unix:///var/run/docker.sock'},
		{RQC_DATABASE_URL: 'postgresql://h/d?sslmode=require', REDIS_URL: 'rediss://h', DOCKER_HOST: 'tcp://10.0.0.2:2376'},
		{},
	])('accepts %j', (env) => {
		expect(() => verifyConfig(configWith(env))).not.toThrow();
	});
});
