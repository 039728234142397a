import React, {useCallback, useEffect, useReducer, useState} from 'react';
import {Box, useApp, useInput, useStdout} from 'ink';
import type {AppServices} from './app-services.js';
import {HelpOverlay} from './help-overlay.js';
import {keymap as defaultKeymap, type KeyBinding} from './keymap.js';
import {BenchmarksPane} from './panes/benchmarks-pane.js';
import {ComparePane} from './panes/compare-pane.js';
import {ServicesPane} from './panes/services-pane.js';
import type {PaneProps} from './panes/types.js';
import {initialShellState, reduceShell, type PaneId} from './shell-state.js';
import {StatusBar, Tabs} from './status-bar.js';

export interface AppProps {
	readonly services: AppServices;
	readonly initialPane?: PaneId;
	readonly bindings?: readonly KeyBinding[];
	/** The pane components; tests of the shell alone pass simple ones. */
	readonly paneComponents?: Readonly<Record<PaneId, (props: PaneProps) => React.ReactNode>>;
}

const defaultPanes: Record<PaneId, (props: PaneProps) => React.ReactNode> = {
	services: ServicesPane,
	benchmarks: BenchmarksPane,
	compare: ComparePane,
};

function useTerminalSize(): {columns: number; rows: number} {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}

/** The shell: tabs, the active pane, the status bar, and the help overlay. */
export function App({services, initialPane = 'services', bindings = defaultKeymap, paneComponents = defaultPanes}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	const [state, dispatch] = useReducer(reduceShell, {...initialShellState, pane: initialPane});

	useInput((input, key) => {
		if (state.isHelpOpen && (key.escape || input === '?')) {
			dispatch({type: 'close-help'});
			return;
		}

		if (input === 'q') exit();
		else if (input === '?') dispatch({type: 'toggle-help'});
		else if (input === '1') dispatch({type: 'select-pane', pane: 'services'});
		else if (input === '2') dispatch({type: 'select-pane', pane: 'benchmarks'});
		else if (input === '3') dispatch({type: 'select-pane', pane: 'compare'});
		else if (key.tab) dispatch({type: 'next-pane', step: key.shift ? -1 : 1});
	}, {isActive: !state.isInputCaptured});

	// Tabs line + status line; the pane gets the rest, so the frame never outgrows the terminal.
	const paneHeight = Math.max(3, rows - 3);
	const width = Math.max(20, columns - 1);
	const onCaptureInput = useCallback((isCaptured: boolean) => dispatch({type: 'capture-input', isCaptured}), []);

	return (
		<Box flexDirection="column" width={width}>
			<Tabs pane={state.pane}/>
			<Box height={paneHeight} flexDirection="column" overflow="hidden">
				{state.isHelpOpen ? <HelpOverlay bindings={bindings} height={paneHeight} scope={state.pane}/> : null}
				{(Object.keys(paneComponents) as PaneId[]).map((id) => {
					const Pane = paneComponents[id];
					const isShown = id === state.pane && !state.isHelpOpen;
					// Hidden panes stay mounted so their state (selection, streams) survives a switch.
					return (
						<Box key={id} display={isShown ? 'flex' : 'none'} flexDirection="column" height={paneHeight}>
							<Pane services={services} isActive={isShown} width={width} height={paneHeight} onCaptureInput={onCaptureInput}/>
						</Box>
					);
				})}
			</Box>
			<StatusBar health={services.health} pane={state.pane} width={width}/>
		</Box>
	);
}
