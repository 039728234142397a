/**
 * Full disks, for real (issue 11.6): small tmpfs mounts under the spool and under the embedded
 * store, filled by the run or beforehand. Needs root (mount); every mount is removed in finally.
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {appendFile, readdir, truncate} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {ensureHelper} from '../../../source/bench/helper.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {replaySpools} from '../../../source/bench/spool.js';
import {ExternalError, exitCodeOf} from '../../../source/errors.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir} from '../../helpers/postgres.js';
import {describeWith, type Service, uniqueSuffix} from '../../helpers/services.js';
import {makeSuite} from './fixtures.js';

function requireRoot(): Service {
	const isRoot = process.getuid?.() === 0;
	const isCi = process.env.CI === 'true' || process.env.CI === '1';
	if (!isRoot && isCi) throw new Error('CI=true but the full-disk tests need root to mount a tmpfs');
	return {name: 'root', isAvailable: isRoot, reason: 'mounting a small tmpfs needs root'};
}

/** Mounts a tmpfs of `size` on dir; the returned function unmounts it. */
function mountTmpfs(dir: string, size: string): () => void {
	mkdirSync(dir, {recursive: true});
	execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
	return () => {
		try {
			execFileSync('umount', [dir], {stdio: 'pipe'});
		} catch {
			execFileSync('umount', ['-l', dir], {stdio: 'pipe'}); // something still holds a file: detach it anyway
		}
	};
}

/** Fills the file system holding dir, then frees `leaveBytes`; returns the filler's path. */
async function fillDisk(dir: string, leaveBytes = 0): Promise<string> {
	const filler = path.join(dir, `filler-${uniqueSuffix()}`);
	const chunk = Buffer.alloc(64 * 1024, 120);
	let size = 0;
	for (;;) {
		try {
			await appendFile(filler, chunk);
			size += chunk.length;
		} catch {
			break;
		}
	}

	if (leaveBytes > 0) await truncate(filler, Math.max(0, size - leaveBytes));
	return filler;
}

describeWith([requireRoot()], 'full disks (tmpfs mounts)', () => {
	let temp: {dir: string; cleanup: () => void};
	let helperPath: string;
	beforeAll(async () => {
		temp = createTempDir('rqc-full-disk-');
		// The helper is built off the small disks, and handed over as an installed one would be.
		helperPath = (await ensureHelper(path.join(temp.dir, 'helper'))).path;
	});
	afterAll(() => temp?.cleanup());

	const deps = (store: Store, dataDir: string, notices: string[], pgliteDir?: string) => ({
		store,
		config: {dataDir, dockerHost: undefined, ...(pgliteDir ? {pgliteDir} : {})},
		signal: new AbortController().signal,
		env: {...process.env, RQC_MEASURE_HELPER: helperPath},
		onNotice: (text: string) => notices.push(text),
	});

	// issue 11: a full spool disk ended a healthy run with "internal error: ENOSPC", exit 1, the run left running
	it('a spool disk full from the start: the run completes, its samples written straight to the database, with one notice', async () => {
		const dataDir = path.join(temp.dir, `data-${uniqueSuffix()}`);
		const spoolDir = path.join(dataDir, 'spool');
		const unmount = mountTmpfs(spoolDir, '256k');
		const store = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, `store-${uniqueSuffix()}`)});
		try {
			await fillDisk(spoolDir);
			const notices: string[] = [];
			const suite = makeSuite({name: 'spool-full', cases: [{name: 't', command: ['true'], iterations: 50, warmup: 1}]});
			const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-spoolfull-${uniqueSuffix()}`}, deps(store, dataDir, notices));
			expect(result).toMatchObject({status: 'completed', samplesTaken: 51, samplesStored: 51, spoolFile: undefined});
			expect(await store.countSamples(result.runId)).toBe(51);
			expect((await store.getRun(result.runId))?.status).toBe('completed');
			const spoolNotices = notices.filter((text) => text.startsWith('cannot write the spool'));
			expect(spoolNotices).toEqual([`cannot write the spool (the disk mounted at ${spoolDir} (holding ${spoolDir}) is full): samples go straight to the database, without a local copy; free space there to keep one`]);
		} finally {
			await store.close();
			unmount();
		}
	});

	it('a spool disk filling in the middle of a case: the run completes with every sample in the database, and no spool is left', async () => {
		const dataDir = path.join(temp.dir, `data-${uniqueSuffix()}`);
		const spoolDir = path.join(dataDir, 'spool');
		const unmount = mountTmpfs(spoolDir, '256k');
		const store = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, `store-${uniqueSuffix()}`)});
		try {
			await fillDisk(spoolDir, 40 * 1024); // room for a few hundred spooled lines
			const notices: string[] = [];
			const suite = makeSuite({name: 'spool-fills', cases: [{name: 't', command: ['true'], iterations: 3000, warmup: 0}]});
			const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-spoolfills-${uniqueSuffix()}`}, deps(store, dataDir, notices));
			expect(result).toMatchObject({status: 'completed', samplesTaken: 3000, samplesStored: 3000, spoolFile: undefined});
			expect(await store.countSamples(result.runId)).toBe(3000);
			expect(notices.filter((text) => text.startsWith('cannot write the spool'))).toHaveLength(1);
			expect((await readdir(spoolDir)).filter((name) => name.startsWith('run-'))).toEqual([]);
		} finally {
			await store.close();
			unmount();
		}
	});

	// issue 11: the embedded store's disk filling mid-run gave "internal error: ENOSPC" and left the run running
	it('the embedded store\'s disk filling mid-run: a one-line error naming the disk (exit 1), the run aborted with what was stored', async () => {
		const dataDir = path.join(temp.dir, `data-${uniqueSuffix()}`);
		const storeDisk = path.join(temp.dir, `store-disk-${uniqueSuffix()}`);
		const pgliteDir = path.join(storeDisk, 'pglite');
		const unmount = mountTmpfs(storeDisk, '96m');
		let store: Store | undefined;
		try {
			store = await openStore({databaseUrl: undefined, pgliteDir});
			const filler = await fillDisk(storeDisk, 256 * 1024);
			const notices: string[] = [];
			const suite = makeSuite({name: 'store-fills', cases: [{name: 'small', command: ['true'], iterations: 5, warmup: 0}, {name: 'big', command: ['true'], iterations: 20_000, warmup: 0}]});
			const error = await runBenchmark({suite, mode: 'bare_metal', release: `v-storefull-${uniqueSuffix()}`}, deps(store, dataDir, notices, pgliteDir)).then(() => undefined, (thrown: unknown) => thrown);
			expect(error).toBeInstanceOf(ExternalError);
			expect(exitCodeOf(error)).toBe(1);
			const message = (error as Error).message;
			expect(message).toBe(`the disk mounted at ${storeDisk} (holding ${pgliteDir}) is full: cannot write the run's samples to the store`);
			expect((error as ExternalError).hint).toMatch(/^free space on that disk/);
			// Free the disk and look: the run is aborted (now, or by the spool's replay at the next start).
			writeFileSync(filler, '');
			await store.close();
			store = await openStore({databaseUrl: undefined, pgliteDir});
			const [stored] = await store.listRuns({});
			await replaySpools(store, dataDir, {onlyRunId: stored!.id});
			const run = await store.getRun(stored!.id);
			expect(run?.status).toBe('aborted');
			expect(run?.statusReason).toMatch(/is full: cannot write the run's samples to the store; the samples stored before are kept$/);
			expect(await store.countSamples(run!.id)).toBeGreaterThanOrEqual(5);
		} finally {
			await store?.close().catch(() => {});
			unmount();
		}
	}, 180_000);

	// issue 11: "cannot open the embedded store at ...: undefined"
	it('the embedded store on a full disk: a one-line error naming the disk and what to free', async () => {
		const storeDisk = path.join(temp.dir, `store-disk-${uniqueSuffix()}`);
		const unmount = mountTmpfs(storeDisk, '2m');
		try {
			const error = await openStore({databaseUrl: undefined, pgliteDir: path.join(storeDisk, 'pglite')}).then(() => undefined, (thrown: unknown) => thrown);
			expect(error).toBeInstanceOf(ExternalError);
			expect((error as Error).message).toBe(`the disk mounted at ${storeDisk} (holding ${path.join(storeDisk, 'pglite')}) is full: cannot write the embedded store`);
			expect((error as ExternalError).hint).toMatch(/^free space on that disk/);
		} finally {
			unmount();
		}
	});
});
