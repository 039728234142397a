/**
 * The state of every dependency: the one health-check module, serving `rqc doctor`, `rqc status`
 * (each check gathered once) and the TUI's status bar (createHealthMonitor: the same checks,
 * repeated in the background, plus whether a benchmark run holds this host). Gathering never
 * throws: each check says ok or what is wrong and how to fix it.
 */
import {createHostLockReader, type LockOwner} from './bench/lock.js';
import type {Config} from './config.js';
import {describeEndpoint, engineHint, getEngineInfo, type EngineInfo} from './docker/engine.js';
import {composeInstallHint, detectCompose} from './docker/compose.js';
import {ServiceError, isRqcError} from './errors.js';
import {redactSecrets, redactUrl} from './redact.js';
import type {Store} from './store/store.js';
import type {Cache, CacheState, CacheStatus} from './cache/cache.js';
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

export async function checkDocker(docker: Docker, dockerHost: string | undefined, timeoutMs?: number): Promise<DockerCheck> {
	return toDockerCheck(await getEngineInfo(docker, dockerHost, timeoutMs));
}

export {describeEndpoint};

/** What the console's status bar shows: each service's state, and a benchmark run holding the host. */
export interface HealthSnapshot {
	readonly docker: {readonly state: 'checking' | 'ok' | 'unreachable'; readonly version?: string; readonly error?: string};
	readonly database: {readonly state: 'opening' | 'ok' | 'unreachable'; readonly kind: 'embedded' | 'postgres' | 'timescaledb'; readonly error?: string};
	readonly redis: {readonly state: CacheState | 'not_configured'; readonly error?: string};
	/**
	 * A benchmark run holds this host's lock (any user, any data directory): consoles go quiet
	 * (no per-second sampling, status at most every 5 s) until it ends. Absent: nobody holds it.
	 */
	readonly benchmark?: {readonly suite: string; readonly mode: string | undefined; readonly pid: number};
}

export interface HealthSource {
	getSnapshot(): HealthSnapshot;
	/** Calls listener on every change; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
}

/** In quiet mode the console refreshes what it shows no more often than this. */
export const QUIET_REFRESH_MS = 5000;

/** Whether the console must keep quiet: a benchmark run is measuring on this host. */
export function isQuiet(snapshot: HealthSnapshot): boolean {
	return snapshot.benchmark !== undefined;
}

/** A health source that changes only when told to (and only when the value differs): for tests and the live monitor. */
export class MutableHealthSource implements HealthSource {
	private readonly listeners = new Set<() => void>();

	constructor(private snapshot: HealthSnapshot) {}

	getSnapshot(): HealthSnapshot {
		return this.snapshot;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	update(patch: Partial<HealthSnapshot>): void {
		const next = {...this.snapshot, ...patch};
		for (const key of Object.keys(next) as Array<keyof HealthSnapshot>) {
			if (next[key] === undefined) delete next[key];
		}

		// Unchanged: same object, no listener called, so nothing re-renders.
		if (JSON.stringify(next) === JSON.stringify(this.snapshot)) return;
		this.snapshot = next;
		for (const listener of this.listeners) listener();
	}
}

/** The TUI's view of a DockerCheck. Pure. */
export function toDockerHealth(check: DockerCheck): HealthSnapshot['docker'] {
	return check.status === 'ok' ? {state: 'ok', version: check.version} : {state: 'unreachable', error: check.error};
}

/** The TUI's view of a DatabaseCheck. Pure. */
export function toDatabaseHealth(check: DatabaseCheck): HealthSnapshot['database'] {
	const kind = check.driver === 'pglite' ? 'embedded' : check.hasTimescale ? 'timescaledb' : 'postgres';
	return check.status === 'ok' ? {state: 'ok', kind} : {state: 'unreachable', kind, error: check.error};
}

/** The TUI's view of the cache's status. Pure. */
export function toRedisHealth(status: CacheStatus): HealthSnapshot['redis'] {
	return status.kind === 'memory' ? {state: 'not_configured'} : {state: status.state, ...(status.error ? {error: status.error} : {})};
}

export interface HealthMonitorOptions {
	readonly docker: Docker;
	readonly cache: Cache;
	/** The store, opened once by whoever owns it (the check does not close it). */
	readonly getStore: () => Promise<Store>;
	/** A store that failed to open is opened again on the next check. */
	readonly forgetStore?: () => void;
	/** How often the engine and the database are asked while both answer (default 30 s). */
	readonly pollMs?: number;
	/** How often while one of them does not (default 5 s: a recovery shows soon). */
	readonly retryMs?: number;
	/** How often the host's benchmark lock is looked at (a stat; default 1 s). */
	readonly lockPollMs?: number;
	readonly readHostLock?: () => Promise<LockOwner | undefined>;
	readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface HealthMonitor extends HealthSource {
	close(): void;
}

/**
 * The console's live health: the same checks as `rqc doctor`, repeated in the background at a
 * pace that costs next to nothing (every 30 s while all is well, 5 s while something is down,
 * never more often than every 5 s), Redis from its own status events, and the host's
 * benchmark lock from a stat every second.
 */
export function createHealthMonitor(config: Config, options: HealthMonitorOptions): HealthMonitor {
	const {cache} = options;
	const health = new MutableHealthSource({
		docker: {state: 'checking'},
		database: {state: 'opening', kind: config.databaseUrl ? 'postgres' : 'embedded'},
		redis: toRedisHealth(cache.getStatus()),
	});
	const pollMs = Math.max(5000, options.pollMs ?? 30_000);
	const retryMs = Math.max(5000, options.retryMs ?? 5000);
	const readHostLock = options.readHostLock ?? createHostLockReader({env: options.env});
	let isClosed = false;
	let timer: NodeJS.Timeout | undefined;

	/** Once the engine has answered, a ping says it is still there (its /info costs the engine far more). */
	const checkDockerAgain = async (): Promise<DockerCheck | undefined> => {
		if (health.getSnapshot().docker.state !== 'ok') return checkDocker(options.docker, config.dockerHost, 2000);
		const isUp = await Promise.race([
			options.docker.ping().then(() => true, () => false),
			new Promise<boolean>((resolve) => {
				setTimeout(() => resolve(false), 2000).unref();
			}),
		]);
		return isUp ? undefined : checkDocker(options.docker, config.dockerHost, 2000);
	};

	/** The embedded store lives in this process: once open, there is nothing to ask again. */
	const checkDatabaseAgain = async (): Promise<DatabaseCheck | undefined> => {
		const current = health.getSnapshot().database;
		if (current.state === 'ok' && current.kind === 'embedded') return undefined;
		return checkDatabase(config, options.getStore);
	};

	const check = async (): Promise<void> => {
		const [docker, database] = await Promise.all([checkDockerAgain(), checkDatabaseAgain()]);
		if (database && database.status !== 'ok') options.forgetStore?.();
		if (isClosed) return;
		health.update({...(docker ? {docker: toDockerHealth(docker)} : {}), ...(database ? {database: toDatabaseHealth(database)} : {})});
		const snapshot = health.getSnapshot();
		const isAllWell = snapshot.docker.state === 'ok' && snapshot.database.state === 'ok';
		timer = setTimeout(() => void check(), isAllWell ? pollMs : retryMs);
		timer.unref();
	};

	const checkLock = async (): Promise<void> => {
		const owner = await readHostLock().catch(() => undefined);
		if (!isClosed) health.update({benchmark: owner ? {suite: owner.suite, mode: owner.mode, pid: owner.pid} : undefined});
	};

	const offRedis = cache.onStatus((status) => {
		health.update({redis: toRedisHealth(status)});
	});
	// The first frame is drawn before any of this answers.
	const first = setImmediate(() => {
		void check();
		void checkLock();
	});
	const lockTimer = setInterval(() => void checkLock(), options.lockPollMs ?? 1000);
	lockTimer.unref();

	return {
		getSnapshot: () => health.getSnapshot(),
		subscribe: (listener) => health.subscribe(listener),
		close() {
			isClosed = true;
			clearImmediate(first);
			clearTimeout(timer);
			clearInterval(lockTimer);
			offRedis();
		},
	};
}
