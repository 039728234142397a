/** AppServices for component tests: a real in-process cache, a health source and a container source the test drives. */
import {MemoryCache} from '../../source/cache/memory-cache.js';
import {resolveConfig} from '../../source/config.js';
import {MutableHealthSource, type AppServices, type HealthSnapshot} from '../../source/ui/app-services.js';
import type {ComposeControlSource} from '../../source/docker/compose-control-source.js';
import type {Store} from '../../source/store/store.js';
import {FakeServicesSource} from './fake-services-source.js';

/** Stack controls that say there is no stack here (a test that needs one passes its own source). */
const noStack: ComposeControlSource = {
	listProfiles: async () => {
		throw new Error('no stack in this test');
	},
	up: async () => {
		throw new Error('no stack in this test');
	},
	down: async () => {
		throw new Error('no stack in this test');
	},
};

export const initialHealth: HealthSnapshot = {
	docker: {state: 'checking'},
	database: {state: 'opening', kind: 'embedded'},
	redis: {state: 'not_configured'},
};

export function createFakeServices(options: {store?: Store; health?: HealthSnapshot; containers?: FakeServicesSource} = {}): AppServices & {health: MutableHealthSource; containers: FakeServicesSource} {
	const config = resolveConfig({homeDir: '/nonexistent-home', defaultComposeDir: '/nonexistent-compose', env: {}});
	return {
		config,
		containers: options.containers ?? new FakeServicesSource(),
		compose: noStack,
		cache: new MemoryCache(),
		getStore: async () => {
			if (!options.store) throw new Error('no store in this test');
			return options.store;
		},
		health: new MutableHealthSource(options.health ?? initialHealth),
		close: async () => {},
	};
}
