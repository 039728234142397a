import type {Config} from '../config.js';
import type {Cache} from './cache.js';
import {MemoryCache} from './memory-cache.js';
import {RedisCache} from './redis-cache.js';

/**
 * Redis when REDIS_URL is configured, else the in-process cache. The Redis connection is
 * started but not awaited; call waitUntilReady() where Redis must be up.
 */
export function openCache(config: Pick<Config, 'redisUrl'>): Cache {
	return config.redisUrl ? new RedisCache(config.redisUrl) : new MemoryCache();
}

export {MemoryCache} from './memory-cache.js';
export {RedisCache} from './redis-cache.js';
