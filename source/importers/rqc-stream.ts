/**
 * rqc export files read as a stream (issue 13, point 4): `rqc export --all` of years of history
 * is gigabytes, so `rqc import` never holds a whole file. CSV is split into rows as it arrives;
 * JSON is split at its top level, each element of `releases` (or version 1's `runs`) parsed on
 * its own, so memory holds one release at a time whatever the file's layout. Items come out in
 * file order: runs (a CSV run may come in several pieces sharing one key) and calibrations.
 * Errors are UserErrors naming the file and the line or field, as the whole-file parsers' are.
 */
import {UserError} from '../errors.js';
import {findJsonError, JsonReader, locate, type JsonObject, type JsonValue} from './json-document.js';
import {
	calibrationFromJson, CSV_COLUMNS, isCsvExportHeader, readCsvExportRow, RQC_EXPORT_ALL_VERSION, RQC_EXPORT_FORMAT,
	RQC_EXPORT_VERSION, runFromJson,
} from './rqc.js';
import type {ImportedCalibration, ImportedRun, ImportedSample} from './types.js';

/** One thing read from an export file. */
export type RqcStreamItem =
	| {
		readonly kind: 'run';
		/** The run in the file: every piece of one run has the same key. */
		readonly key: string;
		/** The run's fields and this piece's samples. */
		readonly run: ImportedRun;
		readonly gitSha?: string;
		readonly version?: string;
	}
	| {readonly kind: 'calibration'; readonly calibration: ImportedCalibration};

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps a slice of a
 * string pointing into the whole (a 1 MB chunk of the file): a name kept for the length of an
 * import (a run's suite, its key, a case name) would otherwise keep its chunk alive with it.
 */
export function detachString(text: string): string {
	return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}

/** Samples per piece of a CSV run: a run's rows are handed on in pieces of at most this many. */
export const CSV_PIECE_SAMPLES = 2500;

/** Splits CSV text that arrives in chunks into rows of fields (RFC 4180 quoting), each with the line it starts on. */
export class CsvRowSplitter {
	private fields: string[] = [];
	private field = '';
	private line = 1;
	private rowLine = 1;
	private isQuoted = false;
	private wasQuoted = false;
	/** A quote ended the last chunk inside a quoted field: closing, or the first of "". */
	private isQuotePending = false;
	/** A \r ended a row: a \n right after it belongs to the same line break. */
	private isCrPending = false;

	constructor(private readonly fileName: string) {}

	push(chunk: string): Array<{line: number; fields: string[]}> {
		const rows: Array<{line: number; fields: string[]}> = [];
		const special = /[",\r\n]/g;
		let i = 0;
		const n = chunk.length;
		while (i < n) {
			if (this.isCrPending) {
				this.isCrPending = false;
				if (chunk.charCodeAt(i) === 10) {
					i++;
					continue;
				}
			}

			if (this.isQuotePending) {
				this.isQuotePending = false;
				if (chunk.charCodeAt(i) === 34) {
					this.field += '"';
					i++;
					continue;
				}

				this.isQuoted = false;
				this.wasQuoted = true;
			}

			if (this.isQuoted) {
				const quote = chunk.indexOf('"', i);
				const end = quote === -1 ? n : quote;
				const text = chunk.slice(i, end);
				for (let j = text.indexOf('\n'); j !== -1; j = text.indexOf('\n', j + 1)) this.line++;
				this.field += text;
				if (quote === -1) return rows;
				if (quote + 1 === n) {
					this.isQuotePending = true;
					return rows;
				}

				if (chunk.charCodeAt(quote + 1) === 34) {
					this.field += '"';
					i = quote + 2;
				} else {
					this.isQuoted = false;
					this.wasQuoted = true;
					i = quote + 1;
				}

				continue;
			}

			special.lastIndex = i;
			const match = special.exec(chunk);
			const end = match ? match.index : n;
			if (end > i) {
				if (this.wasQuoted) this.fail(this.line, 'text after a closing quote in a CSV field');
				this.field += chunk.slice(i, end);
			}

			if (!match) return rows;
			const c = match[0];
			i = end + 1;
			if (c === '"') {
				if (this.field !== '' || this.wasQuoted) this.fail(this.line, 'a quote inside an unquoted CSV field');
				this.isQuoted = true;
			} else if (c === ',') {
				this.endField();
			} else {
				this.endField();
				rows.push({line: this.rowLine, fields: this.fields});
				this.fields = [];
				this.line++;
				this.rowLine = this.line;
				if (c === '\r') this.isCrPending = true;
			}
		}

		return rows;
	}

	/** The last row, when the text does not end with a line break; throws when a quoted field never ends. */
	end(): Array<{line: number; fields: string[]}> {
		if (this.isQuotePending) {
			this.isQuotePending = false;
			this.isQuoted = false;
			this.wasQuoted = true;
		}

		if (this.isQuoted) throw new UserError(`${this.fileName}: line ${this.rowLine}: a quoted CSV field never ends (truncated file?)`, 'export the release again; nothing was imported');
		if (this.field !== '' || this.fields.length > 0 || this.wasQuoted) {
			this.endField();
			const row = {line: this.rowLine, fields: this.fields};
			this.fields = [];
			return [row];
		}

		return [];
	}

	private endField(): void {
		this.fields.push(this.field);
		this.field = '';
		this.wasQuoted = false;
	}

	private fail(line: number, message: string): never {
		throw new UserError(`${this.fileName}: line ${line}: ${message}`, 'nothing was imported');
	}
}

/** A top-level value of a JSON object, or one element of a top-level array that is split. */
export interface JsonPart {
	readonly key: string;
	/** The element's position, for the keys whose arrays are split; undefined for a whole value. */
	readonly index?: number;
	readonly value: JsonValue;
	/** A split array closed (its elements came before): value is an empty array. */
	readonly isArrayEnd?: boolean;
}

type SplitState = 'start' | 'keyOrEnd' | 'key' | 'colon' | 'value' | 'afterValue' | 'elementOrEnd' | 'element' | 'afterElement' | 'done';

/**
 * Splits a JSON object that arrives in chunks at its top level: each key's value is parsed whole,
 * except the arrays under `splitKeys`, whose elements are parsed one at a time. Only the value
 * being read is held. Syntax errors name the line (and column), as parseJsonDocument's do.
 */
export class JsonTopLevelSplitter {
	private state: SplitState = 'start';
	private line = 1;
	private key = '';
	private index = 0;
	private needsElement = false;
	// The value being captured: its text so far, where it started, and how its end is found.
	private capturing: 'nested' | 'string' | 'scalar' | undefined;
	private parts: string[] = [];
	private startLine = 1;
	private depth = 0;
	private isInString = false;
	private isEscaped = false;

	constructor(private readonly fileName: string, private readonly splitKeys: ReadonlySet<string>) {}

	push(chunk: string): JsonPart[] {
		const out: JsonPart[] = [];
		const n = chunk.length;
		let i = 0;
		while (i < n) {
			if (this.capturing) {
				const end = this.capture(chunk, i);
				if (end === -1) {
					this.parts.push(chunk.slice(i));
					return out;
				}

				this.parts.push(chunk.slice(i, end));
				i = end;
				this.finishCapture(out);
				continue;
			}

			const c = chunk.charCodeAt(i);
			if (c === 32 || c === 9 || c === 13 || c === 0xFE_FF) {
				i++;
				continue;
			}

			if (c === 10) {
				this.line++;
				i++;
				continue;
			}

			switch (this.state) {
				case 'start': {
					if (c !== 123) this.fail('an object ({) at the start');
					this.state = 'keyOrEnd';
					i++;
					break;
				}

				case 'keyOrEnd':
				case 'key': {
					if (c === 125 && this.state === 'keyOrEnd') {
						this.state = 'done';
						i++;
						break;
					}

					if (c !== 34) this.fail('a property name in double quotes');
					this.state = 'key';
					this.startCapture('string');
					break;
				}

				case 'colon': {
					if (c !== 58) this.fail('\':\' after the property name');
					this.state = 'value';
					i++;
					break;
				}

				case 'value': {
					if (c === 91 && this.splitKeys.has(this.key)) {
						this.state = 'elementOrEnd';
						this.index = 0;
						this.needsElement = false;
						i++;
						break;
					}

					this.startCapture(c === 123 || c === 91 ? 'nested' : c === 34 ? 'string' : 'scalar');
					break;
				}

				case 'afterValue': {
					if (c === 44) this.state = 'key';
					else if (c === 125) this.state = 'done';
					else this.fail('\',\' or \'}\'');
					i++;
					break;
				}

				case 'elementOrEnd':
				case 'element': {
					if (c === 93 && !this.needsElement) {
						out.push({key: this.key, value: [], isArrayEnd: true});
						this.state = 'afterValue';
						i++;
						break;
					}

					this.state = 'element';
					this.startCapture(c === 123 || c === 91 ? 'nested' : c === 34 ? 'string' : 'scalar');
					break;
				}

				case 'afterElement': {
					if (c === 44) {
						this.state = 'element';
						this.needsElement = true;
					} else if (c === 93) {
						out.push({key: this.key, value: [], isArrayEnd: true});
						this.state = 'afterValue';
					} else {
						this.fail('\',\' or \']\'');
					}

					i++;
					break;
				}

				case 'done': {
					this.fail('the end of the file after the closing }');
				}
			}
		}

		return out;
	}

	/** Whatever a scalar at the very end completes; throws when the document is not finished. */
	end(): JsonPart[] {
		const out: JsonPart[] = [];
		if (this.capturing === 'scalar') this.finishCapture(out);
		if (this.state !== 'done' || this.capturing) {
			throw new UserError(`${this.fileName}: line ${this.line}: the JSON ends early (truncated file?)`, 'export the results again; nothing was imported');
		}

		return out;
	}

	private startCapture(kind: 'nested' | 'string' | 'scalar'): void {
		this.capturing = kind;
		this.parts = [];
		this.startLine = this.line;
		this.depth = 0;
		this.isInString = false;
		this.isEscaped = false;
	}

	/** Scans the value being captured from i; returns the offset just past its end, or -1. */
	private capture(chunk: string, from: number): number {
		const n = chunk.length;
		if (this.capturing === 'scalar') {
			for (let i = from; i < n; i++) {
				const c = chunk.charCodeAt(i);
				if (c === 44 || c === 125 || c === 93 || c === 32 || c === 9 || c === 10 || c === 13) return i;
			}

			return -1;
		}

		const isString = this.capturing === 'string';
		for (let i = from; i < n; i++) {
			const c = chunk.charCodeAt(i);
			if (c === 10) this.line++;
			if (this.isInString) {
				if (this.isEscaped) this.isEscaped = false;
				else if (c === 92) this.isEscaped = true;
				else if (c === 34) {
					this.isInString = false;
					if (isString) return i + 1;
				}
			} else if (c === 34) {
				this.isInString = true;
			} else if (c === 123 || c === 91) {
				this.depth++;
			} else if (c === 125 || c === 93) {
				this.depth--;
				if (this.depth === 0) return i + 1;
			}
		}

		return -1;
	}

	private finishCapture(out: JsonPart[]): void {
		const text = this.parts.join('');
		this.parts = [];
		this.capturing = undefined;
		let value: JsonValue;
		try {
			value = JSON.parse(text) as JsonValue;
		} catch (error) {
			const at = findJsonError(text);
			if (!at) throw new UserError(`${this.fileName}: line ${this.startLine}: not valid JSON (${(error as Error).message})`, 'nothing was imported');
			const {line, column} = locate(text, at.offset);
			throw new UserError(`${this.fileName}: line ${this.startLine + line - 1}${line === 1 ? '' : `, column ${column}`}: invalid JSON, expected ${at.expected}`, 'nothing was imported');
		}

		if (this.state === 'key') {
			this.key = value as string;
			this.state = 'colon';
		} else if (this.state === 'element') {
			out.push({key: this.key, index: this.index++, value});
			this.state = 'afterElement';
			this.needsElement = false;
		} else {
			out.push({key: this.key, value});
			this.state = 'afterValue';
		}
	}

	private fail(expected: string): never {
		throw new UserError(`${this.fileName}: line ${this.line}: invalid JSON, expected ${expected}`, 'nothing was imported');
	}
}

/**
 * Reads an rqc export (JSON version 1 or 2, or CSV) from chunks of text, yielding its runs and
 * calibrations as they are read. The whole-file checks (format, version, an export with no
 * samples) are made when the end is reached: the caller writes inside one transaction, so an
 * error there still leaves nothing behind.
 */
export async function * streamRqcExport(chunks: AsyncIterable<string>, options: {fileName: string}): AsyncGenerator<RqcStreamItem> {
	const iterator = chunks[Symbol.asyncIterator]();
	let first = '';
	let next = await iterator.next();
	// The first text decides the kind: a JSON export starts with {, a CSV one with its header.
	while (!next.done && first.replace(/^\uFEFF/, '').trimStart() === '') {
		first += next.value;
		next = await iterator.next();
	}

	async function * rest(): AsyncGenerator<string> {
		if (first !== '') yield first;
		while (!next.done) {
			yield next.value;
			next = await iterator.next();
		}
	}

	const isJson = first.replace(/^\uFEFF/, '').trimStart().startsWith('{');
	yield * (isJson ? streamRqcJson(rest(), options.fileName) : streamRqcCsv(rest(), options.fileName));
}

async function * streamRqcJson(chunks: AsyncIterable<string>, fileName: string): AsyncGenerator<RqcStreamItem> {
	const read = new JsonReader(fileName);
	const splitter = new JsonTopLevelSplitter(fileName, new Set(['releases', 'runs']));
	const header = new Map<string, JsonValue>();
	let v1Release: {name: string; gitSha?: string} | undefined;
	const waitingRuns: JsonPart[] = [];
	const counts = {releases: 0, runs: 0, samples: 0, calibrations: 0};

	const checkFormat = (isEnd: boolean): void => {
		if (isEnd || header.has('format')) {
			const format = header.get('format');
			if (format !== RQC_EXPORT_FORMAT) read.fail('format', `expected "${RQC_EXPORT_FORMAT}", got ${JSON.stringify(format ?? null)}`);
		}

		if (isEnd || header.has('formatVersion')) {
			const version = read.number(header.get('formatVersion'), 'formatVersion');
			if (version !== RQC_EXPORT_VERSION && version !== RQC_EXPORT_ALL_VERSION) read.fail('formatVersion', `this rqc reads versions ${RQC_EXPORT_VERSION} and ${RQC_EXPORT_ALL_VERSION}, the file is version ${version}: upgrade rqc`);
		}
	};

	const version = (): string | undefined => {
		const value = header.get('rqcVersion');
		return typeof value === 'string' ? value : undefined;
	};

	function * runItem(run: ImportedRun, key: string, gitSha: string | undefined): Generator<RqcStreamItem> {
		counts.runs++;
		counts.samples += run.samples.length;
		const rqcVersion = version();
		yield {kind: 'run', key, run, ...(gitSha === undefined ? {} : {gitSha}), ...(rqcVersion === undefined ? {} : {version: rqcVersion})};
	}

	function * onPart(part: JsonPart): Generator<RqcStreamItem> {
		if (part.index === undefined) {
			header.set(part.key, part.value);
			// A split array arrives element by element; a whole value under its key is not an array.
			if (part.key === 'releases' || part.key === 'runs') read.array(part.value, part.key);
			checkFormat(false);
			if (part.key === 'release') {
				const release = read.object(part.value, 'release');
				const gitSha = read.optionalString(release.gitSha, 'release.gitSha');
				v1Release = {name: read.string(release.name, 'release.name'), ...(gitSha === undefined ? {} : {gitSha})};
				for (const waiting of waitingRuns.splice(0)) yield * onPart(waiting);
			} else if (part.key === 'calibrations') {
				for (const [i, raw] of read.array(part.value, 'calibrations').entries()) {
					counts.calibrations++;
					yield {kind: 'calibration', calibration: calibrationFromJson(read, raw, `calibrations[${i}]`)};
				}
			}

			return;
		}

		checkFormat(false);
		if (part.key === 'releases') {
			counts.releases++;
			const at = `releases[${part.index}]`;
			const entry: JsonObject = read.object(part.value, at);
			const release = read.object(entry.release, `${at}.release`);
			const name = read.string(release.name, `${at}.release.name`);
			const gitSha = read.optionalString(release.gitSha, `${at}.release.gitSha`);
			for (const [j, raw] of read.array(entry.runs, `${at}.runs`).entries()) {
				yield * runItem(runFromJson(read, name, raw, `${at}.runs[${j}]`), `${at}.runs[${j}]`, gitSha);
			}

			return;
		}

		// Version 1: runs of the one release; held until the release is read when they come first.
		if (!v1Release) {
			waitingRuns.push(part);
			return;
		}

		const at = `runs[${part.index}]`;
		yield * runItem(runFromJson(read, v1Release.name, part.value, at), at, v1Release.gitSha);
	}

	for await (const chunk of chunks) {
		for (const part of splitter.push(chunk)) yield * onPart(part);
	}

	for (const part of splitter.end()) yield * onPart(part);
	checkFormat(true);
	if (header.get('formatVersion') === RQC_EXPORT_ALL_VERSION) {
		read.array(header.get('releases'), 'releases');
		if (header.has('runs') || waitingRuns.length > 0 || v1Release) read.fail('runs', 'a version 2 export keeps its runs under releases');
		if (counts.runs === 0 && counts.calibrations === 0) read.fail('releases', 'the export has no runs and no calibrations');
		return;
	}

	if (counts.releases > 0) read.fail('releases', 'a version 1 export holds one release, not a list');
	read.object(header.get('release'), 'release');
	if (counts.runs === 0) {
		read.array(header.get('runs'), 'runs');
		read.fail('runs', 'the export has no runs (empty array)');
	}

	if (counts.samples === 0) read.fail('runs', 'the export has no samples');
	read.string(header.get('rqcVersion'), 'rqcVersion');
}

async function * streamRqcCsv(chunks: AsyncIterable<string>, fileName: string): AsyncGenerator<RqcStreamItem> {
	const fail = (line: number, message: string): never => {
		throw new UserError(`${fileName}: line ${line}: ${message}`, 'nothing was imported');
	};

	const splitter = new CsvRowSplitter(fileName);
	// The runs met so far, by the run column: their fields are read from their first row only.
	const runs = new Map<string, {key: string; run: Omit<ImportedRun, 'samples'>}>();
	let isHeaderRead = false;
	let rowCount = 0;
	let isFirstChunk = true;
	// The run being gathered, its samples so far, and the keys of those samples: a repeated one is
	// refused here with its line; one repeated across pieces of a long run is refused by the store.
	let current: {key: string; samples: ImportedSample[]; seen: Set<string>} | undefined;

	const flush = (): RqcStreamItem | undefined => {
		if (!current || current.samples.length === 0) return undefined;
		const {run} = runs.get(current.key)!;
		const item: RqcStreamItem = {kind: 'run', key: current.key, run: {...run, samples: current.samples}};
		current.samples = [];
		current.seen = new Set();
		return item;
	};

	function * onRow(row: {line: number; fields: string[]}): Generator<RqcStreamItem> {
		if (row.fields.length === 1 && row.fields[0] === '') return;
		if (!isHeaderRead) {
			if (!isCsvExportHeader(row.fields)) fail(1, `expected the rqc export header ${CSV_COLUMNS.join(',')}`);
			isHeaderRead = true;
			return;
		}

		rowCount++;
		const read = readCsvExportRow(row.fields, row.line, fileName, (key) => !runs.has(key));
		if (read.run) {
			// Kept for the whole import: copied out of the chunk they were cut from.
			const {suite, statusReason, release} = read.run;
			const run = {...read.run, suite: detachString(suite), release: detachString(release ?? ''), ...(statusReason === undefined ? {} : {statusReason: detachString(statusReason)})};
			runs.set(read.key, {key: detachString(read.key), run});
		}

		if (current?.key !== read.key) {
			const item = flush();
			if (item) yield item;
			current = {key: runs.get(read.key)!.key, samples: [], seen: new Set()};
		}

		const s = read.sample;
		const sampleKey = `${s.caseName}\u0000${s.iteration}\u0000${s.time?.getTime()}`;
		if (current.seen.has(sampleKey)) fail(row.line, `sample ${JSON.stringify(s.caseName)} #${s.iteration} appears twice in run ${read.key}`);
		current.seen.add(sampleKey);
		current.samples.push(s);
		if (current.samples.length >= CSV_PIECE_SAMPLES) yield flush()!;
	}

	for await (const raw of chunks) {
		const chunk = isFirstChunk ? raw.replace(/^\uFEFF/, '') : raw;
		isFirstChunk = false;
		for (const row of splitter.push(chunk)) yield * onRow(row);
	}

	for (const row of splitter.end()) yield * onRow(row);
	if (!isHeaderRead) fail(1, `expected the rqc export header ${CSV_COLUMNS.join(',')}`);
	if (rowCount === 0) fail(2, 'the export has no samples (header only)');
	const item = flush();
	if (item) yield item;
}
