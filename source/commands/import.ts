/**
 * `rqc import FILE... --release X`: other tools' results (hyperfine, Google Benchmark, go test,
 * pytest-benchmark) and rqc's own exports into a release. Every file is read and parsed before
 * anything is written, then everything is written in ONE store transaction: a broken file, or a
 * failure half-way, leaves the store as it was. No Ink.
 */
import {readFile, stat} from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import {getPackageRoot} from '../config.js';
import {verifyNewReleaseName} from '../names.js';
import {parseImport, verifyFormatName, type ImportFormat, type ParsedImport} from '../importers/index.js';
import type {ExecutionEnvironment, NewSample, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';
import type {CommandSpec} from './types.js';

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

/** `bare-metal`, `bare_metal`, `docker` → RunMode; anything else is a usage error. */
export function parseModeFlag(value: unknown): RunMode | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).toLowerCase().replace('_', '-');
	if (text === 'bare-metal' || text === 'baremetal') return 'bare_metal';
	if (text === 'docker') return 'docker';
	throw new UserError(`--mode ${String(value)}: must be bare-metal or docker`, 'say where the imported numbers were measured, e.g. --mode bare-metal');
}

/** Reads and parses every file; throws (nothing written yet) at the first broken one. */
export async function parseFiles(files: readonly string[], format?: ImportFormat): Promise<ParsedFile[]> {
	const parsed: ParsedFile[] = [];
	for (const file of files) {
		let text: string;
		let modifiedAt: Date | undefined;
		try {
			text = await readFile(file, 'utf8');
			modifiedAt = (await stat(file)).mtime;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`,
				'check the path; nothing was imported');
		}

		parsed.push({fileName: file, parsed: parseImport(text, {fileName: file, ...(format ? {format} : {})}), modifiedAt});
	}

	return parsed;
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

/** The human summary of an import. Pure. */
export function formatImportSummary(summary: ImportSummary): string {
	const total = summary.runs.reduce((n, r) => n + r.samples, 0);
	const lines = [`imported ${total} samples in ${summary.runs.length} run${summary.runs.length === 1 ? '' : 's'} into release ${summary.release}`];
	for (const r of summary.runs) {
		const tool = r.version ? `${r.tool} ${r.version}` : r.tool;
		lines.push(`  run ${r.runId}  ${r.file}  ${tool}  suite ${r.suite}  ${r.mode.replace('_', '-')}  ${r.cases} cases, ${r.samples} samples`);
	}

	for (const n of summary.notes) lines.push(`note: ${path.basename(n.file)}: ${n.note}`);
	return lines.join('\n');
}

/** rqc's own version, from its package.json. */
export function getRqcVersion(): string {
	try {
		return (JSON.parse(readFileSync(path.join(getPackageRoot(), 'package.json'), 'utf8')) as {version?: string}).version ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

export function verifyReleaseName(value: unknown, command: string): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new UserError(`${command} needs --release NAME`, `e.g. rqc ${command} ${command === 'import' ? 'results.json ' : ''}--release v1.4.0`);
	}

	return value.trim();
}

export const importCommand: CommandSpec = {
	name: 'import',
	summary: 'Import results from hyperfine, Google Benchmark, go test -bench, pytest-benchmark or an rqc export',
	usage: 'rqc import FILE... --release X [--suite S] [--mode bare-metal|docker] [--format F] [--json]',
	examples: [
		'rqc import hyperfine.json --release v1.4.0',
		'go test -run \'^$\' -bench . -count 10 ./... > bench.txt && rqc import bench.txt --release v1.4.0',
		'rqc import results.json --release v1.4.0 --mode docker --suite api',
		'rqc export --release v1.4.0 > v1.4.0.json && rqc import v1.4.0.json --release v1.4.0-copy',
	],
	flags: {
		release: {type: 'string', description: 'Release the runs belong to (created on first use)'},
		suite: {type: 'string', description: 'Suite name (default: from the file: go package, benchmark executable, tool)'},
		mode: {type: 'string', description: 'Where the numbers were measured: bare-metal (default) or docker'},
		format: {type: 'string', description: 'hyperfine|google-benchmark|go-test|pytest-benchmark|rqc (default: detected from the content)'},
	},
	async run(context) {
		const release = verifyNewReleaseName(verifyReleaseName(context.flags.release, 'import'));
		if (context.args.length === 0) throw new UserError('rqc import needs at least one FILE', 'e.g. rqc import hyperfine.json --release v1.4.0');
		const mode = parseModeFlag(context.flags.mode);
		const format = typeof context.flags.format === 'string' && context.flags.format !== '' ? verifyFormatName(context.flags.format) : undefined;
		const suite = typeof context.flags.suite === 'string' && context.flags.suite.trim() !== '' ? context.flags.suite.trim() : undefined;
		// Every file parsed before the store is even opened: a broken file writes nothing.
		const files = await parseFiles(context.args, format);
		const store = await context.openStore();
		const summary = await writeImports(store, files, {release, ...(suite ? {suite} : {}), ...(mode ? {mode} : {}), now: new Date()});
		if (context.isJson) context.stdout.write(toJson(summary) + '\n');
		else context.stdout.write(formatImportSummary(summary) + '\n');
		return EXIT.ok;
	},
};
