/**
 * The importers: text in, records out. detectFormat tells which tool wrote a file from its
 * content (not its name); parseImport parses it, or throws a UserError naming the line or field
 * at fault. Pure: the import command reads the files and writes the store.
 */
import {UserError} from '../errors.js';
import {parseGoogleBenchmark} from './google-benchmark.js';
import {parseGoTest} from './go-test.js';
import {parseHyperfine} from './hyperfine.js';
import {parsePytestBenchmark} from './pytest-benchmark.js';
import {isRqcCsv, parseRqcCsv, parseRqcJson} from './rqc.js';
import {IMPORT_FORMATS, type ImportFormat, type ParsedImport} from './types.js';
import {streamRqcExport, type RqcStreamItem} from './rqc-stream.js';
import {verifyImportedRun, verifyParsedImport} from './verify.js';

export * from './types.js';
export type {RqcStreamItem} from './rqc-stream.js';
export {exportAllJson, formatExportCsv, formatExportCsvRows, formatExportJson, CSV_COLUMNS, type ExportData} from './rqc.js';

const ALIASES: Readonly<Record<string, ImportFormat>> = {
	hyperfine: 'hyperfine',
	'google-benchmark': 'google-benchmark',
	gbench: 'google-benchmark',
	'go-test': 'go-test',
	go: 'go-test',
	'pytest-benchmark': 'pytest-benchmark',
	pytest: 'pytest-benchmark',
	rqc: 'rqc',
};

/** The format a --format value names, or a UserError listing the formats. */
export function verifyFormatName(name: string): ImportFormat {
	const format = ALIASES[name.toLowerCase()];
	if (!format) throw new UserError(`unknown import format "${name}"`, `use one of: ${IMPORT_FORMATS.join(', ')}`);
	return format;
}

/**
 * Which tool wrote this text, judged from its content; undefined when it looks like none.
 * Works on truncated files too (it looks at markers near the start), so a broken file still
 * gets its own parser's error naming the line at fault.
 */
export function detectFormat(text: string): ImportFormat | undefined {
	const body = text.replace(/^\uFEFF/, '').trimStart();
	if (body.startsWith('{')) {
		const head = body.slice(0, 20_000);
		if (/"format"\s*:\s*"rqc-export"/.test(head)) return 'rqc';
		if (/"machine_info"\s*:|"commit_info"\s*:/.test(head)) return 'pytest-benchmark';
		if (/"context"\s*:/.test(head) && /"benchmarks"\s*:/.test(head)) return 'google-benchmark';
		if (/"benchmarks"\s*:/.test(head) && /"(?:real_time|cpu_time|time_unit|run_type)"\s*:/.test(head)) return 'google-benchmark';
		if (/"results"\s*:/.test(head) && /"(?:command|times|exit_codes)"\s*:/.test(head)) return 'hyperfine';
		if (/^\{\s*"results"\s*:\s*\[/.test(head)) return 'hyperfine';
		return undefined;
	}

	if (isRqcCsv(body)) return 'rqc';
	const lines = body.split(/\r?\n/, 400);
	if (lines.some((l) => /^Benchmark\S*\s+\d+\s+\S+\s+ns\/op\b/.test(l))) return 'go-test';
	if (lines.some((l) => /^pkg:\s+\S/.test(l)) && lines.some((l) => /^(?:goos|goarch):\s/.test(l))) return 'go-test';
	return undefined;
}

/**
 * Parses one file's text. `format` forces a parser; otherwise the content decides. Every value is
 * then checked to fit the store (verifyParsedImport), so nothing unrepresentable is written.
 */
export function parseImport(text: string, options: {fileName: string; format?: ImportFormat}): ParsedImport {
	return verifyParsedImport(parseByFormat(text, options), options.fileName);
}

/**
 * Whether a file whose text starts with `head` is read as a stream: rqc exports are (issue 13,
 * point 4: `rqc export --all` of years of history is gigabytes); other tools' files are small and
 * parsed whole. `format` is the --format given, if any.
 */
export function isStreamedImport(head: string, format?: ImportFormat): boolean {
	if (format !== undefined) return format === 'rqc';
	return !isAmbiguousJson(head) && detectFormat(head) === 'rqc';
}

/**
 * Reads an rqc export from chunks of text: its runs (in pieces, each checked to fit the store as
 * verifyParsedImport checks a whole file) and calibrations, as they are read.
 */
export async function * streamImport(chunks: AsyncIterable<string>, options: {fileName: string}): AsyncGenerator<RqcStreamItem> {
	for await (const item of streamRqcExport(chunks, options)) {
		if (item.kind === 'run') verifyImportedRun(item.run, options.fileName);
		yield item;
	}
}

/**
 * Whether a JSON text holds both hyperfine's `results` and Google Benchmark's `benchmarks` at the
 * top, so that guessing would silently drop half of it (issue 11, point 11). Pure.
 */
export function isAmbiguousJson(text: string): boolean {
	const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 20_000);
	return head.startsWith('{') && /"results"\s*:\s*\[/.test(head) && /"benchmarks"\s*:\s*\[/.test(head);
}

function parseByFormat(text: string, options: {fileName: string; format?: ImportFormat}): ParsedImport {
	if (options.format === undefined && isAmbiguousJson(text)) {
		throw new UserError(`${options.fileName}: holds both hyperfine "results" and Google Benchmark "benchmarks"; rqc will not guess which to import`,
			'say which with --format hyperfine or --format google-benchmark; nothing was imported');
	}

	const format = options.format ?? detectFormat(text);
	if (format === undefined) {
		if (text.trim() === '') throw new UserError(`${options.fileName}: the file is empty`, 'nothing was imported');
		throw new UserError(
			`${options.fileName}: cannot tell which tool wrote this file`,
			`rqc reads hyperfine --export-json, Google Benchmark --benchmark_format=json, go test -bench output, pytest-benchmark JSON and rqc exports; if it is one of them, say which with --format ${IMPORT_FORMATS.join('|')}`,
		);
	}

	const parseOptions = {fileName: options.fileName};
	switch (format) {
		case 'hyperfine': {
			return parseHyperfine(text, parseOptions);
		}

		case 'google-benchmark': {
			return parseGoogleBenchmark(text, parseOptions);
		}

		case 'go-test': {
			return parseGoTest(text, parseOptions);
		}

		case 'pytest-benchmark': {
			return parsePytestBenchmark(text, parseOptions);
		}

		case 'rqc': {
			return isRqcCsv(text) ? parseRqcCsv(text, parseOptions) : parseRqcJson(text, parseOptions);
		}
	}
}
