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

/** The release each file's runs go into: --release, or (rqc exports) the one each run carries. */
function verifyReleases(files: readonly ParsedFile[], release: string | undefined): void {
	if (release !== undefined) return;
	for (const file of files) {
		if (file.parsed.format !== 'rqc' || file.parsed.runs.some((run) => run.release === undefined)) {
			throw new UserError(`${file.fileName}: a ${file.parsed.source.tool} file does not say which release it measured`, 'give one with --release NAME (only rqc export files carry their release names); nothing was imported');
		}
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

/** The human summary of an import. Pure. */
export function formatImportSummary(summary: ImportSummary): string {
	const total = summary.runs.reduce((n, r) => n + r.samples, 0);
	const names = summary.release.split(', ').filter(Boolean);
	const into = names.length > 3 ? `${names.length} releases (${names[0]} … ${names.at(-1)})` : `release ${summary.release || '(none)'}`;
	const lines = [`imported ${total} samples in ${summary.runs.length} run${summary.runs.length === 1 ? '' : 's'} into ${into}`
		+ (summary.samplesAlreadyStored ? `; ${summary.samplesAlreadyStored} samples were already stored` : '')
		+ (summary.calibrations ? `; ${summary.calibrations} calibrations` : '')];
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
	usage: 'rqc import FILE... [--release X] [--suite S] [--mode bare-metal|docker] [--format F] [--json]',
	examples: [
		'rqc import hyperfine.json --release v1.4.0',
		'go test -run \'^$\' -bench . -count 10 ./... > bench.txt && rqc import bench.txt --release v1.4.0',
		'rqc import results.json --release v1.4.0 --mode docker --suite api',
		'rqc export --release v1.4.0 > v1.4.0.json && rqc import v1.4.0.json --release v1.4.0-copy',
		'rqc export --all --format csv --output history.csv && RQC_DATABASE_URL=... rqc import history.csv   # keeps release names',
	],
	flags: {
		release: {type: 'string', description: 'Release the runs belong to (created on first use); rqc exports keep theirs without it'},
		suite: {type: 'string', description: 'Suite name (default: from the file: go package, benchmark executable, tool)'},
		mode: {type: 'string', description: 'Where the numbers were measured: bare-metal (default) or docker'},
		format: {type: 'string', description: 'hyperfine|google-benchmark|go-test|pytest-benchmark|rqc (default: detected from the content)'},
	},
	async run(context) {
		// Without --release, rqc export files keep the release names they carry (checked after parsing).
		const release = context.flags.release === undefined ? undefined : verifyReleaseName(context.flags.release, 'import');
		if (context.args.length === 0) throw new UserError('rqc import needs at least one FILE', 'e.g. rqc import hyperfine.json --release v1.4.0');
		const mode = parseModeFlag(context.flags.mode);
		const format = typeof context.flags.format === 'string' && context.flags.format !== '' ? verifyFormatName(context.flags.format) : undefined;
		const suite = typeof context.flags.suite === 'string' && context.flags.suite.trim() !== '' ? context.flags.suite.trim() : undefined;
		// Every file parsed before the store is even opened: a broken file writes nothing.
		const files = await parseFiles(context.args, format);
		const store = await context.openStore();
		verifyReleases(files, release);
		const summary = await writeImports(store, files, {release, ...(suite ? {suite} : {}), ...(mode ? {mode} : {}), now: new Date()});
		if (context.isJson) context.stdout.write(toJson(summary) + '\n');
		else context.stdout.write(formatImportSummary(summary) + '\n');
		return EXIT.ok;
	},
};
