/**
 * What the TUI's panes are handed: configuration, the Docker client, the cache, the store
 * (opened lazily, once) and a live health source. Panes get these as props, so a test can hand
 * them fakes.
 */
import type Docker from 'dockerode';
import type {Cache, CacheState} from '../cache/cache.js';
import type {Config} from '../config.js';
import {createDockerClient, getEngineInfo} from '../docker/engine.js';
import {redactSecrets} from '../redact.js';
import type {Store} from '../store/store.js';

export interface HealthSnapshot {
	readonly docker: {readonly state: 'checking' | 'ok' | 'unreachable'; readonly version?: string; readonly error?: string};
	readonly database: {readonly state: 'opening' | 'ok' | 'unreachable'; readonly kind: 'embedded' | 'postgres' | 'timescaledb'; readonly error?: string};
	readonly redis: {readonly state: CacheState | 'not_configured'; readonly error?: string};
}

export interface HealthSource {
	getSnapshot(): HealthSnapshot;
	/** Calls listener on every change; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
}

export interface AppServices {
	readonly config: Config;
	readonly docker: Docker;
	readonly cache: Cache;
	/** The store, opened on first call; rejects with a ServiceError when unreachable. */
	getStore(): Promise<Store>;
	readonly health: HealthSource;
	/** Stops background work. The store and cache belong to whoever opened them. */
	close(): Promise<void>;
}

/** A health source that changes only when told to: for tests and for the live source below. */
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
		if (JSON.stringify(next) === JSON.stringify(this.snapshot)) return;
		this.snapshot = next;
		for (const listener of this.listeners) listener();
	}
}

export interface LiveServicesOptions {
	readonly openStore: () => Promise<Store>;
	readonly cache: Cache;
	/** How often the engine and the database are asked whether they are there. */
	readonly pollMs?: number;
}

/** Services backed by the real engine, store and cache, with health polled in the background. */
export function createLiveServices(config: Config, options: LiveServicesOptions): AppServices {
	const docker = createDockerClient(config);
	const {cache} = options;
	const health = new MutableHealthSource({
		docker: {state: 'checking'},
		database: {state: 'opening', kind: config.databaseUrl ? 'postgres' : 'embedded'},
		redis: cache.kind === 'memory' ? {state: 'not_configured'} : {state: cache.getStatus().state},
	});
	let storePromise: Promise<Store> | undefined;
	const getStore = async () => {
		storePromise ??= options.openStore();
		return storePromise;
	};

	const checkDocker = async () => {
		const info = await getEngineInfo(docker, config.dockerHost, 2000);
		health.update({docker: info.isReachable ? {state: 'ok', version: info.version} : {state: 'unreachable', error: info.error}});
	};

	const checkDatabase = async () => {
		try {
			const store = await getStore();
			const info = await store.getInfo();
			health.update({database: {state: 'ok', kind: info.driver === 'pglite' ? 'embedded' : info.hasTimescale ? 'timescaledb' : 'postgres'}});
		} catch (error) {
			health.update({database: {state: 'unreachable', kind: health.getSnapshot().database.kind, error: redactSecrets((error as Error).message)}});
			// An open that failed is retried on the next poll.
			if (storePromise && !(await storePromise.then(() => true, () => false))) storePromise = undefined;
		}
	};

	const offRedis = cache.onStatus((status) => {
		health.update({redis: {state: status.state, error: status.error}});
	});
	const poll = () => {
		void checkDocker();
		void checkDatabase();
	};

	// The first frame is drawn before any of this answers.
	setImmediate(poll);
	const timer = setInterval(poll, options.pollMs ?? 5000);
	timer.unref();

	return {
		config,
		docker,
		cache,
		getStore,
		health,
		async close() {
			clearInterval(timer);
			offRedis();
		},
	};
}
