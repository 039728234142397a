/** The shell's screen state as a pure reducer; input hooks only dispatch. */

export const panes = ['services', 'benchmarks', 'compare', 'history'] as const;
export type PaneId = (typeof panes)[number];

export interface ShellState {
	readonly pane: PaneId;
	readonly isHelpOpen: boolean;
	/** A pane is taking typed text (a filter, a prompt): global keys are off. */
	readonly isInputCaptured: boolean;
}

export type ShellAction =
	| {readonly type: 'select-pane'; readonly pane: PaneId}
	| {readonly type: 'next-pane'; readonly step: 1 | -1}
	| {readonly type: 'toggle-help'}
	| {readonly type: 'close-help'}
	| {readonly type: 'capture-input'; readonly isCaptured: boolean};

export const initialShellState: ShellState = {pane: 'services', isHelpOpen: false, isInputCaptured: false};

export function reduceShell(state: ShellState, action: ShellAction): ShellState {
	switch (action.type) {
		case 'select-pane':
			return {...state, pane: action.pane, isHelpOpen: false};
		case 'next-pane': {
			const index = panes.indexOf(state.pane);
			return {...state, pane: panes[(index + action.step + panes.length) % panes.length]!, isHelpOpen: false};
		}

		case 'toggle-help':
			return {...state, isHelpOpen: !state.isHelpOpen};
		case 'close-help':
			return {...state, isHelpOpen: false};
		case 'capture-input':
			// Same state object when nothing changes, so a pane reporting in an effect cannot loop.
			return state.isInputCaptured === action.isCaptured ? state : {...state, isInputCaptured: action.isCaptured};
	}
}
