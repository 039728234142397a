/**
 * The Services pane: live health and resource use of the compose stack's containers. It owns a
 * container monitor for as long as it is mounted (the shell keeps hidden panes mounted, so the
 * history keeps filling while another pane is shown) and hands it to ServicesView.
 */
import React, {useEffect, useMemo} from 'react';
import {createMonitorDockerClient, isLocalEngine} from '../../docker/client.js';
import {createContainerMonitor} from '../../docker/monitor.js';
import {ServicesView} from '../services/services-view.js';
import type {PaneProps} from './types.js';

export function ServicesPane({services, isActive, width, height, onCaptureInput}: PaneProps) {
	const {config} = services;
	const monitor = useMemo(() => createContainerMonitor({
		docker: createMonitorDockerClient(config),
		project: config.project,
		isLocal: isLocalEngine(config.dockerHost),
	}), [config]);
	useEffect(() => {
		monitor.start();
		return () => {
			void monitor.close();
		};
	}, [monitor]);
	return <ServicesView source={monitor} isActive={isActive} width={width} height={height} onCaptureInput={onCaptureInput}/>;
}
