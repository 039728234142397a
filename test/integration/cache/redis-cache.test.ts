import {afterAll, beforeAll, expect, it, vi} from 'vitest';
import {RedisCache} from '../../../source/cache/redis-cache.js';
import {MemoryCache} from '../../../source/cache/memory-cache.js';
import type {Cache} from '../../../source/cache/cache.js';
import {RedisServer} from '../../helpers/redis-server.js';
import {describeWith, requireRedis, uniqueSuffix} from '../../helpers/services.js';
import {describe} from 'vitest';

function cacheContract(make: () => Promise<Cache>) {
	let cache: Cache;
	beforeAll(async () => {
		cache = await make();
	});
	afterAll(async () => cache?.close());

	// Keys and channels are unique per run: the shared Redis may hold another run's keys.
	const k = (name: string) => `rqc-test:${suffix}:${name}`;
	const suffix = uniqueSuffix();

	it('gets, sets and deletes', async () => {
		await cache.set(k('k1'), 'v1');
		expect(await cache.get(k('k1'))).toBe('v1');
		await cache.delete(k('k1'));
		expect(await cache.get(k('k1'))).toBeUndefined();
	});

	it('forgets a key when its time to live runs out', async () => {
		await cache.set(k('ttl'), 'short', {ttlSeconds: 1});
		expect(await cache.get(k('ttl'))).toBe('short');
		await new Promise((resolve) => {
			setTimeout(resolve, 1200);
		});
		expect(await cache.get(k('ttl'))).toBeUndefined();
	});

	it('takes a lock once and releases only its own', async () => {
		expect(await cache.setIfAbsent(k('lock'), 'me', 30)).toBe(true);
		expect(await cache.setIfAbsent(k('lock'), 'you', 30)).toBe(false);
		expect(await cache.deleteIfEquals(k('lock'), 'you')).toBe(false);
		expect(await cache.expireIfEquals(k('lock'), 'me', 60)).toBe(true);
		expect(await cache.deleteIfEquals(k('lock'), 'me')).toBe(true);
		expect(await cache.setIfAbsent(k('lock'), 'you', 30)).toBe(true);
	});

	it('delivers published messages to subscribers until they leave', async () => {
		const got: string[] = [];
		const off = await cache.subscribe(k('progress'), (m) => got.push(m));
		await cache.publish(k('progress'), 'one');
		await vi.waitFor(() => expect(got).toEqual(['one']));
		await off();
		await cache.publish(k('progress'), 'two');
		await cache.publish(k('other'), 'x');
		await new Promise((resolve) => {
			setTimeout(resolve, 100);
		});
		expect(got).toEqual(['one']);
	});
}

describe('in-process cache', () => {
	cacheContract(async () => new MemoryCache());
});

describeWith([requireRedis()], 'Redis cache against a real redis-server', () => {
	cacheContract(async () => {
		const cache = new RedisCache(process.env.RQC_TEST_REDIS_URL!);
		await cache.waitUntilReady();
		return cache;
	});

	it('reports its state live as Redis stops and comes back', async () => {
		const server = await RedisServer.start();
		const cache = new RedisCache(server.url, {maxRetryDelayMs: 200});
		const states: string[] = [];
		cache.onStatus((s) => states.push(s.state));
		try {
			await cache.waitUntilReady();
			expect(cache.getStatus()).toMatchObject({kind: 'redis', state: 'ready'});
			await vi.waitFor(() => expect(cache.getStatus().serverVersion).toMatch(/^\d+\.\d+/));

			await server.stop();
			await vi.waitFor(() => expect(cache.getStatus().state).toBe('unreachable'), {timeout: 10_000});
			// While it is down, commands fail at once with a service error instead of hanging.
			await expect(cache.get('x')).rejects.toMatchObject({name: 'ServiceError', exitCode: 3});

			await server.start();
			await vi.waitFor(() => expect(cache.getStatus().state).toBe('ready'), {timeout: 10_000});
			await cache.set('after', 'back');
			expect(await cache.get('after')).toBe('back');
			expect(states).toEqual(expect.arrayContaining(['ready', 'unreachable']));
		} finally {
			await cache.close();
			await server.stop();
		}
	});

	it('says why when Redis cannot be reached at all', async () => {
		const cache = new RedisCache('redis://:Pw-not-shown-42@127.0.0.1:1');
		try {
			const error = await cache.waitUntilReady(1500).catch((error_: unknown) => error_ as Error);
			expect(error).toMatchObject({name: 'ServiceError'});
			expect(String(error)).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
			expect(String(error)).not.toContain('Pw-not-shown-42');
		} finally {
			await cache.close();
		}
	});
});
