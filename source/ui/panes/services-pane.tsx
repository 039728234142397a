/**
 * The Services pane: the stack controls (u up · p profiles · D down, from compose-control.tsx)
 * over the live container view. It owns a container monitor for as long as it is mounted (the
 * shell keeps hidden panes mounted, so the history keeps filling while another pane is shown).
 * Keys: while one part has a prompt or view open, the other part gets no keys.
 */
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {Box, measureElement, type DOMElement} from 'ink';
import {deriveMonitorDockerClient, isLocalEngine} from '../../docker/client.js';
import {createContainerMonitor} from '../../docker/monitor.js';
import {ComposeControl, createComposeControlSource} from '../compose-control.js';
import {ServicesView} from '../services/services-view.js';
import type {PaneProps} from './types.js';

export function ServicesPane({services, isActive, width, height, onCaptureInput}: PaneProps) {
	const {config, docker} = services;
	const monitor = useMemo(() => createContainerMonitor({
		docker: deriveMonitorDockerClient(docker),
		project: config.project,
		isLocal: isLocalEngine(config.dockerHost),
	}), [config, docker]);
	const composeSource = useMemo(() => createComposeControlSource(config), [config]);
	useEffect(() => {
		monitor.start();
		return () => {
			void monitor.close();
		};
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
				width={width}
				height={Math.max(3, height - controlHeight)}
				onCaptureInput={onViewCapture}
				onExclusiveKeys={setViewExclusive}
			/>
		</Box>
	);
}
