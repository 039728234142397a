import type {AppServices} from '../app-services.js';

/** What every pane is given by the shell. */
export interface PaneProps {
	readonly services: AppServices;
	/** This pane is the one shown and gets the keys. */
	readonly isActive: boolean;
	/** The space the pane may use, in terminal cells; it must never draw taller. */
	readonly width: number;
	readonly height: number;
	/** Tell the shell a text prompt is open (global keys like q are then passed to the pane). */
	readonly onCaptureInput: (isCaptured: boolean) => void;
	/** Shows the Compare pane on two releases (the History pane's Enter). */
	readonly onOpenCompare?: (base: string, candidate: string) => void;
	/** The releases the Compare pane was last asked to show; a new object each time it is asked. */
	readonly compareRequest?: CompareRequest;
}

export interface CompareRequest {
	readonly base: string;
	readonly candidate: string;
}
