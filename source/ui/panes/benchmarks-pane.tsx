/**
 * The Benchmarks pane: running and recent benchmark runs, and b / B to start one. It owns a live
 * bench source while mounted (hidden panes stay mounted, so progress keeps arriving).
 */
import React, {useEffect, useMemo} from 'react';
import {BenchView} from '../bench/bench-view.js';
import {createLiveBenchSource} from '../bench/bench-source.js';
import {isQuiet, QUIET_REFRESH_MS} from '../../health.js';
import {useHealth} from '../use-health.js';
import type {PaneProps} from './types.js';

export function BenchmarksPane({services, isActive, width, height, onCaptureInput}: PaneProps) {
	const source = useMemo(() => createLiveBenchSource(services), [services]);
	// While a benchmark run holds the host, progress is drawn at most every 5 s.
	const isQuietNow = isQuiet(useHealth(services.health));
	useEffect(() => {
		source.start();
		return () => {
			void source.close();
		};
	}, [source]);
	return <BenchView source={source} isActive={isActive} renderIntervalMs={isQuietNow ? QUIET_REFRESH_MS : undefined} width={width} height={height} onCaptureInput={onCaptureInput}/>;
}
