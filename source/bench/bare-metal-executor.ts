/**
 * Bare-metal mode: the helper runs on the host, once per case (or once per iteration with
 * --interleave), and Node only reads what it prints.
 */
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {ExternalError} from '../errors.js';
import type {ExecutionEnvironment} from '../store/records.js';
import type {CommandResult, Executor, MeasureRequest} from './executor.js';
import type {HelperBinary} from './helper.js';
import {readHelperOutput, type HelperIteration, type HelperOutcome} from './measure.js';

/** The memory cgroup file holding this process's OOM-kill counter, when readable (v1 or v2). */
export async function findOwnOomFile(): Promise<string | undefined> {
	try {
		const text = await readFile('/proc/self/cgroup', 'utf8');
		for (const line of text.split('\n')) {
			const [, controllers, cgroupPath] = line.split(':');
			if (controllers === undefined || cgroupPath === undefined) continue;
			const candidates = controllers.split(',').includes('memory')
				? [path.join('/sys/fs/cgroup/memory', cgroupPath, 'memory.oom_control')]
				: controllers === '' ? [path.join('/sys/fs/cgroup', cgroupPath, 'memory.events')] : [];
			for (const candidate of candidates) {
				try {
					if ((await readFile(candidate, 'utf8')).includes('oom_kill')) return candidate;
				} catch {
					// Not this one.
				}
			}
		}
	} catch {
		// No cgroups here.
	}

	return undefined;
}

/** What a benchmark command inherits from rqc's environment: the basics a program expects, no more. */
const INHERITED_NAMES = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'HOSTNAME', 'NO_COLOR']);

/**
 * The environment of a bare-metal case (issue 11, point 3): the basics above and LC_* from rqc's
 * environment, then rqc's two directories, then the suite's `env`. Nothing else is inherited, so
 * RQC_DATABASE_URL, REDIS_URL, PG*, DOCKER_HOST and other credentials never reach a benchmark. Pure.
 */
export function computeCaseEnvironment(
	baseEnv: Readonly<Record<string, string | undefined>>,
	directories: {readonly suiteDir: string; readonly scratchDir: string},
	suiteEnv: Readonly<Record<string, string>>,
): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(baseEnv)) {
		if (value !== undefined && (INHERITED_NAMES.has(key) || key.startsWith('LC_'))) env[key] = value;
	}

	return {...env, RQC_SUITE_DIR: directories.suiteDir, RQC_SCRATCH_DIR: directories.scratchDir, ...suiteEnv};
}

export class BareMetalExecutor implements Executor {
	readonly mode = 'bare_metal' as const;
	readonly scratchDir: string;
	readonly suiteDir: string;
	readonly #helper: HelperBinary;
	readonly #oomFile: string | undefined;
	readonly #baseEnv: Readonly<Record<string, string | undefined>>;

	private constructor(helper: HelperBinary, scratchDir: string, suiteDir: string, oomFile: string | undefined, baseEnv: Readonly<Record<string, string | undefined>>) {
		this.#helper = helper;
		this.scratchDir = scratchDir;
		this.suiteDir = suiteDir;
		this.#oomFile = oomFile;
		this.#baseEnv = baseEnv;
	}

	/** Makes the run's scratch directory; `baseEnv` is the environment commands inherit. */
	static async create(helper: HelperBinary, suiteDir: string, baseEnv: Readonly<Record<string, string | undefined>> = process.env): Promise<BareMetalExecutor> {
		const scratch = await mkdtemp(path.join(os.tmpdir(), 'rqc-bench-'));
		return new BareMetalExecutor(helper, scratch, suiteDir, await findOwnOomFile(), baseEnv);
	}

	#env(extra: Readonly<Record<string, string>>): Record<string, string> {
		return computeCaseEnvironment(this.#baseEnv, this, extra);
	}

	async measure(request: MeasureRequest, onBatch: (iterations: HelperIteration[]) => void, signal: AbortSignal): Promise<HelperOutcome> {
		const args = ['--die-with-parent', '--iterations', String(request.iterations), '--timeout-ms', String(request.timeoutMs), '--cwd', request.cwd];
		if (this.#oomFile) args.push('--oom-file', this.#oomFile);
		if (request.shouldStopOnFailure) args.push('--stop-on-failure');
		const child = spawn(this.#helper.path, [...args, '--', ...request.argv], {
			env: this.#env(request.env),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr = (stderr + chunk).slice(-2000);
		});
		const onAbort = (): void => {
			child.kill('SIGTERM');
		};

		signal.addEventListener('abort', onAbort, {once: true});
		const exited = new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', (code) => {
				resolve(code);
			});
		});
		try {
			const outcome = await readHelperOutput(child.stdout, onBatch);
			const code = await exited;
			if (code === 2 && outcome.count === 0 && !signal.aborted) throw new ExternalError(`${this.#helper.path} ${args.join(' ')}`, 'the measuring helper rejected its arguments', stderr);
			return outcome;
		} finally {
			signal.removeEventListener('abort', onAbort);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}

	async run(argv: readonly string[], options: {cwd: string; env: Readonly<Record<string, string>>; timeoutMs: number}, signal: AbortSignal): Promise<CommandResult> {
		const [file, ...args] = argv;
		const subprocess = execa(file!, args, {
			cwd: options.cwd,
			env: this.#env(options.env),
			extendEnv: false,
			all: true,
			reject: false,
			stdin: 'ignore',
			timeout: options.timeoutMs,
			cancelSignal: signal,
			detached: true,
			forceKillAfterDelay: 1000,
		});
		const {pid} = subprocess;
		const result = await subprocess;
		if (pid !== undefined && (result.timedOut || result.isCanceled)) {
			try {
				// detached: the command leads its own process group, so the whole tree goes.
				process.kill(-pid, 'SIGKILL');
			} catch {
				// The group is gone already.
			}
		}

		return {exitCode: result.exitCode ?? (result.timedOut ? 124 : 1), output: String(result.all ?? '').slice(-2000)};
	}

	getEnvironment(): Partial<ExecutionEnvironment> {
		return {runtime: 'bare_metal'};
	}

	async close(): Promise<void> {
		await rm(this.scratchDir, {recursive: true, force: true});
	}
}
