/**
 * One benchmark run per host at a time (two runs on one host spoil each other's numbers).
 * With Redis: a key per host set only if absent, with a TTL renewed while the run goes. Without
 * it: a lock file under the data directory, holding the owner's pid (a dead owner's file is
 * taken over). A second run waits, or fails at once with --no-wait.
 */
import {randomUUID} from 'node:crypto';
import {mkdir, open, readFile, rm} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Cache} from '../cache/cache.js';
import {FailureError} from '../errors.js';
import {isProcessAlive} from './docker-executor.js';

export interface LockOwner {
	readonly host: string;
	readonly pid: number;
	readonly token: string;
	readonly suite: string;
	readonly since: string;
}

export interface HeldLock {
	readonly kind: 'redis' | 'file';
	readonly owner: LockOwner;
	release(): Promise<void>;
}

export interface AcquireOptions {
	readonly suite: string;
	/** Wait for the current holder (true) or fail at once (false). */
	readonly shouldWait: boolean;
	readonly signal?: AbortSignal;
	/** Told once, when the lock is busy and we start waiting. */
	readonly onWait?: (holder: LockOwner | undefined) => void;
	readonly pollMs?: number;
	readonly host?: string;
}

const LOCK_TTL_SECONDS = 30;

/** The Redis key of a host's lock. */
export function getLockKey(host = hostname()): string {
	return `rqc:bench:lock:${host}`;
}

function parseOwner(text: string | undefined): LockOwner | undefined {
	if (!text) return undefined;
	try {
		return JSON.parse(text) as LockOwner;
	} catch {
		return undefined;
	}
}

function describeHolder(holder: LockOwner | undefined): string {
	return holder ? `suite ${holder.suite} (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another run';
}

function busyError(holder: LockOwner | undefined): FailureError {
	return new FailureError(`another benchmark run holds this host: ${describeHolder(holder)}`, 'wait for it to finish, or run again without --no-wait to queue behind it');
}

async function waitOrFail<T>(attempt: () => Promise<{lock: T} | {holder: LockOwner | undefined}>, options: AcquireOptions): Promise<T> {
	let hasWaited = false;
	for (;;) {
		const result = await attempt();
		if ('lock' in result) return result.lock;
		if (!options.shouldWait) throw busyError(result.holder);
		if (!hasWaited) {
			options.onWait?.(result.holder);
			hasWaited = true;
		}

		if (options.signal?.aborted) throw new FailureError('stopped while waiting for another benchmark run to finish');
		try {
			await sleep(options.pollMs ?? 250, undefined, {signal: options.signal});
		} catch {
			throw new FailureError('stopped while waiting for another benchmark run to finish');
		}
	}
}

/** Takes the host's lock in Redis; its TTL is renewed until release. */
export async function acquireRedisLock(cache: Cache, options: AcquireOptions): Promise<HeldLock> {
	const host = options.host ?? hostname();
	const key = getLockKey(host);
	const owner: LockOwner = {host, pid: process.pid, token: randomUUID(), suite: options.suite, since: new Date().toISOString()};
	const value = JSON.stringify(owner);
	return waitOrFail(async (): Promise<{lock: HeldLock} | {holder: LockOwner | undefined}> => {
		if (await cache.setIfAbsent(key, value, LOCK_TTL_SECONDS)) {
			const renew = setInterval(() => {
				void cache.expireIfEquals(key, value, LOCK_TTL_SECONDS).catch(() => {});
			}, (LOCK_TTL_SECONDS * 1000) / 3);
			renew.unref();
			let isReleased = false;
			return {
				lock: {
					kind: 'redis' as const,
					owner,
					async release() {
						if (isReleased) return;
						isReleased = true;
						clearInterval(renew);
						await cache.deleteIfEquals(key, value).catch(() => {});
					},
				},
			};
		}

		return {holder: parseOwner(await cache.get(key).catch(() => undefined))};
	}, options);
}

/** The lock file's path. */
export function getLockFile(dataDir: string, host = hostname()): string {
	return path.join(dataDir, 'locks', `bench-${host}.lock`);
}

/** Takes the host's lock file (O_EXCL create); a file whose owner process is dead is taken over. */
export async function acquireFileLock(dataDir: string, options: AcquireOptions & {isAlive?: (pid: number) => boolean}): Promise<HeldLock> {
	const host = options.host ?? hostname();
	const file = getLockFile(dataDir, host);
	await mkdir(path.dirname(file), {recursive: true});
	const owner: LockOwner = {host, pid: process.pid, token: randomUUID(), suite: options.suite, since: new Date().toISOString()};
	const isAlive = options.isAlive ?? isProcessAlive;
	const attempt = async (mayTakeOver: boolean): Promise<{lock: HeldLock} | {holder: LockOwner | undefined}> => {
		try {
			const handle = await open(file, 'wx');
			await handle.writeFile(JSON.stringify(owner));
			await handle.close();
			let isReleased = false;
			return {
				lock: {
					kind: 'file' as const,
					owner,
					async release() {
						if (isReleased) return;
						isReleased = true;
						const current = parseOwner(await readFile(file, 'utf8').catch(() => undefined));
						if (current?.token === owner.token) await rm(file, {force: true});
					},
				},
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}

		// An unreadable file is being written by its new owner right now: busy, not stale.
		const holder = parseOwner(await readFile(file, 'utf8').catch(() => undefined));
		if (mayTakeOver && holder !== undefined && holder.host === host && holder.pid !== process.pid && !isAlive(holder.pid)) {
			const again = parseOwner(await readFile(file, 'utf8').catch(() => undefined));
			if (again?.token === holder.token) await rm(file, {force: true});
			return attempt(false);
		}

		return {holder};
	};

	return waitOrFail(async () => attempt(true), options);
}

/** Whether the cache is a Redis that answers, waiting up to timeoutMs for it to connect. */
export async function isRedisReady(cache: Cache | undefined, timeoutMs = 3000): Promise<boolean> {
	if (cache?.kind !== 'redis') return false;
	if (cache.getStatus().state === 'ready') return true;
	return new Promise<boolean>((resolve) => {
		const timer = setTimeout(() => {
			off();
			resolve(cache.getStatus().state === 'ready');
		}, timeoutMs);
		timer.unref();
		const off = cache.onStatus((status) => {
			if (status.state !== 'ready' && status.state !== 'closed') return;
			clearTimeout(timer);
			off();
			resolve(status.state === 'ready');
		});
	});
}

/**
 * The Redis lock when the cache is a Redis that answers, else the lock file (a benchmark does
 * not fail because Redis is away; onFallback says so).
 */
export async function acquireBenchLock(cache: Cache | undefined, dataDir: string, options: AcquireOptions & {onFallback?: (why: string) => void}): Promise<HeldLock> {
	if (cache?.kind === 'redis') {
		if (await isRedisReady(cache)) return acquireRedisLock(cache, options);
		options.onFallback?.(`Redis is unreachable (${cache.getStatus().error ?? 'no answer'}): using the lock file, and progress is not published`);
	}

	return acquireFileLock(dataDir, options);
}
