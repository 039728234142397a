/**
 * What the TUI's panes are handed: configuration, the cache, the store (opened lazily, once) and
 * data sources from the domain (the container monitor, the stack controls, live health from
 * health.ts). Never a Docker client: panes get these as props, so a test can hand them fakes.
 */
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {deriveMonitorDockerClient, isLocalEngine} from '../docker/client.js';
import {createComposeControlSource, type ComposeControlSource} from '../docker/compose-control-source.js';
import {createDockerClient} from '../docker/engine.js';
import {createContainerMonitor, type ContainerMonitor} from '../docker/monitor.js';
import {createHealthMonitor, isQuiet, type HealthSource} from '../health.js';
import type {Store} from '../store/store.js';

export {MutableHealthSource, type HealthSnapshot, type HealthSource} from '../health.js';

/** The Services pane's container source: a live monitor (started by the pane, paused in quiet mode). */
export type ContainersSource = Pick<ContainerMonitor, 'getSnapshot' | 'subscribe' | 'getHistory' | 'runAction' | 'streamLogs' | 'start'>;

export interface AppServices {
	readonly config: Config;
	readonly cache: Cache;
	/** The store, opened on first call; rejects with a ServiceError when unreachable. */
	getStore(): Promise<Store>;
	readonly health: HealthSource;
	/** The containers of the project, for the Services pane. */
	readonly containers: ContainersSource;
	/** The stack controls' source (u / p / D). */
	readonly compose: ComposeControlSource;
	/** Stops background work. The store and cache belong to whoever opened them. */
	close(): Promise<void>;
}

export interface LiveServicesOptions {
	readonly openStore: () => Promise<Store>;
	readonly cache: Cache;
	/** How often the engine and the database are asked whether they are there, while they answer. */
	readonly pollMs?: number;
	readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Services backed by the real engine, store and cache, with health checked in the background. */
export function createLiveServices(config: Config, options: LiveServicesOptions): AppServices {
	const docker = createDockerClient(config);
	const {cache} = options;
	let storePromise: Promise<Store> | undefined;
	const getStore = async () => {
		storePromise ??= options.openStore();
		return storePromise;
	};

	const health = createHealthMonitor(config, {
		docker,
		cache,
		getStore,
		// An open that failed is retried on the next check.
		forgetStore() {
			const failed = storePromise;
			void failed?.then(() => {}, () => {
				if (storePromise === failed) storePromise = undefined;
			});
		},
		pollMs: options.pollMs,
		env: options.env,
	});
	const monitor = createContainerMonitor({
		docker: deriveMonitorDockerClient(docker),
		project: config.project,
		isLocal: isLocalEngine(config.dockerHost),
	});
	// Quiet mode: while a benchmark run holds this host, no per-second container sampling.
	const followQuiet = () => {
		monitor.setPaused(isQuiet(health.getSnapshot()));
	};

	const offQuiet = health.subscribe(followQuiet);
	followQuiet();

	return {
		config,
		cache,
		getStore,
		health,
		containers: monitor,
		compose: createComposeControlSource(config, options.env),
		async close() {
			offQuiet();
			health.close();
			await monitor.close();
		},
	};
}
