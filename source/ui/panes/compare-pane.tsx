import React, {useMemo} from 'react';
import {createStoreCompareSource} from '../compare/compare-source.js';
import {CompareView} from '../compare/compare-view.js';
import type {PaneProps} from './types.js';

/** Release-versus-release comparison, overhead-adjusted, with verdicts per case and charts. */
export function ComparePane({services, isActive, width, height, compareRequest, onCaptureInput}: PaneProps) {
	const source = useMemo(() => createStoreCompareSource(async () => services.getStore(), services.cache), [services]);
	return <CompareView source={source} isActive={isActive} width={width} height={height} request={compareRequest} onCaptureInput={onCaptureInput}/>;
}
