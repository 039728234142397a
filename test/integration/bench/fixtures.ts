/** Shared pieces of the bench integration tests: inline suites, a data dir, a PGlite store. */
import path from 'node:path';
import {validateSuite, type Suite} from '../../../source/bench/suite.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir} from '../../helpers/postgres.js';

/** A suite from a plain object; throws on a validation problem (a bug in the test). */
export function makeSuite(document: Record<string, unknown>, file = path.join(process.cwd(), 'inline.yaml')): Suite {
	const result = validateSuite(document, file);
	if (!result.suite) throw new Error(`bad test suite: ${JSON.stringify(result.problems)}`);
	return result.suite;
}

export interface PgliteFixture {
	readonly store: Store;
	readonly dataDir: string;
	cleanup(): Promise<void>;
}

/** A fresh data dir with an embedded store in it. */
export async function openPgliteFixture(): Promise<PgliteFixture> {
	const temp = createTempDir('rqc-bench-test-');
	const store = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'pglite')});
	return {
		store,
		dataDir: temp.dir,
		async cleanup() {
			await store.close();
			temp.cleanup();
		},
	};
}

/** Polls until check() is true (no fixed sleeps); throws after timeoutMs. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => {
			setTimeout(resolve, 50);
		});
	}
}

/** Whether a pid is alive (and not a zombie). */
export async function isPidRunning(pid: number): Promise<boolean> {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}

	const {readFile} = await import('node:fs/promises');
	const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
	return stat !== '' && !/\) Z /.test(stat);
}
