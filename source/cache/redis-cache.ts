/**
 * Redis through ioredis. The connection's state is reported live (ready, reconnecting,
 * unreachable) and it keeps retrying in the background, so a Redis that stops and comes back
 * is picked up without a restart. Commands fail fast while it is down instead of queueing.
 */
import {Redis} from 'ioredis';
import {ServiceError} from '../errors.js';
import {redactSecrets, redactUrl, registerUrlSecret} from '../redact.js';
import type {Cache, CacheState, CacheStatus} from './cache.js';

const DELETE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXPIRE_IF_EQUALS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisCacheOptions {
	/** Longest wait between reconnection attempts. */
	readonly maxRetryDelayMs?: number;
	readonly connectTimeoutMs?: number;
}

export class RedisCache implements Cache {
	readonly kind = 'redis' as const;
	private readonly client: Redis;
	private subscriber: Redis | undefined;
	private readonly handlers = new Map<string, Set<(message: string) => void>>();
	private readonly listeners = new Set<(status: CacheStatus) => void>();
	private status: CacheStatus;

	constructor(private readonly url: string, private readonly options: RedisCacheOptions = {}) {
		registerUrlSecret(url);
		this.status = {kind: 'redis', state: 'connecting', location: redactUrl(url), error: undefined, serverVersion: undefined};
		this.client = this.connect();
		this.client.on('ready', () => {
			// Learn the server's version before saying ready, so one status has both.
			this.client.info('server').then((info) => {
				this.update('ready', undefined, /redis_version:(\S+)/.exec(info)?.[1]);
			}, () => {
				this.update('ready', undefined);
			});
		});
		this.client.on('error', (error: Error) => {
			this.update('unreachable', redactSecrets(error.message));
		});
		this.client.on('reconnecting', () => {
			if (this.status.state !== 'unreachable') this.update('reconnecting', this.status.error);
		});
		this.client.on('end', () => this.update('closed', this.status.error));
	}

	getStatus(): CacheStatus {
		return this.status;
	}

	onStatus(listener: (status: CacheStatus) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Resolves once connected; throws a ServiceError if Redis cannot be reached in time. */
	async waitUntilReady(timeoutMs = 3000): Promise<void> {
		if (this.status.state === 'ready') return;
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				off();
				reject(new ServiceError('redis', `cannot reach Redis at ${this.status.location}${this.status.error ? `: ${this.status.error}` : ''}`,
					'start Redis (rqc up), fix REDIS_URL, or unset it to use the in-process cache'));
			}, timeoutMs);
			const off = this.onStatus((status) => {
				if (status.state === 'ready') {
					clearTimeout(timer);
					off();
					resolve();
				}
			});
		});
	}

	async get(key: string): Promise<string | undefined> {
		return (await this.run(() => this.client.get(key))) ?? undefined;
	}

	async set(key: string, value: string, options: {ttlSeconds?: number} = {}): Promise<void> {
		await this.run(() => (options.ttlSeconds ? this.client.set(key, value, 'EX', options.ttlSeconds) : this.client.set(key, value)));
	}

	async delete(key: string): Promise<void> {
		await this.run(() => this.client.del(key));
	}

	async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
		return (await this.run(() => this.client.set(key, value, 'EX', ttlSeconds, 'NX'))) === 'OK';
	}

	async deleteIfEquals(key: string, value: string): Promise<boolean> {
		return Number(await this.run(() => this.client.eval(DELETE_IF_EQUALS, 1, key, value))) === 1;
	}

	async expireIfEquals(key: string, value: string, ttlSeconds: number): Promise<boolean> {
		return Number(await this.run(() => this.client.eval(EXPIRE_IF_EQUALS, 1, key, value, ttlSeconds))) === 1;
	}

	async publish(channel: string, message: string): Promise<void> {
		await this.run(() => this.client.publish(channel, message));
	}

	async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
		if (!this.subscriber) {
			// The subscriber queues its SUBSCRIBE until connected, and ioredis re-subscribes after reconnecting.
			this.subscriber = this.connect({enableOfflineQueue: true});
			this.subscriber.on('error', () => {});
			this.subscriber.on('message', (ch: string, message: string) => {
				for (const handler of this.handlers.get(ch) ?? []) handler(message);
			});
		}

		const handlers = this.handlers.get(channel) ?? new Set();
		const isFirst = handlers.size === 0;
		handlers.add(listener);
		this.handlers.set(channel, handlers);
		if (isFirst) {
			const subscribed = this.subscriber.subscribe(channel).catch(() => {});
			// Wait for the server's confirmation when it is up; when it is down, return at once.
			if (this.subscriber.status === 'ready' || this.status.state === 'ready') await subscribed;
		}
		return async () => {
			handlers.delete(listener);
			if (handlers.size === 0) await this.subscriber?.unsubscribe(channel).catch(() => {});
		};
	}

	async close(): Promise<void> {
		this.client.disconnect();
		this.subscriber?.disconnect();
		this.update('closed', undefined);
	}

	private connect(options: {enableOfflineQueue?: boolean} = {}): Redis {
		return new Redis(this.url, {
			lazyConnect: false,
			enableOfflineQueue: options.enableOfflineQueue ?? false,
			maxRetriesPerRequest: 1,
			connectTimeout: this.options.connectTimeoutMs ?? 2000,
			retryStrategy: (times) => Math.min(times * 200, this.options.maxRetryDelayMs ?? 2000),
		});
	}

	private async run<T>(command: () => Promise<T>): Promise<T> {
		try {
			return await command();
		} catch (error) {
			throw new ServiceError('redis', `Redis at ${this.status.location}: ${redactSecrets((error as Error).message)}`,
				'start Redis (rqc up), fix REDIS_URL, or unset it to use the in-process cache', {cause: error});
		}
	}

	private update(state: CacheState, error: string | undefined, serverVersion = this.status.serverVersion): void {
		if (this.status.state === 'closed' && state !== 'closed') return;
		const next = {...this.status, state, error, serverVersion};
		if (next.state === this.status.state && next.error === this.status.error && next.serverVersion === this.status.serverVersion) return;
		this.status = next;
		for (const listener of this.listeners) listener(next);
	}
}
