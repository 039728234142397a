import {useEffect, useState} from 'react';
import type {BenchSnapshot, BenchSource} from './bench-source.js';

/**
 * The source's snapshot, re-rendered at most every intervalMs (events can come 5 times a
 * second per run; the screen does not need them all).
 */
export function useBenchSnapshot(source: BenchSource, intervalMs = 250): BenchSnapshot {
	const [snapshot, setSnapshot] = useState(() => source.getSnapshot());
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		let last = 0;
		const flush = (): void => {
			timer = undefined;
			last = Date.now();
			setSnapshot(source.getSnapshot());
		};

		const unsubscribe = source.subscribe(() => {
			if (timer) return;
			const wait = Math.max(0, intervalMs - (Date.now() - last));
			timer = setTimeout(flush, wait);
		});
		flush();
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	}, [source, intervalMs]);
	return snapshot;
}
