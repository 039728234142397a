/**
 * Subscribes to a ServicesSource and re-renders at most once per `renderIntervalMs`: the sample
 * rate (the source's) and the render rate (this hook's) are separate, so a burst of events or a
 * fast sampler never turns into a burst of frames.
 */
import {useEffect, useState} from 'react';
import type {MonitorSnapshot, ServicesSource} from '../../docker/monitor.js';

export function useServicesSnapshot(source: ServicesSource, renderIntervalMs = 1000): MonitorSnapshot {
	const [snapshot, setSnapshot] = useState(() => source.getSnapshot());
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		let lastRender = 0;
		const render = (): void => {
			timer = undefined;
			lastRender = Date.now();
			setSnapshot(source.getSnapshot());
		};

		const onChange = (): void => {
			if (timer) return;
			const wait = Math.max(0, renderIntervalMs - (Date.now() - lastRender));
			timer = setTimeout(render, wait);
		};

		const unsubscribe = source.subscribe(onChange);
		// Whatever changed between the first render and the subscription.
		onChange();
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	}, [source, renderIntervalMs]);
	return snapshot;
}
