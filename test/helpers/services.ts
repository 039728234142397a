/**
 * Which real services this run can use. A suite that needs one calls requireX(): when the
 * service is missing it is skipped with a name that says how to enable it, except under
 * CI=true, where a missing service fails the run (no silent skips in CI).
 */
import {existsSync} from 'node:fs';
import {describe} from 'vitest';

const isCi = process.env.CI === 'true' || process.env.CI === '1';
const howTo = 'run `eval "$(bash scripts/ci/provision.sh)"` first (it installs and starts the services)';

export interface Service {
	readonly name: string;
	readonly isAvailable: boolean;
	readonly reason: string;
}

function service(name: string, isAvailable: boolean, reason: string): Service {
	if (!isAvailable && isCi) {
		throw new Error(`CI=true but ${name} is not available: ${reason}; ${howTo}`);
	}

	return {name, isAvailable, reason};
}

export const postgresUrl = process.env.RQC_TEST_DATABASE_URL;
export const redisUrl = process.env.RQC_TEST_REDIS_URL;
/** A server with TimescaleDB preloaded; CI machines cannot build it, so it is never required there. */
export const timescaleUrl = process.env.RQC_TEST_TIMESCALE_URL;
export const dockerSocket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';

export function requirePostgres(): Service {
	return service('PostgreSQL', Boolean(postgresUrl), 'RQC_TEST_DATABASE_URL is not set');
}

export function requireRedis(): Service {
	return service('Redis', Boolean(redisUrl), 'RQC_TEST_REDIS_URL is not set');
}

/**
 * TimescaleDB (the extension preloaded on a server we may create databases on). A named skip
 * when RQC_TEST_TIMESCALE_URL is unset, under CI=true too: CI machines cannot build it.
 */
export function requireTimescale(): Service {
	return {name: 'TimescaleDB', isAvailable: Boolean(timescaleUrl), reason: 'RQC_TEST_TIMESCALE_URL is not set (a PostgreSQL 15 server with shared_preload_libraries = timescaledb, built from source; see README)'};
}

export function requireDocker(): Service {
	return service('Docker engine', existsSync(dockerSocket), `no Docker socket at ${dockerSocket}`);
}

/**
 * describe() that runs when every service is available and is otherwise skipped under a name
 * saying which service is missing and how to enable it.
 */
export function describeWith(services: readonly Service[], name: string, body: () => void): void {
	const missing = services.filter((s) => !s.isAvailable);
	if (missing.length === 0) {
		describe(name, body);
		return;
	}

	const why = missing.map((s) => `${s.name}: ${s.reason}`).join('; ');
	// Said out loud as well: the default reporter counts skipped tests but does not name them.
	console.warn(`[rqc tests] SKIPPED suite "${name}": ${why}; ${howTo}`);
	describe.skip(`${name} [SKIPPED: ${why}; ${howTo}]`, body);
}

/** A short random suffix so parallel runs never collide on names. */
export function uniqueSuffix(): string {
	return Math.random().toString(36).slice(2, 8);
}
