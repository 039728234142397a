/**
 * Writing parsed result files into a release: every file in ONE store transaction, so a broken
 * file or a failure half-way leaves the store as it was. Serves `rqc import` and the demo data.
 */
import path from 'node:path';
import {UserError} from '../errors.js';
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
	readonly release: string;
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
	readonly release: string;
	readonly runs: readonly ImportedRunSummary[];
	readonly notes: ReadonlyArray<{readonly file: string; readonly note: string}>;
}

/** Writes parsed files into the release in one transaction; returns what was written. */
export async function writeImports(store: Store, files: readonly ParsedFile[], options: WriteImportOptions): Promise<ImportSummary> {
	return store.transaction(async (tx) => {
		const runs: ImportedRunSummary[] = [];
		const notes: Array<{file: string; note: string}> = [];
		const exportedGitSha = files.map((f) => f.parsed.release?.gitSha).find((sha) => sha !== undefined);
		await tx.ensureRelease(options.release, {...(exportedGitSha ? {gitSha: exportedGitSha} : {}), ...(options.isDemo ? {isDemo: true} : {})});
		for (const file of files) {
			const {fileName, parsed, modifiedAt} = file;
			const version = parsed.source.version ?? file.toolVersion;
			const base = path.basename(fileName);
			for (const note of parsed.notes) notes.push({file: fileName, note});
			for (const run of parsed.runs) {
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
				const created = await tx.createRun({
					release: options.release,
					suite,
					mode,
					environment,
					status: run.status ?? 'completed',
					startedAt,
					...(endedAt ? {endedAt} : {}),
					...(options.isDemo ? {isDemo: true} : {}),
				});
				if (run.statusReason !== undefined) {
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
				if (written !== samples.length) {
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
					samples: samples.length,
					cases: new Set(samples.map((s) => s.caseName)).size,
				});
			}
		}

		return {release: options.release, runs, notes};
	});
}
