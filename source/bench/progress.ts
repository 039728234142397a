/**
 * Progress events of benchmark runs (published on a cache channel so any attached TUI sees runs
 * started elsewhere) and the pure reducer that turns them into the rows the UI shows.
 */
import type {RunMode, RunStatus} from '../store/records.js';
import {formatDuration as formatNs} from '../text/text.js';

/** The channel progress events go to (Redis pub/sub, or in-process). */
export const PROGRESS_CHANNEL = 'rqc:bench:progress';

export interface BenchEvent {
	readonly type: 'start' | 'progress' | 'case' | 'end';
	readonly runId: number;
	readonly suite: string;
	readonly mode: RunMode;
	readonly release: string;
	readonly host: string;
	readonly pid: number;
	/** Iterations done and planned, warmups included, over the whole run. */
	readonly done: number;
	readonly total: number;
	readonly caseName: string | undefined;
	readonly caseDone: number;
	readonly caseTotal: number;
	/** Running median wall time of the current case (recent measured iterations). */
	readonly medianNs: number | undefined;
	readonly elapsedMs: number;
	readonly etaMs: number | undefined;
	readonly status: RunStatus;
	readonly reason: string | undefined;
	readonly startedAt: string;
	readonly time: string;
}

/** Parses a message from the channel; undefined for anything that is not a BenchEvent. Pure. */
export function parseBenchEvent(message: string): BenchEvent | undefined {
	try {
		const value = JSON.parse(message) as Partial<BenchEvent>;
		if (typeof value.runId !== 'number' || typeof value.type !== 'string' || typeof value.host !== 'string') return undefined;
		return value as BenchEvent;
	} catch {
		return undefined;
	}
}

/** Estimated time left, from the pace so far; undefined until something is done. Pure. */
export function computeEta(done: number, total: number, elapsedMs: number): number | undefined {
	if (done <= 0 || total <= done) return done >= total && total > 0 ? 0 : undefined;
	return Math.round((elapsedMs / done) * (total - done));
}

/** What the UI keeps per run: the last event, keyed by host and run id. */
export interface ProgressState {
	readonly runs: ReadonlyMap<string, BenchEvent>;
}

export const initialProgressState: ProgressState = {runs: new Map()};

/** The key of a run in ProgressState. */
export function progressKey(event: Pick<BenchEvent, 'host' | 'runId'>): string {
	return `${event.host}#${event.runId}`;
}

/**
 * Folds an event into the state: newer events replace older ones of the same run; finished
 * runs beyond `keepFinished` (the oldest first) are dropped. Pure.
 */
export function reduceProgress(state: ProgressState, event: BenchEvent, keepFinished = 10): ProgressState {
	const runs = new Map(state.runs);
	const key = progressKey(event);
	const previous = runs.get(key);
	if (previous && previous.time > event.time && previous.type === 'end') return state;
	runs.set(key, event);
	const finished = [...runs.entries()].filter(([, run]) => run.type === 'end').sort(([, a], [, b]) => a.time.localeCompare(b.time));
	for (const [oldKey] of finished.slice(0, Math.max(0, finished.length - keepFinished))) runs.delete(oldKey);
	return {runs};
}

/** "[#####.....]" of a given width. Pure. */
export function renderBar(done: number, total: number, width = 20): string {
	const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
	const filled = Math.round(ratio * width);
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** "1m05s", "42s", "850ms". Pure. */
export function formatMs(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '-';
	if (ms < 1000) return `${Math.round(ms)}ms`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
	return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The one-line progress shown on stderr by `rqc bench run`. Pure. */
export function formatProgressLine(event: BenchEvent, width = 80): string {
	const bar = renderBar(event.done, event.total, 16);
	const line = `${bar} ${event.done}/${event.total} ${event.caseName ?? ''} median ${formatNs(event.medianNs)} ETA ${formatMs(event.etaMs)}`;
	return line.length > width - 1 ? line.slice(0, width - 1) : line;
}
