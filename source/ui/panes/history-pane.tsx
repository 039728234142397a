import React, {useMemo} from 'react';
import {loadHistories} from '../../compare/history.js';
import {HistoryView, type HistorySource} from '../history/history-view.js';
import type {PaneProps} from './types.js';

/** Where each case changed across releases: change points and trends. */
export function HistoryPane({services, isActive, width, height, onOpenCompare}: PaneProps) {
	const source = useMemo<HistorySource>(() => ({
		async load(metric) {
			// Change points are found by the view, case by case.
			return loadHistories(await services.getStore(), {metric, withChangePoints: false});
		},
	}), [services]);
	return <HistoryView source={source} isActive={isActive} width={width} height={height} onOpenCompare={onOpenCompare}/>;
}
