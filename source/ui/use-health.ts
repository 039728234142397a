import {useSyncExternalStore} from 'react';
import type {HealthSnapshot, HealthSource} from '../health.js';

/** The live health snapshot; re-renders on change. */
export function useHealth(source: HealthSource): HealthSnapshot {
	return useSyncExternalStore(
		(listener) => source.subscribe(listener),
		() => source.getSnapshot(),
	);
}
