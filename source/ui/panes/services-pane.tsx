/**
 * The Services pane: the stack controls (u up · p profiles · D down, from compose-control.tsx)
 * over the live container view. It owns a container monitor for as long as it is mounted (the
 * shell keeps hidden panes mounted, so the history keeps filling while another pane is shown).
 * Keys: while one part has a prompt or view open, the other part gets no keys.
 */
import React, {useCallback, useEffect, useRef, useState} from 'react';
import {Box, measureElement, type DOMElement} from 'ink';
import {isQuiet, QUIET_REFRESH_MS} from '../../health.js';
import {ComposeControl} from '../compose-control.js';
import {ServicesView} from '../services/services-view.js';
import {useHealth} from '../use-health.js';
import type {PaneProps} from './types.js';

export function ServicesPane({services, isActive, width, height, onCaptureInput}: PaneProps) {
	const {containers: monitor, compose: composeSource} = services;
	const isQuietNow = isQuiet(useHealth(services.health));
	useEffect(() => {
		// The monitor belongs to the services (closed with them); start is idempotent.
		monitor.start();
	}, [monitor]);

	const [isControlCapturing, setControlCapturing] = useState(false);
	const [isViewCapturing, setViewCapturing] = useState(false);
	const [isViewExclusive, setViewExclusive] = useState(false);
	useEffect(() => {
		onCaptureInput(isActive && (isControlCapturing || isViewCapturing));
	}, [isActive, isControlCapturing, isViewCapturing, onCaptureInput]);

	// The controls grow while they run (progress lines); the container view gets the rest.
	const controlRef = useRef<DOMElement>(null);
	const [controlHeight, setControlHeight] = useState(2);
	useEffect(() => {
		if (!controlRef.current) return;
		const measured = measureElement(controlRef.current).height;
		if (measured !== controlHeight) setControlHeight(measured);
	});

	const onViewCapture = useCallback((isCaptured: boolean) => {
		setViewCapturing(isCaptured);
	}, []);
	const onControlCapture = useCallback((isCaptured: boolean) => {
		setControlCapturing(isCaptured);
	}, []);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box ref={controlRef} flexDirection="column" width={width} flexShrink={0}>
				<ComposeControl isActive={isActive && !isViewExclusive} source={composeSource} onCaptureInput={onControlCapture}/>
			</Box>
			<ServicesView
				source={monitor}
				isActive={isActive && !isControlCapturing}
				isShown={isActive}
				renderIntervalMs={isQuietNow ? QUIET_REFRESH_MS : 1000}
				width={width}
				height={Math.max(3, height - controlHeight)}
				onCaptureInput={onViewCapture}
				onExclusiveKeys={setViewExclusive}
			/>
		</Box>
	);
}
