/**
 * `rqc` with no command in a terminal: the TUI. (Anywhere else main.ts prints the status summary:
 * the shell and the commands are siblings, neither imports the other.)
 */
import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8';
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
	let youngGeneration: (() => void) | undefined;
	const compaction = setTimeout(() => {
		compactAfterStartup();
		youngGeneration = capYoungGeneration(YOUNG_GENERATION_CAP_BYTES);
	}, STARTUP_SETTLE_MS);
	compaction.unref();
	try {
		await instance.waitUntilExit();
	} finally {
		clearTimeout(compaction);
		youngGeneration?.();
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
 * V8's young generation (both semi-spaces) is kept at this size at most once the console has
 * settled: 4 MiB semi-spaces, where V8 would grow them to 16 MiB under a live screen's allocation
 * (about 3 MB a second watching 20 busy containers) and never give the memory back while it
 * goes on. Measured with `scripts/perf/console-cost.mjs --busy-only --warmup 60 --busy-rounds 3`
 * and `--max-semi-space-size=4` for the alternate: 113 MiB (110-115) against 137 (134-141), CPU
 * 1.60 % (1.50-2.26) against 1.53 % (1.50-1.80). 2 MiB semi-spaces saved only 3 MiB more and cost
 * 2.16 % of a core (issue 10).
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/** How often the young generation's size is looked at: a look costs microseconds. */
const YOUNG_GENERATION_CHECK_MS = 2000;

/**
 * Caps V8's young generation at `capBytes` from now on; returns the function that stops
 * watching. V8 reads its growth factor each time it grows the young generation, so the factor is
 * 1 (no growth) while the young generation is at the cap and V8's default 2 below it (it may
 * have shrunk it meanwhile, when the console went idle). `--max-semi-space-size` would do the
 * same, but only from the command line, before V8 starts. Only memory is at stake: a failure
 * leaves V8's own policy.
 */
export function capYoungGeneration(capBytes: number, options: {readSize?: () => number | undefined; setFlags?: (flags: string) => void; intervalMs?: number} = {}): () => void {
	const readSize = options.readSize ?? (() => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size);
	const setFlags = options.setFlags ?? setFlagsFromString;
	let factor: number | undefined;
	const check = (): void => {
		try {
			const size = readSize();
			if (size === undefined) return;
			const wanted = size >= capBytes ? 1 : 2;
			if (wanted === factor) return;
			setFlags(`--semi-space-growth-factor=${wanted}`);
			factor = wanted;
		} catch {
			// V8's own policy stays.
		}
	};

	check();
	const timer = setInterval(check, options.intervalMs ?? YOUNG_GENERATION_CHECK_MS);
	timer.unref();
	return () => clearInterval(timer);
}

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
