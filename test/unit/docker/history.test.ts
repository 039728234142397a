import {describe, expect, it} from 'vitest';
import {HistoryStore, TimeRing} from '../../../source/docker/history.js';

const point = (at: number, value = at): {at: number; value: number} => ({at, value});

describe('TimeRing', () => {
	it('drops points older than the window', () => {
		const ring = new TimeRing<{at: number; value: number}>(1000, 100);
		for (const at of [0, 200, 900, 1100, 1500]) ring.push(point(at));
		// At 1500 the window starts at 500.
		expect(ring.toArray().map((p) => p.at)).toEqual([900, 1100, 1500]);
		ring.prune(2050);
		expect(ring.toArray().map((p) => p.at)).toEqual([1100, 1500]);
		expect(ring.latest()?.at).toBe(1500);
	});

	it('keeps at most `capacity` points, newest last, when samples come faster than the window', () => {
		const ring = new TimeRing<{at: number; value: number}>(60_000, 5);
		for (let at = 0; at < 12; at++) ring.push(point(at));
		expect(ring.size).toBe(5);
		expect(ring.toArray().map((p) => p.at)).toEqual([7, 8, 9, 10, 11]);
	});

	it('defaults to a five-minute window', () => {
		const ring = new TimeRing<{at: number; value: number}>();
		expect(ring.windowMs).toBe(300_000);
		ring.push(point(0));
		ring.push(point(300_000));
		ring.push(point(300_001));
		expect(ring.toArray().map((p) => p.at)).toEqual([300_000, 300_001]);
	});

	it('is empty at first and rejects a bad window', () => {
		expect(new TimeRing(10, 2).toArray()).toEqual([]);
		expect(new TimeRing(10, 2).latest()).toBeUndefined();
		expect(() => new TimeRing(0, 2)).toThrow(RangeError);
	});
});

describe('HistoryStore', () => {
	it('keeps one ring per container and forgets vanished ones', () => {
		const store = new HistoryStore<{at: number; value: number}>(1000, 10);
		store.record('a', point(1));
		store.record('a', point(2));
		store.record('b', point(3));
		expect(store.get('a').map((p) => p.at)).toEqual([1, 2]);
		expect(store.latest('b')?.at).toBe(3);
		store.retain(new Set(['b']));
		expect(store.get('a')).toEqual([]);
		expect(store.ids).toEqual(['b']);
	});
});
