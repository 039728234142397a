/**
 * Subscribes to a ServicesSource and re-renders at most once per `renderIntervalMs`: the sample
 * rate (the source's) and the render rate (this hook's) are separate, so a burst of events or a
 * fast sampler never turns into a burst of frames. While the pane is hidden nothing is rendered
 * (the source keeps filling its history); shown again, the latest snapshot is taken at once.
 * An unchanged snapshot (same version) is never set again, so it costs no frame.
 */
import {useEffect, useRef, useState} from 'react';
import type {MonitorSnapshot, ServicesSource} from '../../docker/monitor.js';

export function useServicesSnapshot(source: ServicesSource, renderIntervalMs = 1000, isShown = true): MonitorSnapshot {
	const [snapshot, setSnapshot] = useState(() => source.getSnapshot());
	const shown = useRef(snapshot);
	shown.current = snapshot;
	useEffect(() => {
		if (!isShown) return;
		let timer: NodeJS.Timeout | undefined;
		let lastRender = 0;
		const render = (): void => {
			timer = undefined;
			lastRender = Date.now();
			const next = source.getSnapshot();
			// Not even a state update for the same snapshot: React would still render to find out.
			if (next !== shown.current && next.version !== shown.current.version) setSnapshot(next);
		};

		const onChange = (): void => {
			if (timer) return;
			const wait = Math.max(0, renderIntervalMs - (Date.now() - lastRender));
			timer = setTimeout(render, wait);
		};

		const unsubscribe = source.subscribe(onChange);
		// Whatever changed before the subscription (or while hidden).
		onChange();
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	}, [source, renderIntervalMs, isShown]);
	return snapshot;
}
