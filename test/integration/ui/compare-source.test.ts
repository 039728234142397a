/**
 * The Compare pane's store-backed source on a real (embedded) store: the history chart of a
 * case is made only of runs measured like the candidate, so container overhead never shows up
 * as a change between releases.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MemoryCache} from '../../../source/cache/memory-cache.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createStoreCompareSource} from '../../../source/ui/compare/compare-source.js';
import {createTempDir} from '../../helpers/postgres.js';

const temp = createTempDir('rqc-compare-source-');
let store: Store;

async function addRun(release: string, mode: 'bare_metal' | 'docker', wallNs: number): Promise<number> {
	const run = await store.createRun({release, suite: 's', mode, environment: {runtime: mode}});
	const time = new Date();
	await store.insertSamples(Array.from({length: 20}, (_, iteration) => ({runId: run.id, caseName: 'c', iteration, time, wallNs: wallNs + iteration})));
	await store.finishRun(run.id, 'completed');
	return run.id;
}

beforeAll(async () => {
	store = await openStore({databaseUrl: undefined, pgliteDir: temp.dir});
	await addRun('r1', 'bare_metal', 1000);
	await addRun('r2', 'bare_metal', 1000);
	// The same release in a container, three times slower: it must not bend the bare-metal line.
	await addRun('r2', 'docker', 3000);
});

afterAll(async () => {
	await store?.close();
	temp.cleanup();
});

describe('the Compare pane\'s case history', () => {
	it('uses only runs measured the way the candidate was', async () => {
		const source = createStoreCompareSource(async () => store, new MemoryCache());
		const bare = await source.compare({base: 'r1@bare-metal', candidate: 'r2@bare-metal'});
		const detail = await source.getCaseDetail(bare, 'c');
		expect(detail.historyMode).toBe('bare_metal');
		expect(detail.history.map((point) => [point.release, point.median, point.n])).toEqual([['r1', 1009.5, 20], ['r2', 1009.5, 20]]);

		const docker = await source.compare({base: 'r2@docker', candidate: 'r2@docker'});
		const dockerDetail = await source.getCaseDetail(docker, 'c');
		expect(dockerDetail.historyMode).toBe('docker');
		expect(dockerDetail.history.map((point) => [point.release, point.median])).toEqual([['r2', 3009.5]]);
	});
});
