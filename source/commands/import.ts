/**
 * `rqc import FILE... --release X`: other tools' results (hyperfine, Google Benchmark, go test,
 * pytest-benchmark) and rqc's own exports into a release. Other tools' files are read and parsed
 * before anything is written; rqc exports (gigabytes for years of history) are streamed while they
 * are written. Everything is written in ONE store transaction: a broken file, or a failure
 * half-way, leaves the store as it was. No Ink.
 */
import {open, readFile, stat} from 'node:fs/promises';
import {createReadStream} from 'node:fs';
import path from 'node:path';
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import {isStreamedImport, parseImport, streamImport, verifyFormatName, type ImportFormat} from '../importers/index.js';
import {verifyReleases, writeImports, type ImportFile, type ImportSummary} from '../importers/write-imports.js';
import type {RunMode} from '../store/records.js';
import {verifyNewReleaseName} from '../names.js';
import type {CommandSpec} from './types.js';

/** `bare-metal`, `bare_metal`, `docker` → RunMode; anything else is a usage error. */
export function parseModeFlag(value: unknown): RunMode | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).toLowerCase().replace('_', '-');
	if (text === 'bare-metal' || text === 'baremetal') return 'bare_metal';
	if (text === 'docker') return 'docker';
	throw new UserError(`--mode ${String(value)}: must be bare-metal or docker`, 'say where the imported numbers were measured, e.g. --mode bare-metal');
}

/** The first bytes of a file read to tell its format: enough for every detector's markers. */
const HEAD_BYTES = 64 * 1024;

/** Chunks of a file's text as they are read: UTF-8 decoded across chunk boundaries. */
async function * readChunks(file: string): AsyncGenerator<string> {
	try {
		for await (const chunk of createReadStream(file, {encoding: 'utf8', highWaterMark: 256 * 1024})) yield chunk as string;
	} catch (error) {
		throw new UserError(`cannot read ${file}: ${(error as Error).message}`, 'check the file; nothing was imported');
	}
}

/**
 * Reads and parses every file; throws (nothing written yet) at the first broken one. An rqc
 * export is only opened here: it is read as a stream while it is written (issue 13, point 4),
 * inside the import's transaction, so an error in it still leaves nothing behind.
 */
export async function parseFiles(files: readonly string[], format?: ImportFormat): Promise<ImportFile[]> {
	const parsed: ImportFile[] = [];
	for (const file of files) {
		let head: string;
		let isWhole: boolean;
		let modifiedAt: Date | undefined;
		try {
			modifiedAt = (await stat(file)).mtime;
			const handle = await open(file, 'r');
			try {
				const buffer = Buffer.alloc(HEAD_BYTES);
				const {bytesRead} = await handle.read(buffer, 0, HEAD_BYTES, 0);
				// A character cut at the end of the head only costs a replacement character there.
				head = buffer.subarray(0, bytesRead).toString('utf8');
				isWhole = bytesRead < HEAD_BYTES;
			} finally {
				await handle.close();
			}
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`,
				'check the path; nothing was imported');
		}

		if (head.trim() !== '' && isStreamedImport(head, format)) {
			parsed.push({fileName: file, open: () => streamImport(readChunks(file), {fileName: file}), modifiedAt});
			continue;
		}

		const text = isWhole ? head : await readFile(file, 'utf8');
		parsed.push({fileName: file, parsed: parseImport(text, {fileName: file, ...(format ? {format} : {})}), modifiedAt});
	}

	return parsed;
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
		const release = context.flags.release === undefined ? undefined : verifyNewReleaseName(verifyReleaseName(context.flags.release, 'import'));
		if (context.args.length === 0) throw new UserError('rqc import needs at least one FILE', 'e.g. rqc import hyperfine.json --release v1.4.0');
		const mode = parseModeFlag(context.flags.mode);
		const format = typeof context.flags.format === 'string' && context.flags.format !== '' ? verifyFormatName(context.flags.format) : undefined;
		const suite = typeof context.flags.suite === 'string' && context.flags.suite.trim() !== '' ? context.flags.suite.trim() : undefined;
		// Every other tool's file parsed before the store is even opened; rqc exports are read while
		// they are written, in the same one transaction: either way a broken file writes nothing.
		const files = await parseFiles(context.args, format);
		const store = await context.openStore();
		verifyReleases(files, release);
		const summary = await writeImports(store, files, {release, ...(suite ? {suite} : {}), ...(mode ? {mode} : {}), now: new Date()});
		if (context.isJson) context.stdout.write(toJson(summary) + '\n');
		else context.stdout.write(formatImportSummary(summary) + '\n');
		return EXIT.ok;
	},
};
