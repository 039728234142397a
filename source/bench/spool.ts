/**
 * Nothing lost: every iteration is appended to a local spool file (one JSON line each, under
 * <dataDir>/spool) before it goes to the database. The file is removed once the run and all its
 * samples are stored. If the database is unreachable, or rqc dies, the file stays and is
 * replayed later (replaySpools, at the next run or rqc start). Replays land exactly once: the
 * store ignores a sample it already has (same run, case, iteration and time), and container
 * samples (which have no such key) carry a batch number that is marked once written.
 */
import {createReadStream} from 'node:fs';
import {appendFile, mkdir, readdir, rm} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import type {ContainerSample, ExecutionEnvironment, NewSample, RunStatus} from '../store/records.js';
import type {Store} from '../store/store.js';
import {isProcessAlive} from './docker-executor.js';
import {flagOutliers} from './statistics.js';

type SpoolLine =
	| {t: 'h'; runId: number; pid: number; host: string; startedAt: number}
	| {t: 's'; c: string; i: number; at: number; w: number; u?: number; y?: number; r?: number; x?: number; wu?: 1}
	| {t: 'c'; b: number; samples: Array<Omit<ContainerSample, 'time'> & {time: number}>}
	| {t: 'cw'; b: number}
	| {t: 'f'; status: Exclude<RunStatus, 'running'>; reason?: string; endedAt: number; environment?: Partial<ExecutionEnvironment>};

/** Where the spool files live. */
export function getSpoolDir(dataDir: string): string {
	return path.join(dataDir, 'spool');
}

function spoolFile(dataDir: string, runId: number): string {
	return path.join(getSpoolDir(dataDir), `run-${runId}.jsonl`);
}

/** Encodes a sample as a spool line. Pure. */
export function encodeSample(sample: NewSample): string {
	const line: SpoolLine = {t: 's', c: sample.caseName, i: sample.iteration, at: sample.time.getTime(), w: sample.wallNs};
	if (sample.userUs !== undefined) line.u = sample.userUs;
	if (sample.systemUs !== undefined) line.y = sample.systemUs;
	if (sample.maxRssBytes !== undefined) line.r = sample.maxRssBytes;
	if (sample.exitCode !== undefined) line.x = sample.exitCode;
	if (sample.isWarmup) line.wu = 1;
	return JSON.stringify(line);
}

/**
 * Marks outliers per case among the non-warmup samples (modified z-score on the MAD). Samples of
 * failed iterations (non-zero exit) take part like any other. Pure.
 */
export function markOutliers(samples: readonly NewSample[]): NewSample[] {
	const byCase = new Map<string, number[]>();
	for (const [index, sample] of samples.entries()) {
		if (sample.isWarmup) continue;
		const list = byCase.get(sample.caseName) ?? [];
		list.push(index);
		byCase.set(sample.caseName, list);
	}

	const out = samples.map((sample) => ({...sample, isOutlier: false}));
	for (const indexes of byCase.values()) {
		const flags = flagOutliers(indexes.map((index) => samples[index]!.wallNs));
		for (const [position, index] of indexes.entries()) out[index] = {...out[index]!, isOutlier: flags[position] ?? false};
	}

	return out;
}

export interface ParsedSpool {
	readonly runId: number | undefined;
	readonly pid: number | undefined;
	readonly host: string | undefined;
	readonly samples: NewSample[];
	/** Container sample batches not yet marked written. */
	readonly containerBatches: Array<{batch: number; samples: ContainerSample[]}>;
	readonly finish: Extract<SpoolLine, {t: 'f'}> | undefined;
	/** Lines that could not be read (a torn last line after a crash). */
	readonly badLines: number;
}

/**
 * Folds spool lines one at a time: the header, the finish record and container batches are
 * kept; samples go to `onSample` as they are read, so a spool of millions of lines is never held
 * whole (a replay writes them in slices).
 */
class SpoolReader {
	runId: number | undefined;
	pid: number | undefined;
	host: string | undefined;
	badLines = 0;
	finish: ParsedSpool['finish'];
	readonly #containers = new Map<number, ContainerSample[]>();
	readonly #written = new Set<number>();
	readonly #onSample: (sample: NewSample) => void;

	constructor(runIdFromName: number | undefined, onSample: (sample: NewSample) => void) {
		this.runId = runIdFromName;
		this.#onSample = onSample;
	}

	add(raw: string): void {
		if (raw.trim() === '') return;
		let line: SpoolLine;
		try {
			line = JSON.parse(raw) as SpoolLine;
		} catch {
			this.badLines++;
			return;
		}

		switch (line.t) {
			case 'h': {
				this.runId = line.runId;
				this.pid = line.pid;
				this.host = line.host;
				break;
			}

			case 's': {
				if (this.runId === undefined) {
					this.badLines++;
					break;
				}

				this.#onSample({
					runId: this.runId,
					caseName: line.c,
					iteration: line.i,
					time: new Date(line.at),
					wallNs: line.w,
					userUs: line.u,
					systemUs: line.y,
					maxRssBytes: line.r,
					exitCode: line.x,
					isWarmup: line.wu === 1,
				});
				break;
			}

			case 'c': {
				this.#containers.set(line.b, line.samples.map((sample) => ({...sample, time: new Date(sample.time)})));
				break;
			}

			case 'cw': {
				this.#written.add(line.b);
				break;
			}

			case 'f': {
				this.finish = line;
				break;
			}

			default: {
				this.badLines++;
			}
		}
	}

	/** Container sample batches not yet marked written. */
	getContainerBatches(): Array<{batch: number; samples: ContainerSample[]}> {
		return [...this.#containers.entries()].filter(([batch]) => !this.#written.has(batch)).map(([batch, list]) => ({batch, samples: list}));
	}
}

/** Reads a spool file's text. Pure. */
export function parseSpool(text: string, runIdFromName?: number): ParsedSpool {
	const samples: NewSample[] = [];
	const reader = new SpoolReader(runIdFromName, (sample) => samples.push(sample));
	for (const raw of text.split('\n')) reader.add(raw);
	return {runId: reader.runId, pid: reader.pid, host: reader.host, samples, containerBatches: reader.getContainerBatches(), finish: reader.finish, badLines: reader.badLines};
}

/** The append-only spool file of one run. Writes are serialized; errors surface on flush. */
export class SpoolFile {
	readonly file: string;
	#chain: Promise<void> = Promise.resolve();
	#error: unknown;

	private constructor(file: string) {
		this.file = file;
	}

	static async create(dataDir: string, runId: number): Promise<SpoolFile> {
		await mkdir(getSpoolDir(dataDir), {recursive: true});
		const spool = new SpoolFile(spoolFile(dataDir, runId));
		spool.#append([JSON.stringify({t: 'h', runId, pid: process.pid, host: hostname(), startedAt: Date.now()} satisfies SpoolLine)]);
		await spool.settle();
		return spool;
	}

	#append(lines: readonly string[]): void {
		if (lines.length === 0) return;
		const text = lines.join('\n') + '\n';
		this.#chain = this.#chain.then(() => appendFile(this.file, text)).catch((error: unknown) => {
			this.#error ??= error;
		});
	}

	appendSamples(samples: readonly NewSample[]): void {
		this.#append(samples.map((sample) => encodeSample(sample)));
	}

	appendContainerBatch(batch: number, samples: readonly ContainerSample[]): void {
		this.#append([JSON.stringify({t: 'c', b: batch, samples: samples.map((sample) => ({...sample, time: sample.time.getTime()}))} satisfies SpoolLine)]);
	}

	markContainerBatchWritten(batch: number): void {
		this.#append([JSON.stringify({t: 'cw', b: batch} satisfies SpoolLine)]);
	}

	appendFinish(status: Exclude<RunStatus, 'running'>, options: {reason?: string; endedAt: Date; environment?: Partial<ExecutionEnvironment>}): void {
		this.#append([JSON.stringify({t: 'f', status, ...(options.reason === undefined ? {} : {reason: options.reason}), endedAt: options.endedAt.getTime(), ...(options.environment ? {environment: options.environment} : {})} satisfies SpoolLine)]);
	}

	/** Waits for every append so far; throws the first write error. */
	async settle(): Promise<void> {
		await this.#chain;
		if (this.#error !== undefined) throw this.#error;
	}

	async remove(): Promise<void> {
		await this.settle().catch(() => {});
		await rm(this.file, {force: true});
	}
}

/** What a replay needs of the store. */
export type ReplayStore = Pick<Store, 'getRun' | 'insertSamples' | 'markSampleOutliers' | 'insertContainerSamples' | 'finishRun'>;

export interface ReplayResult {
	readonly files: number;
	readonly samplesWritten: number;
	readonly samplesAlreadyStored: number;
	readonly containerSamplesWritten: number;
	readonly runsFinished: number;
	readonly errors: string[];
}

/** Samples per write when replaying a spool (a run of millions of iterations leaves millions of lines). */
const REPLAY_BATCH = 10_000;

/**
 * Writes one spool file to the store, reading it line by line and writing its samples in slices
 * (unflagged), then flagging each case's outliers on them (computed from the wall times, the way a
 * run does). 'busy' when its writer still runs, 'gone' when its run was deleted (file removed).
 */
async function replaySpoolFile(store: ReplayStore, file: string, runIdFromName: number, onlyRunId: number | undefined, isAlive: (pid: number) => boolean): Promise<'busy' | 'gone' | {samplesWritten: number; samplesAlreadyStored: number; containerSamplesWritten: number; hasFinishedRun: boolean}> {
	let pending: NewSample[] = [];
	const measured = new Map<string, {iterations: number[]; walls: number[]}>();
	const reader = new SpoolReader(runIdFromName, (sample) => {
		pending.push(sample);
		if (sample.isWarmup) return;
		const list = measured.get(sample.caseName) ?? {iterations: [], walls: []};
		list.iterations.push(sample.iteration);
		list.walls.push(sample.wallNs);
		measured.set(sample.caseName, list);
	});
	let samplesWritten = 0;
	let samplesTaken = 0;
	let run: Awaited<ReturnType<ReplayStore['getRun']>>;
	let isChecked = false;
	const lines = createInterface({input: createReadStream(file, {encoding: 'utf8'}), crlfDelay: Number.POSITIVE_INFINITY});
	try {
		for await (const raw of lines) {
			reader.add(raw);
			if (!isChecked && reader.pid !== undefined) {
				// The header is read: a file whose writer still runs is that run's business (this process's own only when asked by id).
				isChecked = true;
				if (reader.host === undefined || reader.host === hostname()) {
					const isBusy = reader.pid === process.pid ? onlyRunId === undefined : isAlive(reader.pid);
					if (isBusy) return 'busy';
				}
			}

			if (pending.length >= REPLAY_BATCH) {
				run ??= await store.getRun(reader.runId ?? runIdFromName);
				if (run === undefined) break;
				samplesTaken += pending.length;
				samplesWritten += await store.insertSamples(pending);
				pending = [];
			}
		}
	} finally {
		lines.close();
	}

	const runId = reader.runId ?? runIdFromName;
	run ??= await store.getRun(runId);
	if (run === undefined) {
		// The run is gone (its release was deleted): nothing to write to.
		await rm(file, {force: true});
		return 'gone';
	}

	samplesTaken += pending.length;
	samplesWritten += await store.insertSamples(pending);
	pending = [];
	for (const [caseName, {iterations, walls}] of measured) {
		const flags = flagOutliers(walls);
		const outliers = iterations.filter((_, index) => flags[index]);
		if (outliers.length > 0) await store.markSampleOutliers(runId, caseName, outliers);
	}

	let containerSamplesWritten = 0;
	for (const batch of reader.getContainerBatches()) containerSamplesWritten += await store.insertContainerSamples(batch.samples);
	let hasFinishedRun = false;
	if (run.status === 'running') {
		const {finish} = reader;
		if (finish) {
			await store.finishRun(runId, finish.status, {...(finish.reason === undefined ? {} : {reason: finish.reason}), endedAt: new Date(finish.endedAt), ...(finish.environment ? {environment: finish.environment} : {})});
		} else {
			await store.finishRun(runId, 'aborted', {reason: 'rqc stopped before the run finished; samples recovered from the spool'});
		}

		hasFinishedRun = true;
	}

	return {samplesWritten, samplesAlreadyStored: samplesTaken - samplesWritten, containerSamplesWritten, hasFinishedRun};
}

/**
 * Writes every spool file left by a run that is no longer going (its process is gone), then
 * removes it. A run with no finish record is marked aborted. Safe to call at any start; a
 * file whose owner is still running is left alone.
 */
export async function replaySpools(store: ReplayStore, dataDir: string, options: {isAlive?: (pid: number) => boolean; onlyRunId?: number} = {}): Promise<ReplayResult> {
	const isAlive = options.isAlive ?? isProcessAlive;
	const directory = getSpoolDir(dataDir);
	let entries: string[];
	try {
		entries = await readdir(directory);
	} catch {
		return {files: 0, samplesWritten: 0, samplesAlreadyStored: 0, containerSamplesWritten: 0, runsFinished: 0, errors: []};
	}

	let files = 0;
	let samplesWritten = 0;
	let samplesAlreadyStored = 0;
	let containerSamplesWritten = 0;
	let runsFinished = 0;
	const errors: string[] = [];
	for (const entry of entries.sort()) {
		const match = /^run-(\d+)\.jsonl$/.exec(entry);
		if (!match) continue;
		const runIdFromName = Number(match[1]);
		if (options.onlyRunId !== undefined && runIdFromName !== options.onlyRunId) continue;
		const file = path.join(directory, entry);
		try {
			const outcome = await replaySpoolFile(store, file, runIdFromName, options.onlyRunId, isAlive);
			if (outcome === 'busy' || outcome === 'gone') continue;
			samplesWritten += outcome.samplesWritten;
			samplesAlreadyStored += outcome.samplesAlreadyStored;
			containerSamplesWritten += outcome.containerSamplesWritten;
			if (outcome.hasFinishedRun) runsFinished++;
			await rm(file, {force: true});
			files++;
		} catch (error) {
			errors.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	return {files, samplesWritten, samplesAlreadyStored, containerSamplesWritten, runsFinished, errors};
}
