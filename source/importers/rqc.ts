/**
 * rqc's own export format, in JSON and CSV, and its importer: `rqc import` of an `rqc export`
 * gives back the same runs, samples and environments (a lossless round trip). Pure.
 */
import type {Calibration, Release, Run, RunMode, RunStatus, Sample} from '../store/records.js';
import {UserError} from '../errors.js';
import {JsonReader, parseJsonDocument, type JsonObject, type JsonValue} from './json-document.js';
import type {ImportedCalibration, ImportedEnvironment, ImportedRun, ImportedSample, ParseOptions, ParsedImport} from './types.js';

export const RQC_EXPORT_FORMAT = 'rqc-export';
export const RQC_EXPORT_VERSION = 1;
/** `rqc export --all`: many releases and the calibrations in one document. */
export const RQC_EXPORT_ALL_VERSION = 2;

export const CSV_COLUMNS = [
	'release', 'run', 'suite', 'mode', 'status', 'status_reason', 'started_at', 'ended_at', 'case', 'iteration',
	'time', 'wall_ns', 'user_us', 'system_us', 'max_rss_bytes', 'exit_code', 'is_warmup', 'is_outlier',
	'metrics', 'environment',
] as const;

/** What `rqc export` writes: one release, its runs, each with its samples. */
export interface ExportData {
	readonly release: Release;
	readonly runs: ReadonlyArray<{readonly run: Run; readonly samples: readonly Sample[]}>;
	readonly rqcVersion: string;
	readonly exportedAt: Date;
}

const MODES: readonly RunMode[] = ['bare_metal', 'docker'];
const STATUSES: ReadonlyArray<Exclude<RunStatus, 'running'>> = ['completed', 'aborted', 'failed'];

function definedOnly<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One release and its runs as the JSON of an export (version 1's body, and each of version 2's releases). */
function releaseJson(data: Pick<ExportData, 'release' | 'runs'>) {
	return {
		release: definedOnly({name: data.release.name, gitSha: data.release.gitSha, isDemo: data.release.isDemo}),
		runs: data.runs.map(({run, samples}) => definedOnly({
			id: run.id,
			suite: run.suite,
			mode: run.mode,
			status: run.status,
			statusReason: run.statusReason,
			startedAt: run.startedAt.toISOString(),
			endedAt: run.endedAt?.toISOString(),
			isDemo: run.isDemo,
			environment: run.environment,
			samples: samples.map((s) => definedOnly({
				case: s.caseName,
				iteration: s.iteration,
				time: s.time.toISOString(),
				wallNs: s.wallNs,
				userUs: s.userUs,
				systemUs: s.systemUs,
				maxRssBytes: s.maxRssBytes,
				exitCode: s.exitCode,
				isWarmup: s.isWarmup,
				isOutlier: s.isOutlier,
				metrics: s.metrics,
			})),
		})),
	};
}

/** The export as one JSON document. */
export function formatExportJson(data: ExportData): string {
	const doc = {
		format: RQC_EXPORT_FORMAT,
		formatVersion: RQC_EXPORT_VERSION,
		rqcVersion: data.rqcVersion,
		exportedAt: data.exportedAt.toISOString(),
		...releaseJson(data),
	};
	return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * `rqc export --all` as JSON, written piece by piece so memory holds one release at a time:
 * the head, each release (the first without a leading comma), then the calibrations and the end.
 */
export const exportAllJson = {
	head(meta: {rqcVersion: string; exportedAt: Date}): string {
		return `{"format":${JSON.stringify(RQC_EXPORT_FORMAT)},"formatVersion":${RQC_EXPORT_ALL_VERSION},"rqcVersion":${JSON.stringify(meta.rqcVersion)},"exportedAt":${JSON.stringify(meta.exportedAt.toISOString())},"releases":[\n`;
	},
	release(data: Pick<ExportData, 'release' | 'runs'>, isFirst: boolean): string {
		return `${isFirst ? '' : ',\n'}${JSON.stringify(releaseJson(data))}`;
	},
	tail(calibrations: readonly Calibration[]): string {
		const list = calibrations.map((c) => ({
			createdAt: c.createdAt.toISOString(), hostFingerprint: c.hostFingerprint, image: c.image, engineVersion: c.engineVersion,
			limits: c.limits, cases: c.cases, summary: c.summary,
		}));
		return `\n],"calibrations":${JSON.stringify(list)}}\n`;
	},
};

function csvField(value: string | number | boolean | undefined): string {
	if (value === undefined) return '';
	const text = String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The export as CSV: one row per sample, with its run's fields and environment (JSON) on every row. */
export function formatExportCsv(data: ExportData): string {
	return `${CSV_COLUMNS.join(',')}\n${formatExportCsvRows(data)}`;
}

/** The CSV rows of one release, without the header: `rqc export --all` writes one release after another. */
export function formatExportCsvRows(data: Pick<ExportData, 'release' | 'runs'>): string {
	const rows: string[] = [];
	for (const {run, samples} of data.runs) {
		const environment = JSON.stringify(run.environment);
		for (const s of samples) {
			rows.push([
				data.release.name, run.id, run.suite, run.mode, run.status, run.statusReason, run.startedAt.toISOString(),
				run.endedAt?.toISOString(), s.caseName, s.iteration, s.time.toISOString(), s.wallNs, s.userUs, s.systemUs,
				s.maxRssBytes, s.exitCode, s.isWarmup, s.isOutlier, s.metrics === undefined ? undefined : JSON.stringify(s.metrics),
				environment,
			].map((v) => csvField(v)).join(','));
		}
	}

	return rows.length === 0 ? '' : `${rows.join('\n')}\n`;
}

/** Whether text starts like an rqc CSV export. */
export function isRqcCsv(text: string): boolean {
	return text.replace(/^\uFEFF/, '').startsWith(`${CSV_COLUMNS.join(',')}`);
}

function metricsOf(read: JsonReader, value: JsonValue | undefined, path: string): Record<string, number> | undefined {
	const object = read.optionalObject(value, path);
	if (!object) return undefined;
	return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, read.number(v, `${path}.${k}`)]));
}

function oneOf<T extends string>(read: JsonReader, value: JsonValue | undefined, path: string, allowed: readonly T[]): T {
	const text = read.string(value, path);
	if (!(allowed as readonly string[]).includes(text)) read.fail(path, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
	return text as T;
}

function requiredDate(read: JsonReader, value: JsonValue | undefined, path: string): Date {
	const date = read.optionalDate(value, path);
	if (!date) read.fail(path, 'expected a date, got nothing (missing)');
	return date!;
}

export function checkUnique(read: JsonReader, samples: readonly ImportedSample[], path: string): void {
	const keys = new Set<string>();
	for (const s of samples) {
		const key = `${s.caseName}\u0000${s.iteration}\u0000${s.time?.getTime()}`;
		if (keys.has(key)) read.fail(path, `sample ${JSON.stringify(s.caseName)} #${s.iteration} appears twice`);
		keys.add(key);
	}
}

function sampleFromJson(read: JsonReader, raw: JsonValue | undefined, at: string): ImportedSample {
	const s = read.object(raw, at);
	const opt = (key: string) => read.optionalNumber(s[key], `${at}.${key}`);
	return definedOnly({
		caseName: read.string(s.case, `${at}.case`),
		iteration: read.nonNegative(s.iteration, `${at}.iteration`),
		time: requiredDate(read, s.time, `${at}.time`),
		wallNs: read.nonNegative(s.wallNs, `${at}.wallNs`),
		userUs: opt('userUs'),
		systemUs: opt('systemUs'),
		maxRssBytes: opt('maxRssBytes'),
		exitCode: opt('exitCode'),
		isWarmup: read.optionalBoolean(s.isWarmup, `${at}.isWarmup`),
		isOutlier: read.optionalBoolean(s.isOutlier, `${at}.isOutlier`),
		metrics: metricsOf(read, s.metrics, `${at}.metrics`),
	});
}

/** One run of an export, with the release it belongs to; `at` is its path in the file (runs[0]). */
export function runFromJson(read: JsonReader, releaseName: string, raw: JsonValue | undefined, at: string): ImportedRun {
	const run = read.object(raw, at);
	const samples = read.array(run.samples, `${at}.samples`).map((s, j) => sampleFromJson(read, s, `${at}.samples[${j}]`));
	checkUnique(read, samples, `${at}.samples`);
	const endedAt = read.optionalDate(run.endedAt, `${at}.endedAt`);
	const statusReason = read.optionalString(run.statusReason, `${at}.statusReason`);
	return {
		suite: read.string(run.suite, `${at}.suite`),
		mode: oneOf(read, run.mode, `${at}.mode`, MODES),
		status: oneOf(read, run.status, `${at}.status`, STATUSES),
		...(statusReason === undefined ? {} : {statusReason}),
		startedAt: requiredDate(read, run.startedAt, `${at}.startedAt`),
		...(endedAt === undefined ? {} : {endedAt}),
		environment: read.object(run.environment, `${at}.environment`) as ImportedEnvironment,
		samples,
		release: releaseName,
	};
}

/** The runs of one release object of an export ({release, runs} in version 1 and in each of version 2's releases). */
function runsFromJson(read: JsonReader, release: JsonObject, runsValue: JsonValue | undefined, prefix: string): ImportedRun[] {
	const name = read.string(release.name, `${prefix}release.name`);
	return read.array(runsValue, `${prefix}runs`).map((raw, i) => runFromJson(read, name, raw, `${prefix}runs[${i}]`));
}

export function calibrationFromJson(read: JsonReader, raw: JsonValue | undefined, at: string): ImportedCalibration {
	const c = read.object(raw, at);
	return {
		createdAt: requiredDate(read, c.createdAt, `${at}.createdAt`),
		hostFingerprint: read.string(c.hostFingerprint, `${at}.hostFingerprint`),
		image: read.string(c.image, `${at}.image`),
		engineVersion: read.string(c.engineVersion, `${at}.engineVersion`),
		limits: read.object(c.limits, `${at}.limits`),
		cases: read.object(c.cases, `${at}.cases`),
		summary: read.object(c.summary, `${at}.summary`),
	};
}

/** Parses an rqc JSON export: one release (version 1) or everything (version 2, rqc export --all). */
export function parseRqcJson(text: string, options: ParseOptions): ParsedImport {
	const read = new JsonReader(options.fileName);
	const root = read.object(parseJsonDocument(text, options.fileName), '(root)');
	if (root.format !== RQC_EXPORT_FORMAT) read.fail('format', `expected "${RQC_EXPORT_FORMAT}", got ${JSON.stringify(root.format ?? null)}`);
	const version = read.number(root.formatVersion, 'formatVersion');
	if (version !== RQC_EXPORT_VERSION && version !== RQC_EXPORT_ALL_VERSION) read.fail('formatVersion', `this rqc reads versions ${RQC_EXPORT_VERSION} and ${RQC_EXPORT_ALL_VERSION}, the file is version ${version}: upgrade rqc`);
	const source = {tool: 'rqc', version: read.string(root.rqcVersion, 'rqcVersion')};
	if (version === RQC_EXPORT_ALL_VERSION) {
		const releases = read.array(root.releases, 'releases').map((raw, i) => read.object(raw, `releases[${i}]`));
		const runs = releases.flatMap((entry, i) => runsFromJson(read, read.object(entry.release, `releases[${i}].release`), entry.runs, `releases[${i}].`));
		const calibrations = read.array(root.calibrations ?? [], 'calibrations').map((raw, i) => calibrationFromJson(read, raw, `calibrations[${i}]`));
		if (runs.length === 0 && calibrations.length === 0) read.fail('releases', 'the export has no runs and no calibrations');
		const first = releases[0] ? read.object(releases[0].release, 'releases[0].release') : undefined;
		const gitSha = first ? read.optionalString(first.gitSha, 'releases[0].release.gitSha') : undefined;
		return {
			format: 'rqc', source, runs, notes: [], calibrations,
			...(first ? {release: {name: read.string(first.name, 'releases[0].release.name'), ...(gitSha === undefined ? {} : {gitSha})}} : {}),
		};
	}

	const release = read.object(root.release, 'release');
	if (read.array(root.runs, 'runs').length === 0) read.fail('runs', 'the export has no runs (empty array)');
	const runs = runsFromJson(read, release, root.runs, '');
	if (runs.every((r) => r.samples.length === 0)) read.fail('runs', 'the export has no samples');
	const gitSha = read.optionalString(release.gitSha, 'release.gitSha');
	return {
		format: 'rqc',
		source,
		runs,
		notes: [],
		release: {name: read.string(release.name, 'release.name'), ...(gitSha === undefined ? {} : {gitSha})},
	};
}

/** Splits CSV text into rows of fields (RFC 4180 quoting), each with the line it starts on. */
export function parseCsvRows(text: string, fileName: string): Array<{line: number; fields: string[]}> {
	const rows: Array<{line: number; fields: string[]}> = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let rowLine = 1;
	let i = 0;
	let isQuoted = false;
	let wasQuoted = false;
	const endField = () => {
		fields.push(field);
		field = '';
		wasQuoted = false;
	};

	while (i < text.length) {
		const c = text[i]!;
		if (isQuoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i += 2;
					continue;
				}

				isQuoted = false;
				wasQuoted = true;
				i++;
				continue;
			}

			if (c === '\n') line++;
			field += c;
			i++;
			continue;
		}

		if (c === '"') {
			if (field !== '' || wasQuoted) throw new UserError(`${fileName}: line ${line}: a quote inside an unquoted CSV field`, 'nothing was imported');
			isQuoted = true;
			i++;
		} else if (c === ',') {
			endField();
			i++;
		} else if (c === '\n' || c === '\r') {
			endField();
			rows.push({line: rowLine, fields});
			fields = [];
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
			line++;
			rowLine = line;
		} else {
			if (wasQuoted) throw new UserError(`${fileName}: line ${line}: text after a closing quote in a CSV field`, 'nothing was imported');
			field += c;
			i++;
		}
	}

	if (isQuoted) throw new UserError(`${fileName}: line ${rowLine}: a quoted CSV field never ends (truncated file?)`, 'export the release again; nothing was imported');
	if (field !== '' || fields.length > 0 || wasQuoted) {
		endField();
		rows.push({line: rowLine, fields});
	}

	return rows;
}

/** What one row of an rqc CSV export says: its run (read only for a run's first row) and its sample. */
export interface CsvExportRow {
	/** The run column: rows with the same value belong to one run. */
	readonly key: string;
	readonly release: string;
	readonly run?: Omit<ImportedRun, 'samples'>;
	readonly sample: ImportedSample;
}

type CsvColumn = (typeof CSV_COLUMNS)[number];
const COLUMN_INDEX = new Map<string, number>(CSV_COLUMNS.map((c, i) => [c, i]));

/**
 * Reads one row of an rqc CSV export, or throws a UserError naming the file, the line and the
 * column. `isNewRun` asks for the run's fields too (its first row): the environment's JSON is
 * parsed once per run, not once per sample.
 */
export function readCsvExportRow(fields: readonly string[], line: number, fileName: string, isNewRun: (key: string) => boolean): CsvExportRow {
	const fail = (message: string): never => {
		throw new UserError(`${fileName}: line ${line}: ${message}`, 'nothing was imported');
	};

	if (fields.length !== CSV_COLUMNS.length) fail(`expected ${CSV_COLUMNS.length} fields, got ${fields.length} (truncated line?)`);
	const get = (column: CsvColumn): string => fields[COLUMN_INDEX.get(column)!]!;
	const number = (column: CsvColumn, isRequired = false): number | undefined => {
		const raw = get(column);
		if (raw === '') return isRequired ? fail(`column ${column}: a value is required`) : undefined;
		const n = Number(raw);
		if (!Number.isFinite(n)) fail(`column ${column}: expected a number, got ${JSON.stringify(raw)}`);
		return n;
	};

	const bool = (column: CsvColumn): boolean | undefined => {
		const raw = get(column);
		if (raw === '') return undefined;
		if (raw !== 'true' && raw !== 'false') fail(`column ${column}: expected true or false, got ${JSON.stringify(raw)}`);
		return raw === 'true';
	};

	const date = (column: CsvColumn, isRequired: boolean): Date | undefined => {
		const raw = get(column);
		if (raw === '') return isRequired ? fail(`column ${column}: a date is required`) : undefined;
		const d = new Date(raw);
		if (Number.isNaN(d.getTime())) fail(`column ${column}: expected a date, got ${JSON.stringify(raw)}`);
		return d;
	};

	const json = (column: CsvColumn): JsonObject | undefined => {
		const raw = get(column);
		if (raw === '') return undefined;
		try {
			const value = JSON.parse(raw) as JsonValue;
			if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
			return value;
		} catch {
			return fail(`column ${column}: expected a JSON object`);
		}
	};

	const key = get('run');
	let run: Omit<ImportedRun, 'samples'> | undefined;
	if (isNewRun(key)) {
		const mode = get('mode');
		const status = get('status');
		if (!(MODES as readonly string[]).includes(mode)) fail(`column mode: expected ${MODES.join(' or ')}, got ${JSON.stringify(mode)}`);
		if (!(STATUSES as readonly string[]).includes(status)) fail(`column status: expected ${STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
		const environment = json('environment');
		if (!environment) fail('column environment: a JSON object is required');
		const endedAt = date('ended_at', false);
		run = {
			suite: get('suite'),
			mode: mode as RunMode,
			status: status as Exclude<RunStatus, 'running'>,
			...(get('status_reason') === '' ? {} : {statusReason: get('status_reason')}),
			startedAt: date('started_at', true)!,
			...(endedAt === undefined ? {} : {endedAt}),
			environment: environment as ImportedEnvironment,
			release: get('release'),
		};
	}

	const metrics = json('metrics');
	if (metrics) {
		for (const [k, v] of Object.entries(metrics)) {
			if (typeof v !== 'number') fail(`column metrics: ${k} is not a number`);
		}
	}

	// Field by field, without undefined ones: millions of rows in a large export.
	const sample: {-readonly [K in keyof ImportedSample]: ImportedSample[K]} = {
		caseName: get('case'), iteration: number('iteration', true)!, time: date('time', true)!, wallNs: number('wall_ns', true)!,
	};
	const userUs = number('user_us');
	if (userUs !== undefined) sample.userUs = userUs;
	const systemUs = number('system_us');
	if (systemUs !== undefined) sample.systemUs = systemUs;
	const maxRssBytes = number('max_rss_bytes');
	if (maxRssBytes !== undefined) sample.maxRssBytes = maxRssBytes;
	const exitCode = number('exit_code');
	if (exitCode !== undefined) sample.exitCode = exitCode;
	const isWarmup = bool('is_warmup');
	if (isWarmup !== undefined) sample.isWarmup = isWarmup;
	const isOutlier = bool('is_outlier');
	if (isOutlier !== undefined) sample.isOutlier = isOutlier;
	if (metrics) sample.metrics = metrics as Record<string, number>;
	return {key, release: get('release'), ...(run ? {run} : {}), sample};
}

/** Whether a CSV row is the rqc export header. */
export function isCsvExportHeader(fields: readonly string[]): boolean {
	return fields.join(',') === CSV_COLUMNS.join(',');
}

/** Parses an rqc CSV export: rows grouped into runs by the run column. */
export function parseRqcCsv(text: string, options: ParseOptions): ParsedImport {
	const fail = (line: number, message: string): never => {
		throw new UserError(`${options.fileName}: line ${line}: ${message}`, 'nothing was imported');
	};

	const rows = parseCsvRows(text.replace(/^\uFEFF/, ''), options.fileName).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
	const header = rows.shift();
	if (!header || !isCsvExportHeader(header.fields)) fail(1, `expected the rqc export header ${CSV_COLUMNS.join(',')}`);
	if (rows.length === 0) fail(2, 'the export has no samples (header only)');

	interface Group {run: Omit<ImportedRun, 'samples'>; samples: ImportedSample[]; release: string}
	const groups = new Map<string, Group>();
	for (const {line, fields} of rows) {
		const row = readCsvExportRow(fields, line, options.fileName, (key) => !groups.has(key));
		let group = groups.get(row.key);
		if (!group) {
			group = {release: row.release, run: row.run!, samples: []};
			groups.set(row.key, group);
		}

		group.samples.push(row.sample);
	}

	const read = new JsonReader(options.fileName);
	const list = [...groups.values()];
	for (const [i, g] of list.entries()) checkUnique(read, g.samples, `runs[${i}]`);
	return {
		format: 'rqc',
		source: {tool: 'rqc'},
		runs: list.map((g) => ({...g.run, samples: g.samples, release: g.release})),
		notes: [],
		release: {name: list[0]!.release},
	};
}
