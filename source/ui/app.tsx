import React, {useCallback, useEffect, useState} from 'react';
import {Box, useApp, useStdout} from 'ink';
import type {AppServices} from './app-services.js';
import {HelpOverlay} from './help-overlay.js';
import {keymap as defaultKeymap, type KeyBinding} from './keymap.js';
import {BenchmarksPane} from './panes/benchmarks-pane.js';
import {ComparePane} from './panes/compare-pane.js';
import {HistoryPane} from './panes/history-pane.js';
import {ServicesPane} from './panes/services-pane.js';
import type {CompareRequest, PaneProps} from './panes/types.js';
import {initialShellState, reduceShell, type PaneId} from './shell-state.js';
import {StatusBar, Tabs} from './status-bar.js';
import {useKeymap} from './use-keymap.js';
import {useLatestReducer} from './use-latest-reducer.js';

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
	history: HistoryPane,
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
	const [state, dispatch, getLatest] = useLatestReducer(reduceShell, {...initialShellState, pane: initialPane});

	// With help open, its own keys come first; the other global keys still work.
	useKeymap(() => (getLatest().isHelpOpen ? ['help', 'global'] : ['global']), {
		help: {'close-help': () => dispatch({type: 'close-help'})},
		global: {
			'show-services': () => dispatch({type: 'select-pane', pane: 'services'}),
			'show-benchmarks': () => dispatch({type: 'select-pane', pane: 'benchmarks'}),
			'show-compare': () => dispatch({type: 'select-pane', pane: 'compare'}),
			'show-history': () => dispatch({type: 'select-pane', pane: 'history'}),
			'next-pane': () => dispatch({type: 'next-pane', step: 1}),
			'previous-pane': () => dispatch({type: 'next-pane', step: -1}),
			'toggle-help': () => dispatch({type: 'toggle-help'}),
			'quit': () => exit(),
		},
	}, {isActive: !state.isInputCaptured, bindings});

	// Tabs line + status line; the pane gets the rest, so the frame never outgrows the terminal.
	const paneHeight = Math.max(3, rows - 3);
	const width = Math.max(20, columns - 1);
	const onCaptureInput = useCallback((isCaptured: boolean) => dispatch({type: 'capture-input', isCaptured}), []);
	const [compareRequest, setCompareRequest] = useState<CompareRequest | undefined>();
	const onOpenCompare = useCallback((base: string, candidate: string) => {
		setCompareRequest({base, candidate});
		dispatch({type: 'select-pane', pane: 'compare'});
	}, []);

	return (
		<Box flexDirection="column" width={width}>
			<Tabs pane={state.pane}/>
			{/* Clipped vertically only: every pane fits its lines to the width, and a horizontal clip makes Ink slice and re-measure every line of every frame. */}
			<Box height={paneHeight} flexDirection="column" overflowY="hidden">
				{state.isHelpOpen ? <HelpOverlay bindings={bindings} height={paneHeight} scope={state.pane}/> : null}
				{(Object.keys(paneComponents) as PaneId[]).map((id) => {
					const Pane = paneComponents[id];
					const isShown = id === state.pane && !state.isHelpOpen;
					// Hidden panes stay mounted so their state (selection, streams) survives a switch.
					return (
						<Box key={id} display={isShown ? 'flex' : 'none'} flexDirection="column" height={paneHeight}>
							<Pane services={services} isActive={isShown} width={width} height={paneHeight} onCaptureInput={onCaptureInput} onOpenCompare={onOpenCompare} compareRequest={compareRequest}/>
						</Box>
					);
				})}
			</Box>
			<StatusBar health={services.health} pane={state.pane} width={width}/>
		</Box>
	);
}
