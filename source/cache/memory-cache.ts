/** The in-process stand-in for Redis: same interface, lives and dies with this process. */
import type {Cache, CacheStatus} from './cache.js';

interface Entry {
	value: string;
	expiresAt: number | undefined;
}

export class MemoryCache implements Cache {
	readonly kind = 'memory' as const;
	private readonly entries = new Map<string, Entry>();
	private readonly channels = new Map<string, Set<(message: string) => void>>();
	private isClosed = false;

	constructor(private readonly now: () => number = Date.now) {}

	getStatus(): CacheStatus {
		return {kind: 'memory', state: this.isClosed ? 'closed' : 'memory', location: 'in-process', error: undefined, serverVersion: undefined};
	}

	onStatus(): () => void {
		return () => {};
	}

	async get(key: string): Promise<string | undefined> {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return undefined;
		}

		return entry.value;
	}

	async set(key: string, value: string, options: {ttlSeconds?: number} = {}): Promise<void> {
		this.entries.set(key, {value, expiresAt: options.ttlSeconds ? this.now() + (options.ttlSeconds * 1000) : undefined});
	}

	async delete(key: string): Promise<void> {
		this.entries.delete(key);
	}

	async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
		if ((await this.get(key)) !== undefined) return false;
		await this.set(key, value, {ttlSeconds});
		return true;
	}

	async deleteIfEquals(key: string, value: string): Promise<boolean> {
		if ((await this.get(key)) !== value) return false;
		this.entries.delete(key);
		return true;
	}

	async expireIfEquals(key: string, value: string, ttlSeconds: number): Promise<boolean> {
		if ((await this.get(key)) !== value) return false;
		await this.set(key, value, {ttlSeconds});
		return true;
	}

	async publish(channel: string, message: string): Promise<void> {
		for (const listener of this.channels.get(channel) ?? []) listener(message);
	}

	async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
		const listeners = this.channels.get(channel) ?? new Set();
		listeners.add(listener);
		this.channels.set(channel, listeners);
		return async () => {
			listeners.delete(listener);
		};
	}

	async close(): Promise<void> {
		this.isClosed = true;
		this.entries.clear();
		this.channels.clear();
	}
}
