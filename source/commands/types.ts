import type {Writable} from 'node:stream';
import type {Flag} from 'meow';
import type {Config} from '../config.js';
import type {Store} from '../store/store.js';
import type {Cache} from '../cache/cache.js';

/** What every command gets: parsed input, configuration, output streams and lazy services. */
export interface CommandContext {
	/** Positional arguments after the command's name. */
	readonly args: readonly string[];
	/** Parsed flags (camelCase), including the global ones. */
	readonly flags: Readonly<Record<string, unknown>>;
	readonly config: Config;
	/** --json: only JSON goes to stdout, and Ink is never loaded. */
	readonly isJson: boolean;
	readonly isVerbose: boolean;
	/** Colour allowed (not NO_COLOR, not TERM=dumb, stdout a TTY). */
	readonly hasColor: boolean;
	readonly stdout: Writable & {isTTY?: boolean; columns?: number; rows?: number};
	readonly stderr: Writable & {isTTY?: boolean; columns?: number};
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Aborted on Ctrl-C / SIGTERM. */
	readonly signal: AbortSignal;
	/** Opens (once) and returns the store; throws ServiceError when unreachable. */
	openStore(): Promise<Store>;
	/** Opens (once) and returns the cache: Redis when configured, else in-process. */
	openCache(): Promise<Cache>;
}

/** A flag definition as meow takes it (type, shortFlag, default, isMultiple...) plus a help line. */
export type CommandFlag = Flag<'string' | 'boolean' | 'number', unknown, boolean> & {readonly description: string};

/** One `rqc <name>` command. cli.tsx parses, dispatches and maps the result to an exit code. */
export interface CommandSpec {
	/** e.g. 'status', or 'bench run' for a two-word command. */
	readonly name: string;
	/** One line for the command list in --help. */
	readonly summary: string;
	/** e.g. 'rqc compare BASE CANDIDATE [--threshold 2%]'. */
	readonly usage: string;
	readonly examples: readonly string[];
	readonly flags: Readonly<Record<string, CommandFlag>>;
	/** Returns the exit code (0 ok, 1 failure); throws UserError/ServiceError/ExternalError. */
	run(context: CommandContext): Promise<number>;
}
