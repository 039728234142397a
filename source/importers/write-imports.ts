/**
 * Writing parsed result files into a release: every file in ONE store transaction, so a broken
 * file or a failure half-way leaves the store as it was. Serves `rqc import` and the demo data.
 */
import path from 'node:path';
import {UserError} from '../errors.js';
import {verifyNewReleaseName} from '../names.js';
import type {ExecutionEnvironment, NewSample, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';
import {detachString, type RqcStreamItem} from './rqc-stream.js';
import type {ImportedRun, ImportedSample, ImportFormat, ParsedImport} from './types.js';

/** One parsed file, ready to be written. */
export interface ParsedFile {
	readonly fileName: string;
	readonly parsed: ParsedImport;
	/** When the file was last written; the start time of runs whose file states none. */
	readonly modifiedAt?: Date;
	/** Known from elsewhere (the demo's manifest): when the file's runs started and ended. */
	readonly startedAt?: Date;
	readonly endedAt?: Date;
	/** Known from elsewhere: merged over the environment the file describes. */
	readonly environment?: Partial<ExecutionEnvironment>;
	/** Known from elsewhere: the tool's version, when the file does not state it. */
	readonly toolVersion?: string;
}

export interface WriteImportOptions {
	/** The release every run goes into; undefined: each rqc-export run keeps the release it carries. */
	readonly release: string | undefined;
	readonly suite?: string;
	readonly mode?: RunMode;
	readonly isDemo?: boolean;
	/** The import time: stored as importedAt, and the start of runs whose time is unknown. */
	readonly now: Date;
	/** Samples per write (default IMPORT_BATCH_SAMPLES); tests make it small to split (run, case) pairs. */
	readonly batchSize?: number;
}

export interface ImportedRunSummary {
	readonly runId: number;
	readonly file: string;
	readonly format: ImportFormat;
	readonly tool: string;
	readonly version: string | undefined;
	readonly suite: string;
	readonly mode: RunMode;
	readonly samples: number;
	readonly cases: number;
}

export interface ImportSummary {
	/** The --release given, or the releases the files carried, comma-separated. */
	readonly release: string;
	/** Samples already stored (an rqc export imported again): not written twice. */
	readonly samplesAlreadyStored?: number;
	readonly calibrations?: number;
	readonly runs: readonly ImportedRunSummary[];
	readonly notes: ReadonlyArray<{readonly file: string; readonly note: string}>;
}

/** An rqc export read as a stream inside the import's transaction (issue 13, point 4). */
export interface StreamedFile {
	readonly fileName: string;
	/** Starts reading the file: called once, inside the transaction. */
	readonly open: () => AsyncIterable<RqcStreamItem>;
	readonly modifiedAt?: Date;
}

/** A file to import: parsed already, or an rqc export read while it is written. */
export type ImportFile = ParsedFile | StreamedFile;

/** Samples per write of an import: the memory an import holds does not grow with the file. */
export const IMPORT_BATCH_SAMPLES = 5000;

function isParsedFile(file: ImportFile): file is ParsedFile {
	return 'parsed' in file;
}

/** The release each file's runs go into: --release, or (rqc exports) the one each run carries. */
export function verifyReleases(files: readonly ImportFile[], release: string | undefined): void {
	if (release !== undefined) return;
	for (const file of files) {
		// A streamed file is an rqc export; its release names are checked as its runs are read.
		if (!isParsedFile(file)) continue;
		if (file.parsed.format !== 'rqc' || file.parsed.runs.some((run) => run.release === undefined)) {
			throw new UserError(`${file.fileName}: a ${file.parsed.source.tool} file does not say which release it measured`, 'give one with --release NAME (only rqc export files carry their release names); nothing was imported');
		}

		// The names an export carries are new releases here: the same rule as --release.
		for (const run of file.parsed.runs) verifyNewReleaseName(run.release!);
	}
}

/** What one file tells about each of its runs, besides the run itself. */
interface FileFacts {
	readonly fileName: string;
	readonly format: ImportFormat;
	readonly tool: string;
	readonly notes: readonly string[];
	readonly modifiedAt?: Date;
	readonly startedAt?: Date;
	readonly endedAt?: Date;
	readonly environment?: Partial<ExecutionEnvironment>;
}

/** The facts a parsed file brings from elsewhere (modification time, the demo's manifest). */
function definedFacts(file: ParsedFile): Partial<FileFacts> {
	return {
		...(file.modifiedAt ? {modifiedAt: file.modifiedAt} : {}),
		...(file.startedAt ? {startedAt: file.startedAt} : {}),
		...(file.endedAt ? {endedAt: file.endedAt} : {}),
		...(file.environment ? {environment: file.environment} : {}),
	};
}

/** The samples as the store takes them; built field by field (millions of them in a large import). */
function toNewSamples(runId: number, samples: readonly ImportedSample[], startedAt: Date): NewSample[] {
	return samples.map((s) => {
		const sample: {-readonly [K in keyof NewSample]: NewSample[K]} = {runId, caseName: s.caseName, iteration: s.iteration, time: s.time ?? startedAt, wallNs: s.wallNs};
		if (s.userUs !== undefined) sample.userUs = s.userUs;
		if (s.systemUs !== undefined) sample.systemUs = s.systemUs;
		if (s.maxRssBytes !== undefined) sample.maxRssBytes = s.maxRssBytes;
		if (s.exitCode !== undefined) sample.exitCode = s.exitCode;
		if (s.isWarmup !== undefined) sample.isWarmup = s.isWarmup;
		if (s.isOutlier !== undefined) sample.isOutlier = s.isOutlier;
		if (s.metrics !== undefined) sample.metrics = s.metrics;
		return sample;
	});
}

/**
 * Writes files in one transaction; returns what was written. A run of an rqc export that is
 * already stored (same release, suite, mode and start) is not created again: only samples it
 * lacks are added, so importing the same export twice adds nothing. Samples are written in
 * batches of `batchSize` (a (run, case) may span batches: the store recomputes its summaries),
 * so a streamed file of any size is held one batch at a time.
 */
export async function writeImports(store: Store, files: readonly ImportFile[], options: WriteImportOptions): Promise<ImportSummary> {
	verifyReleases(files, options.release);
	const batchSize = Math.max(1, options.batchSize ?? IMPORT_BATCH_SAMPLES);
	return store.transaction(async (tx) => {
		// The summary line of each run written to, in the order they were created or found.
		// A stored run (imported before) gets a line only when samples are added to it.
		const written = new Map<number, Omit<ImportedRunSummary, 'samples' | 'cases'> & {samples: number; cases: Set<string>; isStored: boolean}>();
		const notes: Array<{file: string; note: string}> = [];
		const releases = new Set<string>();
		let alreadyStored = 0;
		let calibrations = 0;
		let givenGitSha = files.map((f) => (isParsedFile(f) ? f.parsed.release?.gitSha : undefined)).find((sha) => sha !== undefined);
		if (options.release !== undefined) {
			await tx.ensureRelease(options.release, {...(givenGitSha ? {gitSha: givenGitSha} : {}), ...(options.isDemo ? {isDemo: true} : {})});
		}

		const knownRuns = new Map<string, Awaited<ReturnType<Store['listRuns']>>>();
		const matched = new Set<number>();
		const findStored = async (release: string, run: {suite: string; mode: RunMode; status: string; startedAt: Date}) => {
			let list = knownRuns.get(release);
			if (!list) {
				// Oldest first, as exports list runs: runs started at the same time pair up in order.
				list = (await tx.getRelease(release)) ? (await tx.listRuns({release, limit: 1_000_000, statuses: ['running', 'completed', 'aborted', 'failed']})).sort((a, b) => a.id - b.id) : [];
				knownRuns.set(release, list);
			}

			// Each stored run stands for one run of the file: two runs started at the same time match in turn.
			const match = list.find((r) => !matched.has(r.id) && r.suite === run.suite && r.mode === run.mode && r.status === run.status && r.startedAt.getTime() === run.startedAt.getTime());
			if (match) matched.add(match.id);
			return match;
		};

		// Samples of new runs waiting to be written, all of one file (an error names it).
		let batch: NewSample[] = [];
		const flush = async (fileName: string): Promise<void> => {
			if (batch.length === 0) return;
			const count = await tx.insertSamples(batch);
			if (count !== batch.length) {
				// The transaction rolls back: nothing of this import stays.
				throw new UserError(`${fileName}: ${batch.length - count} samples repeat another's case, iteration and time`, 'nothing was imported');
			}

			batch = [];
		};

		const saveCalibration = async (calibration: NonNullable<ParsedImport['calibrations']>[number]): Promise<void> => {
			const existing = await tx.listCalibrations();
			const isStored = existing.some((c) => c.createdAt.getTime() === calibration.createdAt.getTime() && c.hostFingerprint === calibration.hostFingerprint && c.image === calibration.image);
			if (isStored) return;
			await tx.saveCalibration(calibration as Parameters<Store['saveCalibration']>[0]);
			calibrations++;
		};

		for (const file of files) {
			const parsed = isParsedFile(file) ? file.parsed : undefined;
			const facts: FileFacts = parsed
				? {fileName: file.fileName, format: parsed.format, tool: parsed.source.tool, notes: parsed.notes, ...definedFacts(file as ParsedFile)}
				: {fileName: file.fileName, format: 'rqc', tool: 'rqc', notes: [], ...(file.modifiedAt ? {modifiedAt: file.modifiedAt} : {})};
			for (const note of facts.notes) notes.push({file: file.fileName, note});
			// The runs of this file already created or found, by their key in the file.
			const targets = new Map<string, {id: number; isStored: boolean; startedAt: Date}>();

			const addRun = async (key: string, run: ImportedRun, gitSha: string | undefined, version: string | undefined): Promise<void> => {
				let target = targets.get(key);
				if (!target) {
					if (options.release === undefined) verifyNewReleaseName(run.release!);
					const release = options.release ?? run.release!;
					releases.add(release);
					const mode = options.mode ?? run.mode ?? 'bare_metal';
					const startedAt = run.startedAt ?? facts.startedAt ?? facts.modifiedAt ?? options.now;
					const endedAt = run.endedAt ?? facts.endedAt;
					const isRqc = facts.format === 'rqc';
					// An rqc export keeps its environment exactly (the round trip is lossless); other
					// tools' runs record the tool, its version and the file they came from.
					const environment: ExecutionEnvironment = isRqc
						? {...run.environment, ...facts.environment, runtime: mode}
						: {
							...run.environment,
							...facts.environment,
							runtime: mode,
							source: {tool: facts.tool, ...(version ? {version} : {}), file: path.basename(facts.fileName)},
							importedAt: options.now.toISOString(),
							...(run.startedAt ?? facts.startedAt ? {} : {startedAtFrom: facts.modifiedAt ? 'file modification time' : 'import time'}),
							...(facts.notes.length > 0 ? {importNotes: facts.notes} : {}),
						};
					const suite = options.suite ?? run.suite;
					const stored = isRqc ? await findStored(release, {suite, mode, status: run.status ?? 'completed', startedAt}) : undefined;
					if (!stored && options.release === undefined) {
						await tx.ensureRelease(release, {...(gitSha ? {gitSha} : {}), ...(options.isDemo ? {isDemo: true} : {})});
					}

					if (options.release !== undefined && givenGitSha === undefined && gitSha !== undefined) {
						givenGitSha = gitSha;
						await tx.ensureRelease(options.release, {gitSha});
					}

					const created = stored ?? await tx.createRun({
						release,
						suite,
						mode,
						environment,
						status: run.status ?? 'completed',
						startedAt,
						...(endedAt ? {endedAt} : {}),
						...(options.isDemo ? {isDemo: true} : {}),
					});
					if (!stored && run.statusReason !== undefined) {
						await tx.finishRun(created.id, run.status ?? 'completed', {reason: run.statusReason, endedAt: endedAt ?? startedAt});
					}

					target = {id: created.id, isStored: stored !== undefined, startedAt};
					targets.set(key, target);
					if (!written.has(created.id)) {
						written.set(created.id, {runId: created.id, file: facts.fileName, format: facts.format, tool: facts.tool, version, suite, mode, samples: 0, cases: new Set(), isStored: stored !== undefined});
					}
				}

				const samples = toNewSamples(target.id, run.samples, target.startedAt);
				const line = written.get(target.id)!;
				for (const s of samples) {
					if (!line.cases.has(s.caseName)) line.cases.add(detachString(s.caseName));
				}
				if (target.isStored) {
					// A stored run: only the samples it lacks are added, counted apart.
					const count = await tx.insertSamples(samples);
					alreadyStored += samples.length - count;
					line.samples += count;
					return;
				}

				line.samples += samples.length;
				for (const s of samples) {
					batch.push(s);
					if (batch.length >= batchSize) await flush(facts.fileName);
				}
			};

			if (parsed) {
				const version = parsed.source.version ?? (file as ParsedFile).toolVersion;
				const gitSha = parsed.release?.gitSha;
				for (const [i, run] of parsed.runs.entries()) {
					await addRun(`runs[${i}]`, run, parsed.release?.name === run.release ? gitSha : undefined, version);
				}

				for (const calibration of parsed.calibrations ?? []) await saveCalibration(calibration);
			} else {
				for await (const item of (file as StreamedFile).open()) {
					if (item.kind === 'run') await addRun(item.key, item.run, item.gitSha, item.version);
					else await saveCalibration(item.calibration);
				}
			}

			await flush(file.fileName);
		}

		return {
			release: options.release ?? [...releases].join(', '),
			runs: [...written.values()]
				.filter((line) => !line.isStored || line.samples > 0)
				.map(({cases, isStored: _, ...line}) => ({...line, cases: cases.size})),
			notes,
			...(alreadyStored > 0 ? {samplesAlreadyStored: alreadyStored} : {}),
			...(calibrations > 0 ? {calibrations} : {}),
		};
	});
}
