/** AppServices for component tests: a real in-process cache, a health source the test drives. */
import Docker from 'dockerode';
import {MemoryCache} from '../../source/cache/memory-cache.js';
import {resolveConfig} from '../../source/config.js';
import {MutableHealthSource, type AppServices, type HealthSnapshot} from '../../source/ui/app-services.js';
import type {Store} from '../../source/store/store.js';

export const initialHealth: HealthSnapshot = {
	docker: {state: 'checking'},
	database: {state: 'opening', kind: 'embedded'},
	redis: {state: 'not_configured'},
};

export function createFakeServices(options: {store?: Store; health?: HealthSnapshot} = {}): AppServices & {health: MutableHealthSource} {
	const config = resolveConfig({homeDir: '/nonexistent-home', defaultComposeDir: '/nonexistent-compose', env: {}});
	return {
		config,
		// Points at a socket that does not exist: a pane that forgets its fake source fails loudly.
		docker: new Docker({socketPath: '/nonexistent/docker.sock'}),
		cache: new MemoryCache(),
		getStore: async () => {
			if (!options.store) throw new Error('no store in this test');
			return options.store;
		},
		health: new MutableHealthSource(options.health ?? initialHealth),
		close: async () => {},
	};
}
