/**
 * Writing parsed result files into a release: every file in ONE store transaction, so a broken
 * file or a failure half-way leaves the store as it was. Serves `rqc import` and the demo data.
 */
import path from 'node:path';
import {UserError} from '../errors.js';
import {verifyNewReleaseName} from '../names.js';
import type {ExecutionEnvironment, NewSample, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';
import type {ImportFormat, ParsedImport} from './types.js';

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

/** The release each file's runs go into: --release, or (rqc exports) the one each run carries. */
export function verifyReleases(files: readonly ParsedFile[], release: string | undefined): void {
	if (release !== undefined) return;
	for (const file of files) {
		if (file.parsed.format !== 'rqc' || file.parsed.runs.some((run) => run.release === undefined)) {
			throw new UserError(`${file.fileName}: a ${file.parsed.source.tool} file does not say which release it measured`, 'give one with --release NAME (only rqc export files carry their release names); nothing was imported');
		}

		// The names an export carries are new releases here: the same rule as --release.
		for (const run of file.parsed.runs) verifyNewReleaseName(run.release!);
	}
}

/**
 * Writes parsed files in one transaction; returns what was written. A run of an rqc export that
 * is already stored (same release, suite, mode and start) is not created again: only samples it
 * lacks are added, so importing the same export twice adds nothing.
 */
export async function writeImports(store: Store, files: readonly ParsedFile[], options: WriteImportOptions): Promise<ImportSummary> {
	verifyReleases(files, options.release);
	return store.transaction(async (tx) => {
		const runs: ImportedRunSummary[] = [];
		const notes: Array<{file: string; note: string}> = [];
		const releases = new Set<string>();
		let alreadyStored = 0;
		let calibrations = 0;
		const exportedGitSha = files.map((f) => f.parsed.release?.gitSha).find((sha) => sha !== undefined);
		if (options.release !== undefined) {
			await tx.ensureRelease(options.release, {...(exportedGitSha ? {gitSha: exportedGitSha} : {}), ...(options.isDemo ? {isDemo: true} : {})});
		}

		const knownRuns = new Map<string, Awaited<ReturnType<Store['listRuns']>>>();
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
		const matched = new Set<number>();

		for (const file of files) {
			const {fileName, parsed, modifiedAt} = file;
			const version = parsed.source.version ?? file.toolVersion;
			const base = path.basename(fileName);
			for (const note of parsed.notes) notes.push({file: fileName, note});
			for (const run of parsed.runs) {
				const release = options.release ?? run.release!;
				releases.add(release);
				const mode = options.mode ?? run.mode ?? 'bare_metal';
				const startedAt = run.startedAt ?? file.startedAt ?? modifiedAt ?? options.now;
				const endedAt = run.endedAt ?? file.endedAt;
				const isRqc = parsed.format === 'rqc';
				// An rqc export keeps its environment exactly (the round trip is lossless); other
				// tools' runs record the tool, its version and the file they came from.
				const environment: ExecutionEnvironment = isRqc
					? {...run.environment, ...file.environment, runtime: mode}
					: {
						...run.environment,
						...file.environment,
						runtime: mode,
						source: {tool: parsed.source.tool, ...(version ? {version} : {}), file: base},
						importedAt: options.now.toISOString(),
						...(run.startedAt ?? file.startedAt ? {} : {startedAtFrom: modifiedAt ? 'file modification time' : 'import time'}),
						...(parsed.notes.length > 0 ? {importNotes: parsed.notes} : {}),
					};
				const suite = options.suite ?? run.suite;
				const stored = isRqc ? await findStored(release, {suite, mode, status: run.status ?? 'completed', startedAt}) : undefined;
				if (!stored && options.release === undefined) {
					const gitSha = parsed.release?.name === release ? parsed.release.gitSha : undefined;
					await tx.ensureRelease(release, {...(gitSha ? {gitSha} : {}), ...(options.isDemo ? {isDemo: true} : {})});
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

				const samples: NewSample[] = run.samples.map((s) => ({
					runId: created.id,
					caseName: s.caseName,
					iteration: s.iteration,
					time: s.time ?? startedAt,
					wallNs: s.wallNs,
					...(s.userUs === undefined ? {} : {userUs: s.userUs}),
					...(s.systemUs === undefined ? {} : {systemUs: s.systemUs}),
					...(s.maxRssBytes === undefined ? {} : {maxRssBytes: s.maxRssBytes}),
					...(s.exitCode === undefined ? {} : {exitCode: s.exitCode}),
					...(s.isWarmup === undefined ? {} : {isWarmup: s.isWarmup}),
					...(s.isOutlier === undefined ? {} : {isOutlier: s.isOutlier}),
					...(s.metrics === undefined ? {} : {metrics: s.metrics}),
				}));
				const written = await tx.insertSamples(samples);
				if (stored) {
					alreadyStored += samples.length - written;
					if (written === 0) continue;
				} else if (written !== samples.length) {
					// The transaction rolls back: nothing of this import stays.
					throw new UserError(`${fileName}: ${samples.length - written} samples repeat another's case, iteration and time`, 'nothing was imported');
				}

				runs.push({
					runId: created.id,
					file: fileName,
					format: parsed.format,
					tool: parsed.source.tool,
					version,
					suite,
					mode,
					samples: written,
					cases: new Set(samples.map((s) => s.caseName)).size,
				});
			}

			for (const calibration of parsed.calibrations ?? []) {
				const existing = await tx.listCalibrations();
				const isStored = existing.some((c) => c.createdAt.getTime() === calibration.createdAt.getTime() && c.hostFingerprint === calibration.hostFingerprint && c.image === calibration.image);
				if (isStored) continue;
				await tx.saveCalibration(calibration as Parameters<Store['saveCalibration']>[0]);
				calibrations++;
			}
		}

		return {
			release: options.release ?? [...releases].join(', '),
			runs,
			notes,
			...(alreadyStored > 0 ? {samplesAlreadyStored: alreadyStored} : {}),
			...(calibrations > 0 ? {calibrations} : {}),
		};
	});
}
