/**
 * Where the Benchmarks pane gets its data: progress events from the cache channel (so runs
 * started elsewhere show up when Redis is shared), recent runs from the store, the suite list,
 * and launching a run in this process. The measuring is done by the helper process, so the
 * TUI's rendering cannot inflate the numbers.
 */
import type {AppServices} from '../app-services.js';
import type {Run, RunMode} from '../../store/records.js';
import {initialProgressState, parseBenchEvent, PROGRESS_CHANNEL, reduceProgress, type ProgressState} from '../../bench/progress.js';
import type {SuiteListing} from '../../bench/suite.js';

export interface BenchSnapshot {
	readonly progress: ProgressState;
	readonly recentRuns: readonly Run[];
	readonly suites: readonly SuiteListing[];
	/** Run ids started by this TUI (they can be stopped with x). */
	readonly ownRunIds: readonly number[];
	/** The last thing worth telling (a run finished, a launch failed). */
	readonly message: {readonly text: string; readonly isError: boolean} | undefined;
	readonly isLoading: boolean;
}

export interface LaunchRequest {
	readonly suiteFile: string;
	readonly mode: RunMode;
	readonly release: string;
}

export interface BenchSource {
	getSnapshot(): BenchSnapshot;
	subscribe(listener: () => void): () => void;
	start(): void;
	/** Starts a run in the background; progress arrives as events. */
	launch(request: LaunchRequest): void;
	/** Stops the runs this TUI started (run aborted, samples kept, container removed). */
	stopOwnRuns(): void;
	close(): Promise<void>;
}

export const emptyBenchSnapshot: BenchSnapshot = {progress: initialProgressState, recentRuns: [], suites: [], ownRunIds: [], message: undefined, isLoading: true};

/** A source over the real cache, store and suite directories. */
export function createLiveBenchSource(services: AppServices, options: {suiteDirectories?: readonly string[]; recentLimit?: number} = {}): BenchSource {
	let snapshot = emptyBenchSnapshot;
	const listeners = new Set<() => void>();
	const controllers = new Map<number, AbortController>();
	const pending = new Set<AbortController>();
	let unsubscribe: (() => Promise<void>) | undefined;
	let refreshTimer: NodeJS.Timeout | undefined;
	let isClosed = false;

	const update = (patch: Partial<BenchSnapshot>): void => {
		snapshot = {...snapshot, ...patch};
		for (const listener of listeners) listener();
	};

	const refreshRuns = async (): Promise<void> => {
		try {
			const store = await services.getStore();
			const recentRuns = await store.listRuns({limit: options.recentLimit ?? 8});
			// The same runs as before: no update, so the screen is not drawn again for nothing.
			if (!isClosed && (snapshot.isLoading || JSON.stringify(recentRuns) !== JSON.stringify(snapshot.recentRuns))) update({recentRuns, isLoading: false});
		} catch (error) {
			if (!isClosed) update({isLoading: false, message: {text: `recent runs unavailable: ${(error as Error).message}`, isError: true}});
		}
	};

	const loadSuites = async (): Promise<void> => {
		const {getSuiteDirectories, listSuites} = await import('../../bench/suite.js');
		const suites = await listSuites(options.suiteDirectories ?? getSuiteDirectories());
		if (!isClosed) update({suites: suites.filter((suite) => suite.problems.length === 0)});
	};

	return {
		getSnapshot: () => snapshot,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		start() {
			void services.cache.subscribe(PROGRESS_CHANNEL, (message) => {
				const event = parseBenchEvent(message);
				if (!event || isClosed) return;
				update({progress: reduceProgress(snapshot.progress, event)});
				if (event.type === 'end' || event.type === 'start') void refreshRuns();
			}).then((stop) => {
				unsubscribe = stop;
				if (isClosed) void stop();
			}, () => {});
			// Samples spooled by earlier runs (database away, or rqc killed) are written now.
			void (async () => {
				const [{replaySpools}, store] = await Promise.all([import('../../bench/spool.js'), services.getStore()]);
				const replayed = await replaySpools(store, services.config.dataDir);
				if (replayed.samplesWritten + replayed.runsFinished > 0 && !isClosed) {
					update({message: {text: `wrote ${replayed.samplesWritten} spooled samples of ${replayed.files} earlier run(s)`, isError: false}});
					await refreshRuns();
				}
			})().catch(() => {});
			void refreshRuns();
			void loadSuites().catch((error: unknown) => update({message: {text: `cannot list suites: ${(error as Error).message}`, isError: true}}));
			// A safety net for runs whose events this console cannot see (no shared Redis).
			refreshTimer = setInterval(() => void refreshRuns(), 30_000);
			refreshTimer.unref();
		},
		launch(request) {
			const controller = new AbortController();
			pending.add(controller);
			update({message: {text: `starting ${request.mode === 'docker' ? 'a docker' : 'a bare-metal'} run of ${request.suiteFile} for ${request.release}...`, isError: false}});
			void (async () => {
				try {
					const [{loadSuite}, {runBenchmark}] = await Promise.all([import('../../bench/suite.js'), import('../../bench/runner.js')]);
					const suite = await loadSuite(request.suiteFile);
					const store = await services.getStore();
					const result = await runBenchmark({suite, mode: request.mode, release: request.release, shouldWait: true}, {
						store,
						cache: services.cache,
						config: services.config,
						signal: controller.signal,
						onEvent(event) {
							if (event.type === 'start') {
								controllers.set(event.runId, controller);
								update({ownRunIds: [...controllers.keys()]});
							}
						},
						onNotice: (text) => update({message: {text, isError: false}}),
					});
					const text = `run ${result.runId} (${result.suite}) ${result.status}${result.reason ? `: ${result.reason}` : ''}`;
					update({message: {text, isError: result.status !== 'completed'}});
				} catch (error) {
					update({message: {text: `run not started: ${(error as Error).message}`, isError: true}});
				} finally {
					pending.delete(controller);
					for (const [id, c] of controllers) if (c === controller) controllers.delete(id);
					if (!isClosed) update({ownRunIds: [...controllers.keys()]});
					void refreshRuns();
				}
			})();
		},
		stopOwnRuns() {
			for (const controller of pending) controller.abort(new Error('stopped from the TUI'));
		},
		async close() {
			isClosed = true;
			clearInterval(refreshTimer);
			for (const controller of pending) controller.abort(new Error('the TUI closed'));
			await unsubscribe?.();
		},
	};
}
