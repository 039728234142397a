/**
 * Parses the command line (meow), dispatches to a command or the TUI, and maps the outcome to
 * an exit code: 0 ok, 1 failure, 2 bad usage or input, 3 a needed service unreachable.
 * It never exits the process; cli.tsx does that with the code main() returns.
 */
import {readdirSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import type {AnyFlags} from 'meow';
import {commandEntries, loadAllCommands, type CommandEntry} from './commands/index.js';
import type {CommandContext, CommandFlag, CommandSpec} from './commands/types.js';
import {getRqcVersion, getStackEnvFile, loadConfig, verifyConfig, type ConfigFlags} from './config.js';
import {EXIT, errorToJson, exitCodeOf, formatError, ServiceError, UserError} from './errors.js';
import {isColorAllowed} from './text/text.js';
import type {Store} from './store/store.js';
import type {Cache} from './cache/cache.js';

const globalFlags: Record<string, CommandFlag> = {
	json: {type: 'boolean', default: false, description: 'Write machine-readable JSON to stdout (nothing else goes there)'},
	verbose: {type: 'boolean', default: false, description: 'Show stacks of internal errors and extra detail'},
	databaseUrl: {type: 'string', description: 'PostgreSQL/TimescaleDB URL (default: $RQC_DATABASE_URL, $DATABASE_URL, else the embedded store)'},
	redisUrl: {type: 'string', description: 'Redis URL (default: $REDIS_URL, else an in-process cache)'},
	dockerHost: {type: 'string', description: 'Docker engine endpoint (default: $DOCKER_HOST, else the local socket)'},
	composeFile: {type: 'string', description: 'Compose file (default: $RQC_COMPOSE_FILE, else the bundled compose/docker-compose.yml)'},
	project: {type: 'string', description: 'Compose project name, also the container label filter (default: $RQC_PROJECT, else rqc)'},
	dataDir: {type: 'string', description: 'Where rqc keeps its files (default: $RQC_DATA_DIR, else $XDG_DATA_HOME/rqc or ~/.local/share/rqc)'},
};

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function flagLines(flags: Readonly<Record<string, CommandFlag>>): string[] {
	return Object.entries(flags).map(([name, flag]) => {
		const short = flag.shortFlag ? `-${flag.shortFlag}, ` : '    ';
		const value = flag.type === 'boolean' ? '' : ` <${flag.type === 'number' ? 'n' : 'value'}>`;
		return `    ${short}--${kebab(name)}${value}`.padEnd(34) + ` ${flag.description}`;
	});
}

/** The top-level --help: every command with an example. */
export function mainHelp(commands: readonly CommandSpec[]): string {
	const width = Math.max(...commands.map((c) => c.name.length));
	return [
		'rqc: release-quality console: container health, benchmark runs and overhead-adjusted release comparisons',
		'',
		'  Usage',
		'    $ rqc                     open the interactive console (TUI)',
		'    $ rqc <command> [options]',
		'',
		'  Commands',
		...commands.map((c) => `    ${c.name.padEnd(width)}  ${c.summary}\n    ${' '.repeat(width)}  e.g. ${c.examples[0] ?? c.usage}`),
		'',
		'  Global options',
		...flagLines(globalFlags),
		'    -h, --help                     Show help (rqc <command> --help for a command)',
		'    -v, --version                  Show the version',
		'',
		'  Exit codes: 0 ok, 1 failure (or regression found), 2 bad usage or input, 3 a needed service unreachable',
	].join('\n');
}

function commandHelp(command: CommandSpec): string {
	return [
		command.summary,
		'',
		'  Usage',
		`    $ ${command.usage}`,
		...(Object.keys(command.flags).length > 0 ? ['', '  Options', ...flagLines(command.flags)] : []),
		'',
		'  Global options',
		...flagLines(globalFlags),
		'',
		'  Examples',
		...command.examples.map((e) => `    $ ${e}`),
	].join('\n');
}

/**
 * The positional words before the command's own flags. Only global flags may come before the
 * command, and their types are known here, so a global flag's value is never taken for a word.
 */
export function leadingWords(argv: readonly string[]): string[] {
	const words: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		if (token === '--') break;
		if (token.startsWith('-')) {
			const name = token.replace(/^-+/, '').split('=')[0]!.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
			if (!token.includes('=') && globalFlags[name]?.type === 'string') i++;
			if (words.length > 0) break;
			continue;
		}

		words.push(token);
	}

	return words;
}

/** Finds the command named by the leading words (longest match: 'bench run' before 'bench'). */
export function resolveCommand(words: readonly string[], entries: readonly CommandEntry[] = commandEntries): {entry: CommandEntry | undefined; args: string[]} {
	const sorted = [...entries].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
	for (const entry of sorted) {
		const parts = entry.name.split(' ');
		if (parts.every((w, i) => words[i] === w)) return {entry, args: words.slice(parts.length)};
	}

	return {entry: undefined, args: [...words]};
}

/**
 * `--threshold -5%` reads "-5%" as a flag of its own ("Unknown flag -5%"): a value that looks like
 * a negative number after a flag that takes a value is joined to it (`--threshold=-5%`), so the
 * flag's own check can say what is wrong with it (issue 11, point 11). Pure.
 */
export function joinNegativeValues(argv: readonly string[], flags: Readonly<Record<string, CommandFlag>>): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i]!;
		const next = argv[i + 1];
		const name = token.startsWith('--') && !token.includes('=') ? token.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) : undefined;
		const type = name === undefined ? undefined : flags[name]?.type;
		if ((type === 'string' || type === 'number') && next !== undefined && /^-(?:\d|\.\d)/.test(next)) {
			out.push(`${token}=${next}`);
			i++;
			continue;
		}

		if (token === '--') {
			out.push(...argv.slice(i));
			break;
		}

		out.push(token);
	}

	return out;
}

/** A number flag given something that is not a number ('--seed abc' parses as NaN): a usage error. */
function verifyNumberFlags(flags: Readonly<Record<string, unknown>>, specs: Readonly<Record<string, CommandFlag>>): void {
	for (const [name, spec] of Object.entries(specs)) {
		if (spec.type !== 'number') continue;
		const values = Array.isArray(flags[name]) ? (flags[name] as unknown[]) : [flags[name]];
		if (values.some((value) => typeof value === 'number' && Number.isNaN(value))) {
			throw new UserError(`--${kebab(name)} needs a number`, `e.g. --${kebab(name)} ${typeof spec.default === 'number' ? spec.default : 2}`);
		}
	}
}

/**
 * The command line parsed without meow when it is plain: words and boolean flags written as
 * `--name`, each at most once. Loading meow takes tens of milliseconds, most of a quick command's
 * own time (issue 13, point 2); everything else (values, short, negated or repeated flags, --help,
 * --version, unknown flags) goes to meow, and a test checks both give the same for every command.
 * Returns the flags as meow gives them (defaults, booleans false, repeatable flags []) and the
 * words, or undefined when meow must parse. Pure.
 */
export function parsePlainArgv(argv: readonly string[], flags: Readonly<Record<string, Omit<CommandFlag, 'description'>>>): {flags: Record<string, unknown>; input: string[]} | undefined {
	const booleans = new Map(Object.entries(flags).filter(([, flag]) => flag.type === 'boolean').map(([name]) => [`--${kebab(name)}`, name]));
	const given = new Set<string>();
	const input: string[] = [];
	for (const token of argv) {
		if (!token.startsWith('-')) {
			input.push(token);
			continue;
		}

		const name = booleans.get(token);
		if (name === undefined || token.startsWith('--no-') || given.has(name)) return undefined;
		given.add(name);
	}

	const parsed: Record<string, unknown> = {};
	for (const [name, flag] of Object.entries(flags)) {
		if (flag.type === 'boolean') parsed[name] = given.has(name) || (flag.default ?? false);
		else if (flag.isMultiple) parsed[name] = flag.default ?? [];
		else if (flag.default !== undefined) parsed[name] = flag.default;
	}

	return {flags: parsed, input};
}

const stripDescriptions = (flags: Readonly<Record<string, CommandFlag>>): AnyFlags =>
	Object.fromEntries(Object.entries(flags).map(([name, {description: _d, ...flag}]) => [name, flag])) as AnyFlags;

/** The flags meow is given for a command (or for none): the global ones, the command's, --help and --version. */
export function meowFlagsOf(command: Pick<CommandSpec, 'flags'> | undefined) {
	return {...stripDescriptions(globalFlags), ...stripDescriptions(command?.flags ?? {}), help: {type: 'boolean', shortFlag: 'h'}, version: {type: 'boolean', shortFlag: 'v'}} satisfies AnyFlags;
}

interface Io {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
}

/** Runs rqc with argv and env; returns the exit code. Never exits by itself. */
export async function main(
	argv: readonly string[] = process.argv.slice(2),
	env: NodeJS.ProcessEnv = process.env,
	io: Io = process,
	/** Called on a second Ctrl-C, when waiting for a clean stop is no longer wanted. */
	onForceExit: (code: number) => void = () => {},
): Promise<number> {
	// `rqc --version` alone: package.json's version, read as meow would read it, without loading
	// meow (about 40 ms of the 117 it took).
	if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
		io.stdout.write(`${getRqcVersion()}\n`);
		return EXIT.ok;
	}

	// Which command? Only its module is loaded, so a command pays for nothing it does not use.
	const words = leadingWords(argv);
	const {entry} = resolveCommand(words);
	const isJson = argv.includes('--json');
	if (!entry && words.length > 0) {
		const family = commandEntries.filter((e) => e.name.startsWith(`${words[0]} `)).map((e) => `rqc ${e.name}`);
		const error = family.length > 0
			? new UserError(`"${words.join(' ')}" is not a command`, `did you mean ${family.join(' or ')}?`)
			: new UserError(`unknown command "${words.join(' ')}"`, 'see rqc --help for the list of commands');
		report(error, isJson, false, io);
		return EXIT.usage;
	}

	const command = await entry?.load();
	const wantsHelp = argv.includes('--help') || argv.includes('-h');
	const help = command ? commandHelp(command) : wantsHelp ? mainHelp(await loadAllCommands()) : '';

	// Strict parse: unknown flags are usage errors (meow exits 2 with a message). A plain command
	// line is parsed without loading meow; --help and --version always go to meow.
	const meowFlags = meowFlagsOf(command);
	let parsed: {readonly flags: Record<string, unknown>; readonly input: readonly string[]; readonly help?: string; readonly version?: string} | undefined
		= wantsHelp || argv.includes('--version') ? undefined : parsePlainArgv(argv, meowFlags);
	// meow names the process after package.json's bin (ps shows "rqc"); so does the plain parse.
	if (parsed) process.title = 'rqc';
	else {
		const {default: meow} = await import('meow');
		const cli = meow(help, {
			importMeta: import.meta,
			argv: joinNegativeValues(argv, {...globalFlags, ...command?.flags}),
			flags: meowFlags,
			allowUnknownFlags: false,
			autoHelp: false,
			autoVersion: false,
			description: false,
		});
		parsed = {flags: cli.flags as Record<string, unknown>, input: cli.input, help: cli.help, version: cli.pkg.version ?? 'unknown'};
	}

	const {flags} = parsed;
	const args = command ? parsed.input.slice(command.name.split(' ').length) : [...parsed.input];
	if (flags.help) {
		io.stdout.write(`\n${(parsed.help ?? '').replace(/^\n+/, '')}\n`);
		return EXIT.ok;
	}

	if (flags.version) {
		io.stdout.write(`${parsed.version ?? 'unknown'}\n`);
		return EXIT.ok;
	}

	const isVerbose = Boolean(flags.verbose);
	try {
		verifyNumberFlags(flags, {...globalFlags, ...command?.flags});
	} catch (error) {
		report(error, Boolean(flags.json), isVerbose, io);
		return exitCodeOf(error);
	}

	const controller = new AbortController();
	const onSignal = (signal: NodeJS.Signals) => {
		if (controller.signal.aborted) {
			// Second Ctrl-C: the user means it.
			io.stderr.write('\nrqc: interrupted again, exiting now\n');
			onForceExit(130);
			return;
		}

		controller.abort(new Error(`received ${signal}`));
	};

	let store: Promise<Store> | undefined;
	let cache: Promise<Cache> | undefined;
	try {
		const config = verifyConfig(loadConfig(flags as ConfigFlags, env));
		const context: CommandContext = {
			args,
			flags,
			config,
			isJson: Boolean(flags.json),
			isVerbose,
			hasColor: !flags.json && isColorAllowed(env, io.stdout.isTTY),
			stdout: io.stdout,
			stderr: io.stderr,
			env,
			signal: controller.signal,
			openStore: async () => {
				const opening = store ?? import('./store/open-store.js').then(async ({openStore}) => {
					const opened = await openStore(config);
					await writeLeftoverSpools(opened, config.dataDir, io.stderr);
					return opened;
				});
				store = opening;
				// A failed open is tried again on the next call, so the console recovers by itself when
				// the database comes back (issue 11, point 8).
				opening.catch(() => {
					if (store === opening) store = undefined;
				});
				return opening;
			},
			openCache: async () => {
				cache ??= import('./cache/open-cache.js').then(({openCache}) => openCache(config));
				return cache;
			},
		};

		if (!command) {
			const {isInteractive, runShell} = await import('./shell.js');
			if (!context.isJson && isInteractive(context.env, process.stdin, io.stdout)) return await runShell(context, io);
			const {statusCommand} = await import('./commands/status.js');
			const code = await statusCommand.run(context);
			if (!context.isJson) io.stderr.write('rqc: not a terminal, so this is the status summary; run rqc in a terminal for the console, or see rqc --help\n');
			return code;
		}

		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		return await command.run(context);
	} catch (error) {
		const explained = explainStackSettings(error, flags as ConfigFlags, env);
		report(explained, Boolean(flags.json), isVerbose, io);
		return exitCodeOf(explained);
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		await Promise.allSettled([
			store?.then(async (s) => s.close()),
			cache?.then(async (c) => c.close()),
		]);
	}
}

/**
 * Samples spooled while the database was down are written at the next start of any command
 * that opens the store, exactly once (the store skips rows it already has).
 */
async function writeLeftoverSpools(store: Store, dataDir: string, stderr: NodeJS.WritableStream): Promise<void> {
	// Cheap check first: the spool module (and the Docker client it brings) loads only when needed.
	let names: string[];
	try {
		names = readdirSync(path.join(dataDir, 'spool'));
	} catch {
		return;
	}

	if (!names.some((name) => name.endsWith('.jsonl'))) return;
	const {replaySpools} = await import('./bench/spool.js');
	const result = await replaySpools(store, dataDir).catch(() => undefined);
	if (result && result.samplesWritten > 0) {
		stderr.write(`rqc: wrote ${result.samplesWritten} spooled samples of ${result.files} earlier run(s) to the database\n`);
	}
}

/**
 * A database or Redis that rqc reaches through the settings rqc up wrote is the compose stack's:
 * when it is unreachable, the stack is probably down, so the hint says so and how to go back to
 * the embedded store (issue 11, point 13).
 */
function explainStackSettings(error: unknown, flags: ConfigFlags, env: NodeJS.ProcessEnv): unknown {
	if (!(error instanceof ServiceError) || (error.service !== 'database' && error.service !== 'redis')) return error;
	let config;
	try {
		config = loadConfig(flags, env);
	} catch {
		return error;
	}

	const source = error.service === 'database' ? config.sources.databaseUrl : config.sources.redisUrl;
	if (source !== 'dotenv') return error;
	return new ServiceError(error.service, error.message,
		`the URL comes from the stack settings (${getStackEnvFile(env)}): the stack may be down, rqc up starts it; or set RQC_DATABASE_URL= and REDIS_URL= (empty) there to use the embedded store`,
		{cause: error});
}

function report(error: unknown, isJson: boolean, isVerbose: boolean, io: Io): void {
	if (isJson) io.stdout.write(JSON.stringify(errorToJson(error)) + '\n');
	io.stderr.write(formatError(error, isVerbose) + '\n');
}

