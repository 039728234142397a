/**
 * With Redis: the per-host lock lives in Redis (a second run fails at once with --no-wait), and
 * progress goes out on a channel that a TUI attached to the same Redis sees.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {RedisCache} from '../../../source/cache/redis-cache.js';
import {getLockKey} from '../../../source/bench/lock.js';
import {parseBenchEvent, PROGRESS_CHANNEL, type BenchEvent} from '../../../source/bench/progress.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {FailureError} from '../../../source/errors.js';
import {describeWith, redisUrl, requireRedis, uniqueSuffix} from '../../helpers/services.js';
import {makeSuite, openPgliteFixture, waitFor, type PgliteFixture} from './fixtures.js';

describeWith([requireRedis()], 'bench runs with Redis', () => {
	let fixture: PgliteFixture;
	let runner: RedisCache;
	let watcher: RedisCache;
	const host = `rqc-test-host-${uniqueSuffix()}`;
	beforeAll(async () => {
		fixture = await openPgliteFixture();
		process.env.RQC_LOCK_DIR = fixture.dataDir; // the host lock file, away from other test runs
		runner = new RedisCache(redisUrl!);
		watcher = new RedisCache(redisUrl!);
		await Promise.all([runner.waitUntilReady(), watcher.waitUntilReady()]);
	});
	afterAll(async () => {
		await runner?.close();
		await watcher?.close();
		delete process.env.RQC_LOCK_DIR;
		await fixture?.cleanup();
	});

	const suite = makeSuite({name: 'redis', cases: [{name: 'slow', command: ['sleep', '0.05'], iterations: 20, warmup: 0}]});

	it('publishes start, progress and end on the channel, and holds the host lock in Redis meanwhile', async () => {
		const seen: BenchEvent[] = [];
		const unsubscribe = await watcher.subscribe(PROGRESS_CHANNEL, (message) => {
			const event = parseBenchEvent(message);
			if (event?.suite === 'redis') seen.push(event);
		});
		try {
			let lockValue: string | undefined;
			let isChecked = false;
			const result = await runBenchmark({suite, mode: 'bare_metal', release: `v-rd-${uniqueSuffix()}`}, {
				store: fixture.store,
				cache: runner,
				config: {dataDir: fixture.dataDir, dockerHost: undefined},
				signal: new AbortController().signal,
				onEvent(event) {
					if (!isChecked && event.done >= 3) {
						isChecked = true;
						void watcher.get(getLockKey()).then((value) => {
							lockValue = value;
						});
					}
				},
			});
			expect(result.status).toBe('completed');
			await waitFor(() => seen.some((e) => e.type === 'end' && e.runId === result.runId), 10_000, 'the end event');
			const types = new Set(seen.filter((e) => e.runId === result.runId).map((e) => e.type));
			expect(types).toEqual(new Set(['start', 'case', 'progress', 'end']));
			const last = seen.at(-1)!;
			expect(last).toMatchObject({type: 'end', done: 20, total: 20, status: 'completed', mode: 'bare_metal'});
			expect(last.medianNs).toBeGreaterThan(40_000_000);
			await waitFor(() => lockValue !== undefined, 5000, 'the lock read');
			expect(JSON.parse(lockValue!)).toMatchObject({pid: process.pid, suite: 'redis'});
			expect(await watcher.get(getLockKey())).toBeUndefined();
		} finally {
			await unsubscribe();
		}
	});

	it('fails a second run at once with --no-wait while another process holds the host in Redis', async () => {
		// Another machine's session holding this host's key (a different pid, as a CI job would).
		const key = getLockKey(host);
		await watcher.set(key, JSON.stringify({host, pid: 1, token: 'other', suite: 'elsewhere', since: new Date().toISOString()}), {ttlSeconds: 30});
		try {
			const {acquireRedisLock} = await import('../../../source/bench/lock.js');
			await expect(acquireRedisLock(runner, {suite: 'x', shouldWait: false, host})).rejects.toThrow(FailureError);
			await expect(acquireRedisLock(runner, {suite: 'x', shouldWait: false, host})).rejects.toThrow(/suite elsewhere \(pid 1 on rqc-test-host/);
			// Waiting: it gets the lock as soon as the holder lets go.
			const waiting = acquireRedisLock(runner, {suite: 'x', shouldWait: true, host, pollMs: 50});
			await watcher.delete(key);
			const lock = await waiting;
			expect(JSON.parse((await watcher.get(key))!)).toMatchObject({suite: 'x', pid: process.pid});
			await lock.release();
			expect(await watcher.get(key)).toBeUndefined();
		} finally {
			await watcher.delete(key);
		}
	});

	it('makes two real runs at once on one host queue behind each other', async () => {
		const deps = {store: fixture.store, cache: runner, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal};
		let isStarted = false;
		const first = runBenchmark({suite, mode: 'bare_metal', release: `v-rq-${uniqueSuffix()}`}, {...deps, onEvent: () => {
			isStarted = true;
		}});
		await waitFor(() => isStarted, 20_000, 'the first run to start');
		await expect(runBenchmark({suite, mode: 'bare_metal', release: `v-rq2-${uniqueSuffix()}`, shouldWait: false}, deps)).rejects.toThrow(/another benchmark run holds this host/);
		const second = runBenchmark({suite, mode: 'bare_metal', release: `v-rq3-${uniqueSuffix()}`}, deps);
		const [a, b] = await Promise.all([first, second]);
		const runA = await fixture.store.getRun(a.runId);
		const runB = await fixture.store.getRun(b.runId);
		expect(runB!.startedAt.getTime()).toBeGreaterThanOrEqual(runA!.endedAt!.getTime());
	});

	it('waits for a Redis that is still connecting, and falls back to the lock file when Redis is away', async () => {
		const deps = {store: fixture.store, config: {dataDir: fixture.dataDir, dockerHost: undefined}, signal: new AbortController().signal};
		const small = makeSuite({name: 'redis-small', cases: [{name: 't', command: ['true'], iterations: 2, warmup: 0}]});
		// Just created: not connected yet (commands are not queued while connecting).
		const fresh = new RedisCache(redisUrl!);
		const notices: string[] = [];
		try {
			const result = await runBenchmark({suite: small, mode: 'bare_metal', release: `v-rf-${uniqueSuffix()}`}, {...deps, cache: fresh, onNotice: (text) => notices.push(text)});
			expect(result.status).toBe('completed');
			expect(notices.filter((n) => /Redis is unreachable/.test(n))).toEqual([]);
		} finally {
			await fresh.close();
		}

		const away = new RedisCache('redis://127.0.0.1:1');
		try {
			const result = await runBenchmark({suite: small, mode: 'bare_metal', release: `v-ra-${uniqueSuffix()}`}, {...deps, cache: away, onNotice: (text) => notices.push(text)});
			expect(result.status).toBe('completed');
			expect(notices.some((n) => /Redis is unreachable .*the host lock file guards this run/.test(n))).toBe(true);
		} finally {
			await away.close();
		}
	});
});
