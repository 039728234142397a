/**
 * A store behind a switch that makes its writes fail as a lost PostgreSQL connection or a full
 * disk does, for the run session's unit tests. Behind it a small in-memory store (opening PGlite
 * takes over 10 s on a loaded machine) that keeps the rules the session relies on: a sample
 * already stored is not written twice, samples of an unknown run are refused. The real stores'
 * outage paths are tested in test/integration/bench (spool.test.ts, full-disk.test.ts).
 */
import path from 'node:path';
import type {ReplayStore} from '../../source/bench/spool.js';
import {ServiceError} from '../../source/errors.js';
import type {ContainerSample, NewSample, Run} from '../../source/store/records.js';
import type {Store} from '../../source/store/store.js';
import {createTempDir} from './postgres.js';

export type StoreFault = 'none' | 'down' | 'disk-full';

/** What the session tests need of a store: writes, the run, and reading the samples back. */
export type BackingStore = ReplayStore & Pick<Store, 'createRun' | 'countSamples'> & {
	/** The stored samples of a run (warmups included). */
	readonly listSamples: (runId: number) => Promise<Array<Pick<NewSample, 'caseName' | 'iteration' | 'isWarmup' | 'exitCode' | 'isOutlier'>>>;
};

export interface FaultyStore {
	/** The store itself, for reading back (never failing). */
	readonly store: BackingStore;
	/** What the session gets: the store's writes, failing while `fault` says so. */
	readonly session: Pick<Store, 'insertSamples' | 'markSampleOutliers' | 'insertContainerSamples' | 'finishRun'>;
	readonly dataDir: string;
	/** Where the store's files are (named in full-disk errors). */
	readonly storeDir: string;
	fault: StoreFault;
	/** Sizes of the insertSamples calls that reached the store. */
	readonly insertSizes: number[];
	/** Statuses finishRun was called with (and reached the store). */
	readonly finishes: string[];
	cleanup(): Promise<void>;
}

function failure(fault: StoreFault): Error | undefined {
	if (fault === 'down') return new ServiceError('database', 'cannot reach PostgreSQL at postgres://localhost:1/x: connection refused', 'start it');
	// What PostgreSQL (and PGlite) say when a table cannot grow.
	if (fault === 'disk-full') return Object.assign(new Error('could not extend file "base/5/16384": No space left on device'), {code: '53100'});
	return undefined;
}

/** Runs, samples and container samples in memory. */
export function createMemoryStore(): BackingStore {
	const runs = new Map<number, Run>();
	const samples = new Map<string, NewSample>();
	const containerSamples: ContainerSample[] = [];
	const outliers = new Set<string>();
	let nextId = 1;
	return {
		async createRun(run) {
			const made: Run = {id: nextId++, releaseId: 1, releaseName: run.release, suite: run.suite, mode: run.mode, status: 'running', statusReason: undefined, startedAt: new Date(), endedAt: undefined, environment: run.environment, isDemo: false};
			runs.set(made.id, made);
			return made;
		},
		async getRun(id) {
			return runs.get(id);
		},
		async finishRun(id, status, options) {
			const run = runs.get(id);
			if (run) runs.set(id, {...run, status, statusReason: options?.reason, endedAt: options?.endedAt ?? new Date()});
		},
		async insertSamples(list) {
			let written = 0;
			for (const sample of list) {
				if (!runs.has(sample.runId)) throw new Error(`samples for runs that do not exist: ${sample.runId}`);
				const key = `${sample.runId}|${sample.caseName}|${sample.iteration}|${sample.time.getTime()}`;
				if (samples.has(key)) continue;
				samples.set(key, sample);
				written++;
			}

			return written;
		},
		async markSampleOutliers(runId, caseName, iterations) {
			for (const iteration of iterations) outliers.add(`${runId}|${caseName}|${iteration}`);
			return iterations.length;
		},
		async insertContainerSamples(list) {
			for (const sample of list) containerSamples.push(sample);
			return list.length;
		},
		async countSamples(runId) {
			let count = 0;
			for (const sample of samples.values()) if (sample.runId === runId) count++;
			return count;
		},
		async listSamples(runId) {
			return [...samples.values()].filter((sample) => sample.runId === runId)
				.map((sample) => ({...sample, isOutlier: (sample.isOutlier ?? false) || outliers.has(`${runId}|${sample.caseName}|${sample.iteration}`)}));
		},
	};
}

/** An in-memory store with the fault switch; dataDir is a fresh temporary directory. */
export async function openFaultyStore(): Promise<FaultyStore> {
	const temp = createTempDir('rqc-session-test-');
	const storeDir = path.join(temp.dir, 'store');
	const store = createMemoryStore();
	const faulty: FaultyStore = {
		store,
		dataDir: temp.dir,
		storeDir,
		fault: 'none',
		insertSizes: [],
		finishes: [],
		session: {
			async insertSamples(samples) {
				const error = failure(faulty.fault);
				if (error) throw error;
				faulty.insertSizes.push(samples.length);
				return store.insertSamples(samples);
			},
			async markSampleOutliers(runId, caseName, iterations) {
				const error = failure(faulty.fault);
				if (error) throw error;
				return store.markSampleOutliers(runId, caseName, iterations);
			},
			async insertContainerSamples(samples) {
				const error = failure(faulty.fault);
				if (error) throw error;
				return store.insertContainerSamples(samples);
			},
			async finishRun(id, status, options) {
				// A full disk refuses new rows; the one-row update that finishes a run still fits.
				const error = faulty.fault === 'disk-full' ? undefined : failure(faulty.fault);
				if (error) throw error;
				faulty.finishes.push(status);
				return store.finishRun(id, status, options);
			},
		},
		async cleanup() {
			temp.cleanup();
		},
	};
	return faulty;
}
