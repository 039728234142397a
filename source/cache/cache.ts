/**
 * The cache and message bus: Redis when REDIS_URL is set, an in-process stand-in otherwise.
 * Both have the same interface, so callers never ask which one they hold.
 */

export type CacheState = 'memory' | 'connecting' | 'ready' | 'reconnecting' | 'unreachable' | 'closed';

export interface CacheStatus {
	readonly kind: 'redis' | 'memory';
	readonly state: CacheState;
	/** The URL with its password masked, for redis. */
	readonly location: string;
	/** The last connection error, when unreachable. */
	readonly error: string | undefined;
	readonly serverVersion: string | undefined;
}

export interface Cache {
	readonly kind: 'redis' | 'memory';
	getStatus(): CacheStatus;
	/** Calls listener on every state change; returns the unsubscribe function. */
	onStatus(listener: (status: CacheStatus) => void): () => void;

	get(key: string): Promise<string | undefined>;
	set(key: string, value: string, options?: {ttlSeconds?: number}): Promise<void>;
	delete(key: string): Promise<void>;
	/** Sets key only when absent (a lock); returns whether it was set. */
	setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
	/** Deletes key only when it still holds value (releasing one's own lock). */
	deleteIfEquals(key: string, value: string): Promise<boolean>;
	/** Extends a key's TTL only when it still holds value. */
	expireIfEquals(key: string, value: string, ttlSeconds: number): Promise<boolean>;

	publish(channel: string, message: string): Promise<void>;
	/** Calls listener for every message on channel; returns the unsubscribe function. */
	subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;

	close(): Promise<void>;
}
