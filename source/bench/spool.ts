/**
 * Nothing lost: every iteration is appended to a local spool file (one JSON line each, under
 * <dataDir>/spool) before it goes to the database. The file is removed once the run and all its
 * samples are stored. If the database is unreachable, or rqc dies, the file stays and is
 * replayed later (replaySpools, at the next run or rqc start). Replays land exactly once: the
 * store ignores a sample it already has (same run, case, iteration and time), and container
 * samples (which have no such key) carry a batch number that is marked once written.
 */
import {appendFile, mkdir, readFile, readdir, rm} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
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

/** Reads a spool file's text. Pure. */
export function parseSpool(text: string, runIdFromName?: number): ParsedSpool {
	let runId = runIdFromName;
	let pid: number | undefined;
	let host: string | undefined;
	let badLines = 0;
	let finish: ParsedSpool['finish'];
	const samples: NewSample[] = [];
	const containers = new Map<number, ContainerSample[]>();
	const written = new Set<number>();
	for (const raw of text.split('\n')) {
		if (raw.trim() === '') continue;
		let line: SpoolLine;
		try {
			line = JSON.parse(raw) as SpoolLine;
		} catch {
			badLines++;
			continue;
		}

		switch (line.t) {
			case 'h': {
				runId = line.runId;
				pid = line.pid;
				host = line.host;
				break;
			}

			case 's': {
				if (runId === undefined) {
					badLines++;
					break;
				}

				samples.push({
					runId,
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
				containers.set(line.b, line.samples.map((sample) => ({...sample, time: new Date(sample.time)})));
				break;
			}

			case 'cw': {
				written.add(line.b);
				break;
			}

			case 'f': {
				finish = line;
				break;
			}

			default: {
				badLines++;
			}
		}
	}

	const containerBatches = [...containers.entries()].filter(([batch]) => !written.has(batch)).map(([batch, list]) => ({batch, samples: list}));
	return {runId, pid, host, samples, containerBatches, finish, badLines};
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
		let parsed: ParsedSpool;
		try {
			parsed = parseSpool(await readFile(file, 'utf8'), runIdFromName);
		} catch (error) {
			errors.push(`${file}: ${String(error)}`);
			continue;
		}

		// A file whose writer still runs is that run's business (this process's own only when asked by id).
		if (parsed.pid !== undefined && (parsed.host === undefined || parsed.host === hostname())) {
			const isBusy = parsed.pid === process.pid ? options.onlyRunId === undefined : isAlive(parsed.pid);
			if (isBusy) continue;
		}

		const runId = parsed.runId ?? runIdFromName;
		try {
			const run = await store.getRun(runId);
			if (run === undefined) {
				// The run is gone (its release was deleted): nothing to write to.
				await rm(file, {force: true});
				continue;
			}

			const samples = markOutliers(parsed.samples);
			const written = await store.insertSamples(samples);
			samplesWritten += written;
			samplesAlreadyStored += samples.length - written;
			// Samples written while their case ran went in unflagged: flag the outliers on those too.
			const outliers = new Map<string, number[]>();
			for (const sample of samples) {
				if (!sample.isOutlier) continue;
				const list = outliers.get(sample.caseName) ?? [];
				list.push(sample.iteration);
				outliers.set(sample.caseName, list);
			}

			for (const [caseName, iterations] of outliers) await store.markSampleOutliers(runId, caseName, iterations);
			for (const batch of parsed.containerBatches) containerSamplesWritten += await store.insertContainerSamples(batch.samples);
			if (run.status === 'running') {
				if (parsed.finish) {
					await store.finishRun(runId, parsed.finish.status, {...(parsed.finish.reason === undefined ? {} : {reason: parsed.finish.reason}), endedAt: new Date(parsed.finish.endedAt), ...(parsed.finish.environment ? {environment: parsed.finish.environment} : {})});
				} else {
					await store.finishRun(runId, 'aborted', {reason: 'rqc stopped before the run finished; samples recovered from the spool'});
				}

				runsFinished++;
			}

			await rm(file, {force: true});
			files++;
		} catch (error) {
			errors.push(`run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	return {files, samplesWritten, samplesAlreadyStored, containerSamplesWritten, runsFinished, errors};
}
