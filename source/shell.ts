/**
 * `rqc` with no command in a terminal: the TUI. (Anywhere else main.ts prints the status summary:
 * the shell and the commands are siblings, neither imports the other.)
 */
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import type {Cache} from './cache/cache.js';
import type {Config} from './config.js';
import {EXIT} from './errors.js';
import type {Store} from './store/store.js';

interface Io {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
}

/** What the console needs of main's context (a CommandContext satisfies it). */
export interface ShellContext {
	readonly config: Config;
	/** Colour allowed (not NO_COLOR, not TERM=dumb, stdout a TTY). */
	readonly hasColor: boolean;
	openStore(): Promise<Store>;
	openCache(): Promise<Cache>;
}

/** Whether the TUI can run: both ends are terminals and TERM is not dumb. */
export function isInteractive(env: Readonly<Record<string, string | undefined>>, stdin: {isTTY?: boolean}, stdout: {isTTY?: boolean}): boolean {
	return Boolean(stdin.isTTY) && Boolean(stdout.isTTY) && env.TERM !== 'dumb';
}

/** Runs the console until the user quits; the caller has checked isInteractive. */
export async function runShell(context: ShellContext, io: Io, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
	// Ink draws with chalk, which reads FORCE_COLOR but not NO_COLOR: translate before it loads.
	if (!context.hasColor) process.env.FORCE_COLOR = '0';
	// React's production build: its development checks cost about a fifth of each frame.
	process.env.NODE_ENV ??= 'production';
	// Ink and React load only here, never for --json or plain commands.
	const [{render}, React, {App}, {createLiveServices}] = await Promise.all([
		importInkAsInteractive(),
		import('react'),
		import('./ui/app.js'),
		import('./ui/app-services.js'),
	]);
	const cache = await context.openCache();
	const services = createLiveServices(context.config, {openStore: context.openStore, cache});
	const instance = render(React.createElement(App, {services}), {exitOnCtrlC: true, stdout: io.stdout, stderr: io.stderr, stdin});
	const compaction = setTimeout(compactAfterStartup, STARTUP_SETTLE_MS);
	compaction.unref();
	try {
		await instance.waitUntilExit();
	} finally {
		clearTimeout(compaction);
		await services.close();
	}

	return EXIT.ok;
}

/**
 * Ink decides once, when it loads, that a CI environment (CI or CONTINUOUS_INTEGRATION set)
 * gets no live frames, only the last one at exit. rqc starts the console only when both ends
 * are terminals, so a person is there: hide those variables while Ink loads, then put them back
 * for the benchmarks this console starts.
 */
async function importInkAsInteractive(): Promise<typeof import('ink')> {
	const saved = {CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION};
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	try {
		return await import('ink');
	} finally {
		for (const [key, value] of Object.entries(saved)) {
			if (value !== undefined) process.env[key] = value;
		}
	}
}

/** Start-up (module loading, the first checks, the first frames) is over by then. */
const STARTUP_SETTLE_MS = 15_000;

/**
 * One full garbage collection once the console has settled. Start-up grows V8's young
 * generation to its maximum and, with next to no allocation afterwards (nothing is redrawn when
 * nothing changes), V8 never shrinks it again: measured, 138 MB resident before and 107 MB after
 * with PostgreSQL. The console stays open for hours on benchmark hosts, so the memory is worth a
 * single pause of a few tens of milliseconds. Node offers no other way to ask for it than
 * exposing gc() to a fresh context.
 */
function compactAfterStartup(): void {
	try {
		setFlagsFromString('--expose-gc');
		const gc: unknown = runInNewContext('gc');
		if (typeof gc === 'function') gc();
	} catch {
		// Only memory is at stake.
	}
}
