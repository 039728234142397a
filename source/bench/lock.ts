/**
 * One benchmark run per host at a time (two runs on one host spoil each other's numbers).
 *
 * The guard is a lock file in a host-wide directory (the first of /run/lock, /var/lock, /tmp that
 * is a world-writable sticky directory: the same for every user and every data directory),
 * created with O_EXCL and holding the owner's pid, the pid's start time, user, host, suite and
 * mode. A file whose owner process is gone (or whose pid now belongs to another process) is taken
 * over. Consoles read it to go quiet while a run measures (see readHostLock).
 *
 * Redis, when it answers, also gets the host's key (so sessions on other machines sharing the
 * Redis see the run), but never as the only guard: losing Redis mid-run releases nothing.
 * A second run waits, or fails at once with --no-wait.
 */
import {randomUUID} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {lstat, open, readFile, stat, unlink} from 'node:fs/promises';
import {hostname, userInfo} from 'node:os';
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
	/** The run's mode (older lock files and other writers may not say). */
	readonly mode?: string;
	readonly user?: string;
	/** /proc/<pid>/stat start time, so a reused pid is not mistaken for the owner. */
	readonly pidStart?: number;
}

export interface HeldLock {
	readonly kind: 'redis' | 'file';
	readonly owner: LockOwner;
	/** The lock file guarding this host. */
	readonly file?: string;
	/** The Redis key is held too (other machines sharing the Redis see the run). */
	readonly isShared?: boolean;
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
	/** bare_metal, docker or calibration: consoles say which kind of run made them quiet. */
	readonly mode?: string;
	/** The host-wide lock directory; by default getHostLockDir(env). */
	readonly lockDir?: string;
	readonly env?: Readonly<Record<string, string | undefined>>;
}

const LOCK_TTL_SECONDS = 30;
/** The lock file's name in the host-wide directory: fixed, so every rqc on the host finds it. */
export const HOST_LOCK_NAME = 'rqc-bench.lock';
const HOST_LOCK_DIRS = ['/run/lock', '/var/lock', '/tmp'];
/** Removes a file; one already gone is fine (fs.rm would turn EPERM into a confusing ENOTDIR). */
async function removeFile(file: string): Promise<void> {
	try {
		await unlink(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

/** A takeover guard older than this was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

/** The Redis key of a host's lock. */
export function getLockKey(host = hostname()): string {
	return `rqc:bench:lock:${host}`;
}

/**
 * The host-wide directory of the lock: RQC_LOCK_DIR when set (tests, or a host whose runs live in
 * separate mount namespaces sharing a directory), else the first of /run/lock, /var/lock, /tmp
 * that is a world-writable sticky directory (a property of the host, so every user picks the same).
 */
export function getHostLockDir(env: Readonly<Record<string, string | undefined>> = process.env, candidates: readonly string[] = HOST_LOCK_DIRS): string {
	const explicit = env.RQC_LOCK_DIR;
	if (explicit) return explicit;
	for (const dir of candidates) {
		try {
			const info = statSync(dir);
			// 0o1777: sticky and writable by everyone (others cannot remove our file).
			if (info.isDirectory() && (info.mode & 0o1777) === 0o1777) return dir;
		} catch {
			// Not on this host.
		}
	}

	return '/tmp';
}

/** The lock file's path (the data directory no longer matters: the lock is the host's). */
export function getLockFile(_dataDir?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
	return path.join(getHostLockDir(env), HOST_LOCK_NAME);
}

function parseOwner(text: string | undefined): LockOwner | undefined {
	if (!text) return undefined;
	try {
		const value = JSON.parse(text) as Partial<LockOwner> | null;
		if (!value || typeof value.pid !== 'number' || typeof value.token !== 'string') return undefined;
		return value as LockOwner;
	} catch {
		return undefined;
	}
}

/** A process's start time (clock ticks since boot), or undefined when it cannot be read. */
export function getProcessStart(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: count from the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const start = Number(fields[19]);
		return Number.isFinite(start) ? start : undefined;
	} catch {
		return undefined;
	}
}

function currentUser(): string | undefined {
	try {
		return userInfo().username;
	} catch {
		return undefined;
	}
}

/** Whether the owner recorded in a lock file still runs (same host, pid alive, same start time). */
export function isOwnerAlive(owner: LockOwner, host = hostname(), isAlive: (pid: number) => boolean = isProcessAlive): boolean {
	if (owner.host !== host) return true; // another machine's: we cannot tell, so it holds
	if (!isAlive(owner.pid)) return false;
	if (owner.pidStart === undefined) return true;
	const start = getProcessStart(owner.pid);
	return start === undefined || start === owner.pidStart;
}

function describeHolder(holder: LockOwner | undefined): string {
	return holder ? `suite ${holder.suite} (pid ${holder.pid} on ${holder.host}${holder.user ? ` by ${holder.user}` : ''}, since ${holder.since})` : 'another run';
}

function busyError(holder: LockOwner | undefined): FailureError {
	return new FailureError(`another benchmark run holds this host: ${describeHolder(holder)}`, 'wait for it to finish, or run again without --no-wait to queue behind it');
}

type Attempt<T> = {lock: T} | {holder: LockOwner | undefined};

async function waitOrFail<T>(attempt: () => Promise<Attempt<T>>, options: AcquireOptions): Promise<T> {
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

function makeOwner(options: AcquireOptions): LockOwner {
	return {
		host: options.host ?? hostname(),
		pid: process.pid,
		token: randomUUID(),
		suite: options.suite,
		since: new Date().toISOString(),
		...(options.mode ? {mode: options.mode} : {}),
		...(currentUser() ? {user: currentUser()} : {}),
		...(getProcessStart(process.pid) === undefined ? {} : {pidStart: getProcessStart(process.pid)}),
	};
}

/**
 * Takes the host's lock in Redis; its TTL is renewed until release. With mayTakeOverDead (the
 * caller holds the host's lock file), a key left by a process of this host that died is removed.
 */
export async function acquireRedisLock(cache: Cache, options: AcquireOptions & {mayTakeOverDead?: boolean}, owner: LockOwner = makeOwner(options)): Promise<HeldLock> {
	const key = getLockKey(owner.host);
	const value = JSON.stringify(owner);
	const attempt = async (mayTakeOver: boolean): Promise<Attempt<HeldLock>> => {
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

		const raw = await cache.get(key).catch(() => undefined);
		const holder = parseOwner(raw);
		if (mayTakeOver && options.mayTakeOverDead && raw !== undefined && holder && holder.token !== owner.token && !isOwnerAlive(holder, owner.host)) {
			// Its TTL would free it within 30 s; the file lock already says the host is ours.
			if (await cache.deleteIfEquals(key, raw).catch(() => false)) return attempt(false);
		}

		return {holder};
	};

	return waitOrFail(async () => attempt(true), options);
}

/** Reads a lock file; a symlink or another non-file (planted in a shared directory) reads as unknown. */
async function readOwner(file: string): Promise<LockOwner | undefined> {
	try {
		const info = await lstat(file);
		if (!info.isFile()) return undefined;
		return parseOwner(await readFile(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * Removes a stale lock file under a takeover guard (O_EXCL), so two processes that both found it
 * stale cannot remove each other's fresh lock. Says whether the stale file is gone.
 */
async function removeStale(file: string, stale: LockOwner): Promise<boolean> {
	const guard = `${file}.takeover`;
	try {
		const info = await lstat(guard);
		if (Date.now() - info.mtimeMs > TAKEOVER_STALE_MS) await removeFile(guard).catch(() => {});
	} catch {
		// No guard.
	}

	let handle;
	try {
		handle = await open(guard, 'wx', 0o644);
	} catch {
		return false; // another process is taking over right now
	}

	try {
		const again = await readOwner(file);
		if (again?.token !== stale.token) return false;
		await removeFile(file);
		return true;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EPERM' || code === 'EACCES') {
			throw new FailureError(
				`a stale benchmark lock of a run that died (pid ${stale.pid}${stale.user ? `, user ${stale.user}` : ''}) blocks this host`,
				`remove ${file} (as its owner or root)`,
			);
		}

		throw error;
	} finally {
		await handle.close();
		await removeFile(guard).catch(() => {});
	}
}

/** Takes the host-wide lock file (O_EXCL create); a file whose owner process is gone is taken over. */
export async function acquireFileLock(dataDir: string, options: AcquireOptions & {isAlive?: (pid: number) => boolean}, owner: LockOwner = makeOwner(options)): Promise<HeldLock> {
	const dir = options.lockDir ?? getHostLockDir(options.env);
	const file = path.join(dir, HOST_LOCK_NAME);
	const isAlive = options.isAlive ?? isProcessAlive;
	const attempt = async (mayTakeOver: boolean): Promise<Attempt<HeldLock>> => {
		try {
			// 0644: any user's console may read who holds the host; only the owner may change it.
			const handle = await open(file, 'wx', 0o644);
			try {
				await handle.writeFile(JSON.stringify(owner));
			} finally {
				await handle.close();
			}

			let isReleased = false;
			return {
				lock: {
					kind: 'file' as const,
					owner,
					file,
					async release() {
						if (isReleased) return;
						isReleased = true;
						const current = await readOwner(file);
						if (current?.token === owner.token) await removeFile(file);
					},
				},
			};
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') throw new FailureError(`the benchmark lock directory ${dir} does not exist`, 'create it, or set RQC_LOCK_DIR to a directory every rqc on this host can write');
			// Some kernels answer EACCES, not EEXIST, for another user's file in a sticky directory.
			const exists = code !== 'EEXIST' && await lstat(file).then(() => true, () => false);
			if ((code === 'EACCES' || code === 'EPERM') && !exists) throw new FailureError(`cannot create the benchmark lock ${file}: ${code}`, 'make the directory writable (mode 1777), or set RQC_LOCK_DIR');
			if (code !== 'EEXIST' && !exists) throw error;
		}

		// An unreadable file is being written by its new owner right now: busy, not stale.
		const holder = await readOwner(file);
		if (mayTakeOver && holder !== undefined && holder.token !== owner.token && !isOwnerAlive(holder, owner.host, isAlive)) {
			if (await removeStale(file, holder)) return attempt(false);
		}

		return {holder};
	};

	return waitOrFail(async () => attempt(true), options);
}

/**
 * Who holds this host's benchmark lock right now (undefined: nobody, or an owner that died).
 * Cheap (one stat, and a read only when the file changed), so consoles can ask every second.
 */
export function createHostLockReader(options: {readonly lockDir?: string; readonly env?: Readonly<Record<string, string | undefined>>; readonly isAlive?: (pid: number) => boolean} = {}): () => Promise<LockOwner | undefined> {
	const file = path.join(options.lockDir ?? getHostLockDir(options.env), HOST_LOCK_NAME);
	let seen: {key: string; owner: LockOwner | undefined} | undefined;
	return async () => {
		let key: string;
		try {
			const info = await stat(file);
			key = `${info.ino}:${info.mtimeMs}:${info.size}`;
		} catch {
			seen = undefined;
			return undefined;
		}

		if (seen?.key !== key) seen = {key, owner: await readOwner(file)};
		const {owner} = seen;
		return owner && isOwnerAlive(owner, hostname(), options.isAlive) ? owner : undefined;
	};
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
 * The host-wide lock file, always; plus the host's Redis key when the cache is a Redis that
 * answers (a benchmark does not fail because Redis is away; onFallback says so). Losing Redis
 * later releases nothing: the file still guards the host.
 */
export async function acquireBenchLock(cache: Cache | undefined, dataDir: string, options: AcquireOptions & {onFallback?: (why: string) => void}): Promise<HeldLock> {
	const owner = makeOwner(options);
	const fileLock = await acquireFileLock(dataDir, options, owner);
	if (cache?.kind !== 'redis') return fileLock;
	if (!(await isRedisReady(cache))) {
		options.onFallback?.(`Redis is unreachable (${cache.getStatus().error ?? 'no answer'}): the host lock file guards this run, and progress is not published`);
		return fileLock;
	}

	let redisLock: HeldLock;
	try {
		redisLock = await acquireRedisLock(cache, {...options, mayTakeOverDead: true}, owner);
	} catch (error) {
		if (!(error instanceof FailureError)) {
			// Redis went away between the check and the key: the file still guards the host.
			options.onFallback?.(`Redis stopped answering (${error instanceof Error ? error.message : String(error)}): the host lock file guards this run`);
			return fileLock;
		}

		await fileLock.release();
		throw error;
	}

	return {
		kind: 'file',
		owner,
		file: fileLock.file,
		isShared: true,
		async release() {
			await redisLock.release();
			await fileLock.release();
		},
	};
}
