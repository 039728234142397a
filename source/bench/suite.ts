/**
 * Benchmark suite files (YAML or JSON; schema in benchmarks/suite.schema.json): parsing and
 * validation. `validateSuite` is pure and lists every problem with its path; `loadSuite` reads a
 * file and throws one UserError (exit 2) carrying all of them.
 */
import {readFile, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {parseDocument} from 'yaml';
import {getPackageRoot} from '../config.js';
import {UserError} from '../errors.js';

/** A command as written: an argv array, or a string run by `sh -c`. */
export type CommandInput = string | readonly string[];

/** One validation problem: `cases[2].iterations: must be a positive integer`. */
export interface SuiteProblem {
	readonly path: string;
	readonly message: string;
}

/** One case, with the suite's defaults applied and the command turned into an argv. */
export interface SuiteCase {
	readonly name: string;
	readonly argv: readonly string[];
	/** The command as written, for display. */
	readonly display: string;
	readonly iterations: number;
	readonly warmup: number;
	readonly timeoutMs: number;
	readonly env: Readonly<Record<string, string>>;
	/** Relative to the suite's directory; undefined means the run's scratch directory. */
	readonly cwd: string | undefined;
	readonly setup: readonly string[] | undefined;
	readonly teardown: readonly string[] | undefined;
	/** A non-zero exit code does not fail the run. */
	readonly isExitCodeIgnored: boolean;
}

export interface Suite {
	readonly name: string;
	readonly description: string | undefined;
	/** The file it was read from (absolute), or '<inline>'. */
	readonly file: string;
	readonly setup: readonly string[] | undefined;
	readonly teardown: readonly string[] | undefined;
	readonly cases: readonly SuiteCase[];
}

export const SUITE_DEFAULTS = {iterations: 10, warmup: 1, timeoutMs: 60_000} as const;

/**
 * Caps that keep a suite file from exhausting memory (issue 11, point 12): a 50 MB file of 1.1
 * million cases took three minutes and the whole heap. Real suites are a few kilobytes.
 */
export const SUITE_LIMITS = {fileBytes: 1024 * 1024, cases: 10_000} as const;

const suiteKeys = new Set(['$schema', 'name', 'description', 'defaults', 'setup', 'teardown', 'cases']);
const defaultsKeys = new Set(['iterations', 'warmup', 'timeout', 'env', 'cwd', 'ignoreExitCode']);
const caseKeys = new Set(['name', 'command', 'iterations', 'warmup', 'timeout', 'env', 'cwd', 'setup', 'teardown', 'ignoreExitCode']);
const namePattern = /^[A-Za-z\d][\w.:-]*$/;

/** The keys the validator accepts, so a test can check them against the published schema. */
export const SUITE_KEYS = {suite: suiteKeys, defaults: defaultsKeys, case: caseKeys} as const;

/** Parses "500ms", "30s", "2m", "1.5s" or a number of seconds into milliseconds. Pure. */
export function parseDuration(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
	if (typeof value !== 'string') return undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
	if (!match) return undefined;
	const amount = Number(match[1]);
	const unit = match[2] ?? 's';
	const factor = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[unit] ?? 1000;
	const ms = Math.round(amount * factor);
	return ms > 0 ? ms : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toArgv(command: CommandInput): string[] {
	return typeof command === 'string' ? ['sh', '-c', command] : [...command];
}

function describeCommand(command: CommandInput): string {
	return typeof command === 'string' ? command : command.map((part) => (/^[\w./:=@%+-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
}

class Checker {
	readonly problems: SuiteProblem[] = [];

	add(at: string, message: string): void {
		this.problems.push({path: at === '' ? '(root)' : at, message});
	}

	unknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, at: string): void {
		for (const key of Object.keys(value)) {
			if (!allowed.has(key)) this.add(join(at, key), `unknown key (allowed: ${[...allowed].filter((k) => k !== '$schema').join(', ')})`);
		}
	}

	count(value: unknown, at: string, {allowZero}: {allowZero: boolean}): number | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
			this.add(at, allowZero ? 'must be a non-negative integer' : 'must be a positive integer');
			return undefined;
		}

		if (value > 10_000_000) {
			this.add(at, 'must be at most 10000000');
			return undefined;
		}

		return value;
	}

	duration(value: unknown, at: string): number | undefined {
		if (value === undefined) return undefined;
		const ms = parseDuration(value);
		if (ms === undefined) this.add(at, 'must be a positive duration: a number of seconds or a string like "500ms", "30s", "2m"');
		return ms;
	}

	env(value: unknown, at: string): Record<string, string> | undefined {
		if (value === undefined) return undefined;
		if (!isRecord(value)) {
			this.add(at, 'must be a mapping of variable names to strings');
			return undefined;
		}

		const out: Record<string, string> = {};
		for (const [key, raw] of Object.entries(value)) {
			if (!/^[A-Za-z_][A-Za-z\d_]*$/.test(key)) this.add(join(at, key), 'must be a valid environment variable name');
			else if (typeof raw === 'string' && raw.includes('\u0000')) this.add(join(at, key), 'holds a NUL character, which no environment variable can');
			else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') out[key] = String(raw);
			else this.add(join(at, key), 'must be a string, number or boolean');
		}

		return out;
	}

	string(value: unknown, at: string): string | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'string' || value.trim() === '') {
			this.add(at, 'must be a non-empty string');
			return undefined;
		}

		if (value.includes('\u0000')) {
			this.add(at, 'holds a NUL character');
			return undefined;
		}

		return value;
	}

	boolean(value: unknown, at: string): boolean | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'boolean') {
			this.add(at, 'must be true or false');
			return undefined;
		}

		return value;
	}

	command(value: unknown, at: string, {isRequired}: {isRequired: boolean}): CommandInput | undefined {
		if (value === undefined) {
			if (isRequired) this.add(at, 'is required: an argv array or a shell string');
			return undefined;
		}

		if (typeof value === 'string') {
			if (value.trim() === '') {
				this.add(at, 'must not be empty');
				return undefined;
			}

			if (value.includes('\u0000')) {
				this.add(at, 'holds a NUL character, which no command line can');
				return undefined;
			}

			return value;
		}

		if (Array.isArray(value)) {
			if (value.length === 0) {
				this.add(at, 'must not be an empty array');
				return undefined;
			}

			let isValid = true;
			for (const [index, part] of value.entries()) {
				if (typeof part !== 'string' || (index === 0 && part === '')) {
					this.add(`${at}[${index}]`, 'must be a string');
					isValid = false;
				} else if (part.includes('\u0000')) {
					this.add(`${at}[${index}]`, 'holds a NUL character, which no command line can');
					isValid = false;
				}
			}

			return isValid ? (value as string[]) : undefined;
		}

		this.add(at, 'must be an argv array of strings or a shell string');
		return undefined;
	}
}

function join(at: string, key: string): string {
	return at === '' ? key : `${at}.${key}`;
}

/**
 * Checks a parsed suite document and returns either the suite or every problem found. Pure.
 * `file` is used for Suite.file only.
 */
export function validateSuite(document: unknown, file = '<inline>'): {suite: Suite; problems: []} | {suite: undefined; problems: SuiteProblem[]} {
	const check = new Checker();
	if (!isRecord(document)) {
		check.add('', 'must be a mapping with name and cases');
		return {suite: undefined, problems: check.problems};
	}

	check.unknownKeys(document, suiteKeys, '');
	const name = document.name === undefined ? (check.add('name', 'is required'), undefined) : check.string(document.name, 'name');
	if (name !== undefined && !namePattern.test(name)) check.add('name', 'must start with a letter or digit and hold only letters, digits, ".", "_", ":" or "-"');
	const description = check.string(document.description, 'description');
	const setup = check.command(document.setup, 'setup', {isRequired: false});
	const teardown = check.command(document.teardown, 'teardown', {isRequired: false});

	let defaults: {iterations?: number; warmup?: number; timeoutMs?: number; env?: Record<string, string>; cwd?: string; ignoreExitCode?: boolean} = {};
	if (document.defaults !== undefined) {
		if (isRecord(document.defaults)) {
			const d = document.defaults;
			check.unknownKeys(d, defaultsKeys, 'defaults');
			defaults = {
				iterations: check.count(d.iterations, 'defaults.iterations', {allowZero: false}),
				warmup: check.count(d.warmup, 'defaults.warmup', {allowZero: true}),
				timeoutMs: check.duration(d.timeout, 'defaults.timeout'),
				env: check.env(d.env, 'defaults.env'),
				cwd: check.string(d.cwd, 'defaults.cwd'),
				ignoreExitCode: check.boolean(d.ignoreExitCode, 'defaults.ignoreExitCode'),
			};
		} else {
			check.add('defaults', 'must be a mapping');
		}
	}

	const cases: SuiteCase[] = [];
	if (document.cases === undefined) {
		check.add('cases', 'is required: a list of cases');
	} else if (!Array.isArray(document.cases) || document.cases.length === 0) {
		check.add('cases', 'must be a non-empty list of cases');
	} else if (document.cases.length > SUITE_LIMITS.cases) {
		check.add('cases', `has ${document.cases.length} cases; a suite holds at most ${SUITE_LIMITS.cases} (split it into several suites)`);
	} else {
		const seen = new Map<string, number>();
		for (const [index, raw] of (document.cases as unknown[]).entries()) {
			const at = `cases[${index}]`;
			if (!isRecord(raw)) {
				check.add(at, 'must be a mapping with name and command');
				continue;
			}

			check.unknownKeys(raw, caseKeys, at);
			const caseName = raw.name === undefined ? (check.add(`${at}.name`, 'is required'), undefined) : check.string(raw.name, `${at}.name`);
			if (caseName !== undefined) {
				if (!namePattern.test(caseName)) check.add(`${at}.name`, 'must start with a letter or digit and hold only letters, digits, ".", "_", ":" or "-"');
				const previous = seen.get(caseName);
				if (previous === undefined) seen.set(caseName, index);
				else check.add(`${at}.name`, `duplicates cases[${previous}].name "${caseName}"`);
			}

			const command = check.command(raw.command, `${at}.command`, {isRequired: true});
			const iterations = check.count(raw.iterations, `${at}.iterations`, {allowZero: false});
			const warmup = check.count(raw.warmup, `${at}.warmup`, {allowZero: true});
			const timeoutMs = check.duration(raw.timeout, `${at}.timeout`);
			const env = check.env(raw.env, `${at}.env`);
			const cwd = check.string(raw.cwd, `${at}.cwd`);
			const caseSetup = check.command(raw.setup, `${at}.setup`, {isRequired: false});
			const caseTeardown = check.command(raw.teardown, `${at}.teardown`, {isRequired: false});
			const ignoreExitCode = check.boolean(raw.ignoreExitCode, `${at}.ignoreExitCode`);
			if (caseName === undefined || command === undefined) continue;
			cases.push({
				name: caseName,
				argv: toArgv(command),
				display: describeCommand(command),
				iterations: iterations ?? defaults.iterations ?? SUITE_DEFAULTS.iterations,
				warmup: warmup ?? defaults.warmup ?? SUITE_DEFAULTS.warmup,
				timeoutMs: timeoutMs ?? defaults.timeoutMs ?? SUITE_DEFAULTS.timeoutMs,
				env: {...defaults.env, ...env},
				cwd: cwd ?? defaults.cwd,
				setup: caseSetup === undefined ? undefined : toArgv(caseSetup),
				teardown: caseTeardown === undefined ? undefined : toArgv(caseTeardown),
				isExitCodeIgnored: ignoreExitCode ?? defaults.ignoreExitCode ?? false,
			});
		}
	}

	if (check.problems.length > 0 || name === undefined) return {suite: undefined, problems: check.problems};
	return {
		suite: {
			name,
			description,
			file,
			setup: setup === undefined ? undefined : toArgv(setup),
			teardown: teardown === undefined ? undefined : toArgv(teardown),
			cases,
		},
		problems: [],
	};
}

/** Parses YAML or JSON text (JSON is YAML) into a document, or returns syntax problems. Pure. */
export function parseSuiteText(text: string): {document: unknown; problems: SuiteProblem[]} {
	const document = parseDocument(text, {prettyErrors: true, uniqueKeys: true});
	if (document.errors.length > 0) {
		return {
			document: undefined,
			problems: document.errors.map((error) => {
				const position = error.linePos?.[0];
				const where = position ? `line ${position.line}, column ${position.col}` : '(syntax)';
				const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
				return {path: where, message};
			}),
		};
	}

	try {
		// maxAliasCount bounds the expansion of aliases (a "billion laughs" file).
		return {document: document.toJS({maxAliasCount: 1000}), problems: []};
	} catch (error) {
		if (/alias/i.test((error as Error).message)) {
			return {document: undefined, problems: [{path: '(aliases)', message: 'too many aliases: the file expands YAML aliases (*name) more than 1000 times; write the values out'}]};
		}

		throw error;
	}
}

/** Formats problems one per line, as the CLI prints them. Pure. */
export function formatProblems(file: string, problems: readonly SuiteProblem[]): string {
	if (problems.length === 1) return `${file} is not a valid suite: ${problems[0]!.path}: ${problems[0]!.message}`;
	const noun = problems.length === 1 ? 'problem' : 'problems';
	return [`${file} is not a valid suite (${problems.length} ${noun}):`, ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n');
}

/** Thrown for an invalid suite file: every problem, with its path. Exit code 2. */
export class SuiteValidationError extends UserError {
	readonly problems: readonly SuiteProblem[];
	readonly file: string;

	constructor(file: string, problems: readonly SuiteProblem[]) {
		super(formatProblems(file, problems), `fix the file (its schema is benchmarks/suite.schema.json) and run again`);
		this.problems = problems;
		this.file = file;
	}
}

/** Reads and validates a suite file; throws SuiteValidationError or UserError. */
export async function loadSuite(file: string): Promise<Suite> {
	const absolute = path.resolve(file);
	let text: string;
	try {
		const {size} = await stat(absolute);
		if (size > SUITE_LIMITS.fileBytes) {
			throw new UserError(`suite file ${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a suite file is at most ${SUITE_LIMITS.fileBytes / 1024 / 1024} MB`,
				'split it into several suites (real suites are a few kilobytes)');
		}

		text = await readFile(absolute, 'utf8');
	} catch (error) {
		if (error instanceof UserError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		throw new UserError(`cannot read suite file ${file}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`, 'give the path of a .yaml or .json suite, or a suite name from `rqc bench list`');
	}

	const parsed = parseSuiteText(text);
	if (parsed.problems.length > 0) throw new SuiteValidationError(file, parsed.problems);
	const result = validateSuite(parsed.document, absolute);
	if (result.suite === undefined) throw new SuiteValidationError(file, result.problems);
	return result.suite;
}

/**
 * Bare-metal cases start in their `cwd`: a directory that is missing is bad input, said before the
 * run is recorded (issue 11, point 11: it was "cannot start pwd"). Relative directories are the
 * suite file's. Throws a UserError naming the case and the directory.
 */
export async function verifyCaseDirectories(suite: Suite): Promise<void> {
	const base = suite.file === '<inline>' ? process.cwd() : path.dirname(suite.file);
	for (const [index, suiteCase] of suite.cases.entries()) {
		if (suiteCase.cwd === undefined) continue;
		const directory = path.resolve(base, suiteCase.cwd);
		const isDirectory = await stat(directory).then((s) => s.isDirectory(), () => false);
		if (!isDirectory) {
			throw new UserError(`${suite.file}: cases[${index}] (${suiteCase.name}): cwd ${JSON.stringify(directory)} is not a directory that exists`,
				'create it, or fix the case\'s cwd (relative paths are from the suite file\'s directory)');
		}
	}
}

const suiteExtensions = new Set(['.yaml', '.yml', '.json']);

/** The directories suites are looked up in: ./benchmarks, then the package's own. */
export function getSuiteDirectories(cwd = process.cwd()): string[] {
	return [...new Set([path.join(cwd, 'benchmarks'), path.join(getPackageRoot(), 'benchmarks')])];
}

/** The suite files in a directory, sorted by name (not suite.schema.json, which the suites beside it name as their `$schema`). */
export async function listSuiteFiles(directory: string): Promise<string[]> {
	let entries: string[];
	try {
		entries = await readdir(directory);
	} catch {
		return [];
	}

	return entries
		.filter((entry) => suiteExtensions.has(path.extname(entry)) && !entry.endsWith('.schema.json'))
		.sort()
		.map((entry) => path.join(directory, entry));
}

/**
 * Resolves what the user typed: a path to a file, or the name of a suite in the given
 * directories (file stem or the suite's own name).
 */
export async function resolveSuite(reference: string, directories: readonly string[]): Promise<Suite> {
	if (reference.includes('/') || suiteExtensions.has(path.extname(reference))) return loadSuite(reference);
	for (const directory of directories) {
		for (const file of await listSuiteFiles(directory)) {
			if (path.basename(file, path.extname(file)) === reference) return loadSuite(file);
		}
	}

	for (const directory of directories) {
		for (const file of await listSuiteFiles(directory)) {
			try {
				const suite = await loadSuite(file);
				if (suite.name === reference) return suite;
			} catch {
				// An invalid file is reported when it is asked for by path.
			}
		}
	}

	throw new UserError(`no suite named "${reference}" in ${directories.join(', ')}`, 'run `rqc bench list` to see the suites, or give a path to a suite file');
}

/** A suite file as `rqc bench list` and the Benchmarks pane show it. */
export interface SuiteListing {
	readonly name: string;
	readonly description: string | undefined;
	readonly file: string;
	readonly cases: readonly string[];
	readonly problems: readonly SuiteProblem[];
}

/** Every suite file in the directories (the first directory wins on a duplicate name). */
export async function listSuites(directories: readonly string[]): Promise<SuiteListing[]> {
	const listings: SuiteListing[] = [];
	const seen = new Set<string>();
	for (const directory of directories) {
		for (const file of await listSuiteFiles(directory)) {
			try {
				const suite = await loadSuite(file);
				if (seen.has(suite.name)) continue;
				seen.add(suite.name);
				listings.push({name: suite.name, description: suite.description, file, cases: suite.cases.map((c) => c.name), problems: []});
			} catch (error) {
				const problems = error instanceof SuiteValidationError ? error.problems : [{path: '(file)', message: String((error as Error).message ?? error)}];
				listings.push({name: path.basename(file, path.extname(file)), description: undefined, file, cases: [], problems});
			}
		}
	}

	return listings;
}
