/**
 * The host-wide benchmark lock: one run per host across data directories and users, and losing
 * Redis (a throwaway redis-server killed mid-run) never releases it. Each test points
 * RQC_LOCK_DIR at its own directory, so the other engineers' runs on this machine never meet it.
 */
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {
	acquireBenchLock,
	acquireFileLock,
	createHostLockReader,
	getHostLockDir,
	getLockKey,
	getProcessStart,
	HOST_LOCK_NAME,
} from '../../../source/bench/lock.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {RedisCache} from '../../../source/cache/redis-cache.js';
import {FailureError} from '../../../source/errors.js';
import {root} from '../../helpers/cli.js';
import {RedisServer} from '../../helpers/redis-server.js';
import {describeWith, uniqueSuffix, type Service} from '../../helpers/services.js';
import {makeSuite, openPgliteFixture, waitFor, type PgliteFixture} from './fixtures.js';

let lockDir: string;
const savedLockDir = process.env.RQC_LOCK_DIR;
beforeEach(() => {
	// Under the host's own lock directory (world-writable and sticky), so another user can reach it.
	lockDir = mkdtempSync(path.join(getHostLockDir({}), `rqc-test-lock-${uniqueSuffix()}-`));
	chmodSync(lockDir, 0o1777);
	process.env.RQC_LOCK_DIR = lockDir;
});
afterEach(() => {
	if (savedLockDir === undefined) delete process.env.RQC_LOCK_DIR;
	else process.env.RQC_LOCK_DIR = savedLockDir;
	rmSync(lockDir, {recursive: true, force: true});
});

describe('where the lock lives', () => {
	it('is one fixed file in the first world-writable sticky directory, whatever the data directory', () => {
		const plain = mkdtempSync(path.join(os.tmpdir(), 'rqc-plain-'));
		try {
			// A directory that is not sticky and world-writable is skipped: users would not agree on it.
			expect(getHostLockDir({}, [plain, lockDir])).toBe(lockDir);
			expect(getHostLockDir({RQC_LOCK_DIR: '/x'}, [lockDir])).toBe('/x');
		} finally {
			rmSync(plain, {recursive: true, force: true});
		}
	});
});

describe('the host lock file', () => {
	let a: PgliteFixture;
	let b: PgliteFixture;
	beforeAll(async () => {
		[a, b] = await Promise.all([openPgliteFixture(), openPgliteFixture()]);
	});
	afterAll(async () => {
		await a?.cleanup();
		await b?.cleanup();
	});

	const suite = makeSuite({name: 'hl', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 30, warmup: 0}]});
	const deps = (fixture: PgliteFixture, onEvent?: () => void) => ({
		store: fixture.store, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal, onNotice: () => {}, ...(onEvent ? {onEvent} : {}),
	});

	// issue 11: a run with another data directory (XDG_DATA_HOME) ran alongside
	it('refuses a --no-wait run from another data directory while a run holds the host', async () => {
		let isStarted = false;
		const first = runBenchmark({suite, mode: 'bare_metal', release: `v-hl-${uniqueSuffix()}`}, deps(a, () => {
			isStarted = true;
		}));
		await waitFor(() => isStarted, 20_000, 'the first run to start');
		const owner = JSON.parse(readFileSync(path.join(lockDir, HOST_LOCK_NAME), 'utf8')) as Record<string, unknown>;
		expect(owner).toMatchObject({pid: process.pid, suite: 'hl', mode: 'bare_metal', pidStart: getProcessStart(process.pid)});
		await expect(runBenchmark({suite, mode: 'bare_metal', release: `v-hl2-${uniqueSuffix()}`, shouldWait: false}, deps(b)))
			.rejects.toThrow(/another benchmark run holds this host: suite hl \(pid \d+/);
		expect((await first).status).toBe('completed');
		expect(existsSync(path.join(lockDir, HOST_LOCK_NAME))).toBe(false);
		// Free again: the other data directory's run goes.
		expect((await runBenchmark({suite, mode: 'bare_metal', release: `v-hl3-${uniqueSuffix()}`, shouldWait: false}, deps(b))).status).toBe('completed');
	});

	it('takes over a lock whose owner died, or whose pid now belongs to another process', async () => {
		const file = path.join(lockDir, HOST_LOCK_NAME);
		const dead = {host: os.hostname(), pid: 2 ** 22 + 7, token: 'dead', suite: 'gone', since: new Date().toISOString()};
		writeFileSync(file, JSON.stringify(dead));
		const first = await acquireFileLock('/unused', {suite: 'x', shouldWait: false});
		expect(first.owner.pid).toBe(process.pid);
		await first.release();
		// pid 1 lives, but it is not the process that took the lock (another start time).
		writeFileSync(file, JSON.stringify({...dead, pid: 1, token: 'reused', pidStart: (getProcessStart(1) ?? 0) + 1}));
		const second = await acquireFileLock('/unused', {suite: 'y', shouldWait: false});
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({suite: 'y', pid: process.pid});
		await second.release();
		// A live owner with its real start time holds.
		writeFileSync(file, JSON.stringify({...dead, pid: 1, token: 'live', pidStart: getProcessStart(1)}));
		await expect(acquireFileLock('/unused', {suite: 'z', shouldWait: false})).rejects.toThrow(FailureError);
	});

	it('tells consoles who holds the host, and that nobody does once it is released', async () => {
		const read = createHostLockReader();
		expect(await read()).toBeUndefined();
		const lock = await acquireFileLock('/unused', {suite: 'watched', shouldWait: false, mode: 'bare_metal'});
		expect(await read()).toMatchObject({suite: 'watched', mode: 'bare_metal'});
		await lock.release();
		expect(await read()).toBeUndefined();
		// A dead owner's file left behind does not count as a run in progress.
		writeFileSync(path.join(lockDir, HOST_LOCK_NAME), JSON.stringify({host: os.hostname(), pid: 2 ** 22 + 9, token: 't', suite: 's', since: ''}));
		expect(await read()).toBeUndefined();
	});
});

describe('the host lock with Redis killed mid-run', () => {
	let server: RedisServer;
	let fixture: PgliteFixture;
	beforeAll(async () => {
		[server, fixture] = await Promise.all([RedisServer.start(), openPgliteFixture()]);
	});
	afterAll(async () => {
		await server?.stop();
		await fixture?.cleanup();
	});

	// issue 11: killing Redis while a run held the Redis lock let a second --no-wait run start
	it('keeps the host held when Redis dies and when it comes back empty', async () => {
		const cache = new RedisCache(server.url);
		await cache.waitUntilReady();
		const lock = await acquireBenchLock(cache, fixture.dataDir, {suite: 'first', shouldWait: false, mode: 'bare_metal'});
		try {
			expect(lock.isShared).toBe(true);
			await server.stop();
			const other = new RedisCache(server.url);
			try {
				await expect(acquireBenchLock(other, fixture.dataDir, {suite: 'second', shouldWait: false}))
					.rejects.toThrow(/another benchmark run holds this host: suite first/);
			} finally {
				await other.close();
			}

			// Redis back, empty (no key): still held by the file.
			await server.start();
			const third = new RedisCache(server.url);
			try {
				await third.waitUntilReady();
				await expect(acquireBenchLock(third, fixture.dataDir, {suite: 'third', shouldWait: false})).rejects.toThrow(/suite first/);
			} finally {
				await third.close();
			}
		} finally {
			await lock.release();
			await cache.close();
		}

		// Released: the next run takes the host (and Redis's key again).
		const again = new RedisCache(server.url);
		try {
			await again.waitUntilReady();
			const next = await acquireBenchLock(again, fixture.dataDir, {suite: 'next', shouldWait: false});
			expect(next.isShared).toBe(true);
			await next.release();
		} finally {
			await again.close();
		}
	}, 60_000);

	it('clears a Redis key left by a run of this host that died, once the lock file is ours', async () => {
		const cache = new RedisCache(server.url);
		await cache.waitUntilReady();
		const key = getLockKey();
		try {
			await cache.set(key, JSON.stringify({host: os.hostname(), pid: 2 ** 22 + 13, token: 'dead', suite: 'killed', since: ''}), {ttlSeconds: 30});
			const lock = await acquireBenchLock(cache, fixture.dataDir, {suite: 'after', shouldWait: false});
			expect(JSON.parse((await cache.get(key))!)).toMatchObject({suite: 'after', pid: process.pid});
			await lock.release();
			expect(await cache.get(key)).toBeUndefined();
		} finally {
			await cache.delete(key);
			await cache.close();
		}
	});

	it('lets a real run finish with its samples when Redis dies under it, and refuses a second run meanwhile', async () => {
		const cache = new RedisCache(server.url);
		await cache.waitUntilReady();
		const suite = makeSuite({name: 'rk', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 40, warmup: 0}]});
		let done = 0;
		try {
			const first = runBenchmark({suite, mode: 'bare_metal', release: `v-rk-${uniqueSuffix()}`}, {
				store: fixture.store, cache, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal, onNotice: () => {},
				onEvent(event) {
					done = event.done;
				},
			});
			await waitFor(() => done >= 3, 20_000, 'the first run to start measuring');
			await server.stop();
			await expect(runBenchmark({suite, mode: 'bare_metal', release: `v-rk2-${uniqueSuffix()}`, shouldWait: false}, {
				store: fixture.store, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal, onNotice: () => {},
			})).rejects.toThrow(/another benchmark run holds this host/);
			const result = await first;
			expect(result).toMatchObject({status: 'completed', samplesStored: 40});
		} finally {
			await cache.close();
			await server.start();
		}
	}, 60_000);
});

// Another user needs root to switch to (runuser) and the built lock module (npm run build).
const otherUser: Service = {
	name: 'another user',
	isAvailable: process.getuid?.() === 0 && existsSync('/usr/sbin/runuser') && existsSync(path.join(root, 'dist/bench/lock.js')),
	reason: 'needs root, runuser and a build (npm run build) to try the lock as the user nobody',
};

describeWith([otherUser], 'the host lock across users', () => {
	/** Tries the lock as the user nobody (built module, same lock directory); resolves with what it printed. */
	async function tryAsNobody(): Promise<{exitCode: number | undefined; output: string}> {
		const script = `import {acquireFileLock} from ${JSON.stringify(path.join(root, 'dist/bench/lock.js'))};
try { const lock = await acquireFileLock('/unused', {suite: 'nobody', shouldWait: false}); console.log('TOOK'); await lock.release(); }
catch (error) { console.log(String(error.message) + ' | ' + String(error.hint)); }`;
		const result = await execa('runuser', ['-u', 'nobody', '--', process.execPath, '--input-type=module', '-e', script], {
			reject: false, env: {RQC_LOCK_DIR: lockDir, PATH: process.env.PATH}, extendEnv: false,
		});
		return {exitCode: result.exitCode, output: `${String(result.stdout)}${String(result.stderr)}`};
	}

	// issue 11: another user ran alongside (the lock file lived in each user's data directory)
	it('refuses another user while a run holds the host, and lets it in once the host is free', async () => {
		const lock = await acquireFileLock('/unused', {suite: 'root-run', shouldWait: false, mode: 'bare_metal'});
		try {
			expect(statSync(path.join(lockDir, HOST_LOCK_NAME)).mode & 0o777).toBe(0o644);
			const refused = await tryAsNobody();
			expect(refused.output).toMatch(/another benchmark run holds this host: suite root-run \(pid \d+ on .* by root/);
		} finally {
			await lock.release();
		}

		expect((await tryAsNobody()).output).toContain('TOOK');
	});

	it('tells another user how to clear a dead owner\'s lock it may not remove', async () => {
		writeFileSync(path.join(lockDir, HOST_LOCK_NAME), JSON.stringify({host: os.hostname(), pid: 2 ** 22 + 11, token: 'dead', suite: 'gone', since: '', user: 'root'}), {mode: 0o644});
		const result = await tryAsNobody();
		expect(result.output).toContain('a stale benchmark lock of a run that died');
		expect(result.output).toContain(`remove ${path.join(lockDir, HOST_LOCK_NAME)} (as its owner or root)`);
	});
});
