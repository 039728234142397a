/**
 * The state of every dependency, gathered once for `rqc doctor`, `rqc status` and the TUI's
 * status bar. Gathering never throws: each check says ok or what is wrong and how to fix it.
 */
import type {Config} from './config.js';
import {describeEndpoint, engineHint, getEngineInfo, type EngineInfo} from './docker/engine.js';
import {composeInstallHint, detectCompose} from './docker/compose.js';
import {ServiceError, isRqcError} from './errors.js';
import {redactSecrets, redactUrl} from './redact.js';
import type {Store} from './store/store.js';
import type {Cache, CacheStatus} from './cache/cache.js';
import type Docker from 'dockerode';

export type CheckStatus = 'ok' | 'unreachable' | 'missing' | 'not_configured' | 'error';

export interface DockerCheck {
	readonly status: 'ok' | 'unreachable';
	readonly endpoint: string;
	readonly version: string | undefined;
	readonly apiVersion: string | undefined;
	readonly cgroupVersion: string | undefined;
	readonly error: string | undefined;
	readonly fix: string | undefined;
}

export interface ComposeCheck {
	readonly status: 'ok' | 'missing';
	readonly kind: 'v2' | 'v1' | undefined;
	readonly command: string | undefined;
	readonly version: string | undefined;
	readonly fix: string | undefined;
}

export interface DatabaseCheck {
	readonly status: 'ok' | 'unreachable' | 'error';
	readonly driver: 'pglite' | 'postgres';
	/** Embedded store path, or the URL with its password masked. */
	readonly location: string;
	readonly serverVersion: string | undefined;
	readonly hasTimescale: boolean | undefined;
	readonly schemaVersion: number | undefined;
	readonly latestSchemaVersion: number | undefined;
	readonly error: string | undefined;
	readonly fix: string | undefined;
	/** Why TimescaleDB is on the server but unused, and how to enable it (issue 11, point 8). */
	readonly timescaleProblem: string | undefined;
}

export interface RedisCheck {
	readonly status: 'ok' | 'unreachable' | 'not_configured';
	readonly location: string | undefined;
	readonly version: string | undefined;
	readonly error: string | undefined;
	readonly fix: string | undefined;
}

export interface HealthReport {
	readonly docker: DockerCheck;
	readonly compose: ComposeCheck;
	readonly database: DatabaseCheck;
	readonly redis: RedisCheck;
}

export function toDockerCheck(info: EngineInfo): DockerCheck {
	return {
		status: info.isReachable ? 'ok' : 'unreachable',
		endpoint: info.endpoint,
		version: info.version,
		apiVersion: info.apiVersion,
		cgroupVersion: info.cgroupVersion,
		error: info.error,
		fix: info.isReachable ? undefined : engineHint(info),
	};
}

export async function checkCompose(): Promise<ComposeCheck> {
	try {
		const cli = await detectCompose();
		return {status: 'ok', kind: cli.kind, command: cli.command.join(' '), version: cli.version, fix: undefined};
	} catch {
		return {status: 'missing', kind: undefined, command: undefined, version: undefined, fix: composeInstallHint};
	}
}

/** Opens the store (which applies migrations) and reports it; the store is closed again unless kept. */
export async function checkDatabase(config: Pick<Config, 'databaseUrl' | 'pgliteDir'>, openStore: () => Promise<Store>): Promise<DatabaseCheck> {
	const driver = config.databaseUrl ? 'postgres' : 'pglite';
	const location = config.databaseUrl ? redactUrl(config.databaseUrl) : config.pgliteDir;
	try {
		const store = await openStore();
		const info = await store.getInfo();
		return {
			status: 'ok', driver, location, serverVersion: info.serverVersion, hasTimescale: info.hasTimescale,
			schemaVersion: info.schemaVersion, latestSchemaVersion: info.latestSchemaVersion, error: undefined, fix: undefined,
			timescaleProblem: info.timescaleProblem,
		};
	} catch (error) {
		const message = redactSecrets(error instanceof Error ? error.message : String(error));
		return {
			status: error instanceof ServiceError ? 'unreachable' : 'error',
			driver, location, serverVersion: undefined, hasTimescale: undefined, schemaVersion: undefined, latestSchemaVersion: undefined,
			error: message,
			fix: isRqcError(error) ? error.hint : 'run again with --verbose and report it',
			timescaleProblem: undefined,
		};
	}
}

export function toRedisCheck(status: CacheStatus | undefined): RedisCheck {
	if (!status || status.kind === 'memory') {
		return {status: 'not_configured', location: undefined, version: undefined, error: undefined,
			fix: 'optional: set REDIS_URL (rqc up starts Redis) to share run locks and live progress between rqc sessions'};
	}

	return status.state === 'ready'
		? {status: 'ok', location: status.location, version: status.serverVersion, error: undefined, fix: undefined}
		: {status: 'unreachable', location: status.location, version: undefined, error: status.error ?? status.state,
			fix: 'start Redis (rqc up), fix REDIS_URL, or unset it to use the in-process cache'};
}

/** Waits (briefly) for a Redis cache to connect, then reports it. */
export async function checkRedis(cache: Cache, timeoutMs = 2000): Promise<RedisCheck> {
	if (cache.kind === 'redis') {
		const ready = (cache as Cache & {waitUntilReady?: (ms: number) => Promise<void>}).waitUntilReady?.(timeoutMs);
		await ready?.catch(() => {});
	}

	return toRedisCheck(cache.getStatus());
}

export async function checkDocker(docker: Docker, dockerHost: string | undefined): Promise<DockerCheck> {
	return toDockerCheck(await getEngineInfo(docker, dockerHost));
}

export {describeEndpoint};
