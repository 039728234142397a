/**
 * `rqc` with no command: the TUI in a terminal, the status summary (and a hint) anywhere else.
 */
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {EXIT} from './errors.js';
import type {CommandContext} from './commands/types.js';

interface Io {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
}

/** Whether the TUI can run: both ends are terminals and TERM is not dumb. */
export function isInteractive(env: Readonly<Record<string, string | undefined>>, stdin: {isTTY?: boolean}, stdout: {isTTY?: boolean}): boolean {
	return Boolean(stdin.isTTY) && Boolean(stdout.isTTY) && env.TERM !== 'dumb';
}

export async function runShell(context: CommandContext, io: Io, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
	if (context.isJson || !isInteractive(context.env, stdin, io.stdout)) {
		const {statusCommand} = await import('./commands/status.js');
		const code = await statusCommand.run(context);
		if (!context.isJson) io.stderr.write('rqc: not a terminal, so this is the status summary; run rqc in a terminal for the console, or see rqc --help\n');
		return code;
	}

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
