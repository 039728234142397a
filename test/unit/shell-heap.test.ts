// issue 10: the console keeps V8's young generation at its cap once settled (memory while busy).
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {capYoungGeneration, YOUNG_GENERATION_CAP_BYTES} from '../../source/shell.js';

const MiB = 1024 * 1024;

describe('capYoungGeneration', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	test('no growth at the cap, V8\'s default below it, and the flag set only when that changes', () => {
		const sizes = [4 * MiB, 8 * MiB, 16 * MiB, 8 * MiB, 2 * MiB, 2 * MiB];
		const flags: string[] = [];
		const stop = capYoungGeneration(8 * MiB, {readSize: () => sizes.shift(), setFlags: (f) => flags.push(f), intervalMs: 1000});
		vi.advanceTimersByTime(5000);
		expect(flags).toEqual(['--semi-space-growth-factor=2', '--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
		stop();
		sizes.push(32 * MiB);
		vi.advanceTimersByTime(5000);
		expect(flags).toHaveLength(3);
	});

	test('a failing look leaves V8\'s policy and never throws', () => {
		const stop = capYoungGeneration(8 * MiB, {readSize: () => {
			throw new Error('no heap statistics');
		}, setFlags: () => {
			throw new Error('flags frozen');
		}, intervalMs: 1000});
		expect(() => vi.advanceTimersByTime(3000)).not.toThrow();
		stop();
	});

	test('the cap is 4 MiB semi-spaces (the young generation counts two)', () => {
		expect(YOUNG_GENERATION_CAP_BYTES).toBe(8 * MiB);
	});
});
