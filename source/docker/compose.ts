/**
 * The compose CLI, as np wraps its tools: detect `docker compose` (v2) or `docker-compose` (v1)
 * once, then one tiny function per call. Argument building and output parsing are pure and
 * tested by table; the functions that run a process stream its output line by line.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import type {Config} from '../config.js';
import {parseDotenv} from '../config.js';
import {ExternalError, ServiceError, UserError} from '../errors.js';
import {redactSecrets} from '../redact.js';

export type ComposeKind = 'v2' | 'v1';

export interface ComposeCli {
	readonly kind: ComposeKind;
	/** The program and its leading arguments: ['docker', 'compose'] or ['docker-compose']. */
	readonly command: readonly [string, ...string[]];
	readonly version: string;
}

/** Where the stack is: compose files (main first, then overrides), project and environment. */
export interface ComposeTarget {
	readonly files: readonly string[];
	readonly project: string;
	/** The directory of the main file: relative paths and .env are read from here. */
	readonly projectDir: string;
	/** The environment the compose process gets (the caller's, plus what rqc adds). */
	readonly env: Readonly<Record<string, string | undefined>>;
}

export const composeInstallHint = 'install the Docker Compose plugin (`docker compose`), or on Debian: sudo apt-get install docker-compose';

/** Runs `program args` and returns stdout, or undefined when it cannot run or fails. */
export type ProbeRunner = (file: string, args: readonly string[]) => Promise<string | undefined>;

const probe: ProbeRunner = async (file, args) => {
	try {
		const {stdout} = await execa(file, args, {timeout: 10_000, env: {DOCKER_CLI_HINTS: 'false'}});
		return stdout;
	} catch {
		return undefined;
	}
};

/** The version in `docker compose version --short` / `docker-compose version --short` output. */
export function parseComposeVersion(stdout: string | undefined): string | undefined {
	const first = stdout?.trim().split('\n')[0]?.trim();
	const match = first ? /v?(\d+\.\d+(?:\.\d+)?[\w.+-]*)/.exec(first) : null;
	return match?.[1];
}

let detected: Promise<ComposeCli> | undefined;

/**
 * The compose CLI of this machine, detected once per process: v2 when `docker compose` answers,
 * else v1. Throws a ServiceError (exit 3) naming how to install one when neither does.
 */
export async function detectCompose(run: ProbeRunner = probe): Promise<ComposeCli> {
	detected ??= (async () => {
		const v2 = parseComposeVersion(await run('docker', ['compose', 'version', '--short']));
		if (v2) return {kind: 'v2', command: ['docker', 'compose'], version: v2} as const;
		const v1 = parseComposeVersion(await run('docker-compose', ['version', '--short']));
		if (v1) return {kind: 'v1', command: ['docker-compose'], version: v1} as const;
		throw new ServiceError('compose', 'no compose CLI found (neither `docker compose` nor `docker-compose` runs)', composeInstallHint);
	})();
	try {
		return await detected;
	} catch (error) {
		detected = undefined;
		throw error;
	}
}

/** Forgets the detected CLI (tests). */
export function resetComposeDetection(): void {
	detected = undefined;
}

/**
 * The stack rqc drives: the configured compose file plus the override files listed in
 * RQC_COMPOSE_OVERRIDE (separated by the platform's path delimiter, relative to the working dir).
 */
export function getComposeTarget(
	config: Pick<Config, 'composeFile' | 'project'>,
	env: Readonly<Record<string, string | undefined>> = process.env,
	cwd: string = process.cwd(),
): ComposeTarget {
	const main = path.resolve(cwd, config.composeFile);
	const overrides = (env.RQC_COMPOSE_OVERRIDE ?? '')
		.split(path.delimiter)
		.map((file) => file.trim())
		.filter((file) => file !== '')
		.map((file) => path.resolve(cwd, file));
	return {files: [main, ...overrides], project: config.project, projectDir: path.dirname(main), env};
}

/** The global arguments every compose call starts with. Pure. */
export function buildGlobalArgs(cli: Pick<ComposeCli, 'command'>, target: Pick<ComposeTarget, 'files' | 'project'>, profiles: readonly string[] = []): string[] {
	return [
		...cli.command.slice(1),
		'--project-name', target.project,
		...target.files.flatMap((file) => ['--file', file]),
		...profiles.flatMap((profile) => ['--profile', profile]),
	];
}

export interface UpOptions {
	readonly profiles?: readonly string[];
	/** Only these services (and what they depend on); all enabled ones when empty. */
	readonly services?: readonly string[];
}

/**
 * `up --detach` arguments. No --remove-orphans: services of profiles not enabled now must keep
 * running (down removes orphans). Pure.
 */
export function buildUpArgs(options: UpOptions = {}): string[] {
	return ['up', '--detach', ...(options.services ?? [])];
}

/**
 * `down` as two calls: `rm --stop --force -v` first (v1's and v2's `down` keep anonymous
 * volumes; rm -v does not), then `down` for the network, orphans and, with volumes, the named
 * volumes. Both run with every profile enabled, so profile services go too. Pure.
 */
export function buildDownArgs(options: {readonly volumes?: boolean} = {}): string[][] {
	return [
		['rm', '--stop', '--force', '-v'],
		['down', '--remove-orphans', ...(options.volumes ? ['--volumes'] : [])],
	];
}

/** `logs` arguments. Pure. */
export function buildLogsArgs(service: string, options: {readonly follow?: boolean; readonly tail?: number} = {}): string[] {
	return ['logs', '--no-color', ...(options.follow ? ['--follow'] : []), ...(options.tail === undefined ? [] : ['--tail', String(options.tail)]), service];
}

/** Lines of `config --services` / `config --profiles` output. Pure. */
export function parseNameList(stdout: string): string[] {
	return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** Variables in the target's .env file (empty when it has none). */
export function readTargetDotenv(target: Pick<ComposeTarget, 'projectDir'>): Record<string, string> {
	const file = path.join(target.projectDir, '.env');
	return existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
}

/**
 * Calls that create nothing (ps, logs, down, config) still make compose interpolate the whole
 * file, which stops on an unset DB_PASSWORD. For them only, a placeholder stands in.
 */
export function withReadOnlyPlaceholders(target: ComposeTarget): ComposeTarget {
	const dotenv = readTargetDotenv(target);
	const extra: Record<string, string> = {};
	for (const name of ['DB_PASSWORD', 'GRAFANA_ADMIN_PASSWORD']) {
		if (!target.env[name] && !dotenv[name]) extra[name] = 'not-set-rqc-placeholder';
	}

	return Object.keys(extra).length === 0 ? target : {...target, env: {...target.env, ...extra}};
}

export type OutputStream = 'stdout' | 'stderr';

export interface RunOptions {
	readonly profiles?: readonly string[];
	/** Each line of output as it comes. */
	readonly onLine?: (line: string, stream: OutputStream) => void;
	readonly signal?: AbortSignal;
	/** Mask secrets in the output (default). Off only for output parsed, never shown. */
	readonly isRedacted?: boolean;
}

/** The last lines of a process's output, kept for error messages. */
function makeTail(limit = 20): {push(line: string): void; text(): string} {
	const lines: string[] = [];
	return {
		push(line) {
			lines.push(line);
			if (lines.length > limit) lines.shift();
		},
		text: () => lines.join('\n'),
	};
}

/** The most telling line of compose's error output (its ERROR: lines, else the last line). Pure. */
export function summarizeComposeError(output: string): string {
	const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
	const error = lines.filter((line) => /^(error|ERROR)\b|Error response from daemon/.test(line)).at(-1);
	return (error ?? lines.at(-1) ?? 'no output').replace(/^ERROR:\s*/, '');
}

/** What to do about a failed compose call, from its output. Pure. */
export function hintForComposeError(output: string): string {
	if (/address already in use|port is already allocated/i.test(output)) {
		return 'another program holds one of the stack\'s ports: set DB_PORT, REDIS_PORT, JAEGER_UI_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT or GRAFANA_PORT in ~/.config/rqc/stack.env (and the port in RQC_DATABASE_URL / REDIS_URL there)';
	}

	if (/range of cpus is from/i.test(output)) return 'lower RUNNER_CPUS (or DB_CPUS) in ~/.config/rqc/stack.env to at most the engine\'s CPUs';
	if (/rlimit|setting rlimit/i.test(output)) return 'lower RUNNER_NOFILE in ~/.config/rqc/stack.env to at most the Docker engine\'s own open-file limit';
	if (/unknown capability/i.test(output)) return 'set RUNNER_PERF_CAP=CAP_SYS_PTRACE in ~/.config/rqc/stack.env (this engine does not know PERFMON)';
	if (/pull access denied|manifest unknown|not found: manifest|no such image|\/v2\/": dial tcp|toomanyrequests|TLS handshake timeout/i.test(output)) return 'the image cannot be pulled here: check the network or registry access, or point image: at a local one in an override file';
	return 'run it again with --verbose to see the compose output';
}

/**
 * Runs one compose subcommand, streaming each output line to onLine, and resolves with its
 * stdout. A non-zero exit throws an ExternalError carrying the command and its last lines.
 */
export async function runCompose(cli: ComposeCli, target: ComposeTarget, args: readonly string[], options: RunOptions = {}): Promise<string> {
	const fullArgs = [...buildGlobalArgs(cli, target, options.profiles), ...args];
	const [file] = cli.command;
	const tail = makeTail();
	const out: string[] = [];
	const child = execa(file, fullArgs, {
		cwd: target.projectDir,
		env: {...target.env, COMPOSE_PROJECT_NAME: target.project},
		extendEnv: false,
		stdin: 'ignore',
		buffer: false,
		reject: false,
		cancelSignal: options.signal,
		forceKillAfterDelay: 5000,
		stripFinalNewline: false,
	});
	const pump = async (stream: NodeJS.ReadableStream | null, name: OutputStream) => {
		if (!stream) return;
		let rest = '';
		for await (const chunk of stream) {
			rest += String(chunk);
			const lines = rest.split(/\r?\n|\r/);
			rest = lines.pop() ?? '';
			for (const line of lines) emit(line, name);
		}

		if (rest !== '') emit(rest, name);
	};

	const emit = (line: string, name: OutputStream) => {
		const clean = options.isRedacted === false ? line : redactSecrets(line);
		if (name === 'stdout') out.push(clean);
		tail.push(clean);
		options.onLine?.(clean, name);
	};

	const [result] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
	const commandLine = [file, ...fullArgs].join(' ');
	if (result.isCanceled) throw new ExternalError(commandLine, `${commandLine} was cancelled`);
	if (result.failed) {
		const output = tail.text();
		throw new ExternalError(
			commandLine,
			`${cli.command.join(' ')} ${args[0] ?? ''} failed: ${summarizeComposeError(output)}`,
			output,
			hintForComposeError(output),
		);
	}

	return out.join('\n');
}

/** The services the compose files define (every profile's). */
export async function getComposeServices(cli: ComposeCli, target: ComposeTarget): Promise<string[]> {
	const placeholderTarget = withReadOnlyPlaceholders(target);
	const profiles = await getComposeProfiles(cli, placeholderTarget);
	return parseNameList(await runCompose(cli, placeholderTarget, ['config', '--services'], {profiles}));
}

/** The profiles the compose files define. */
export async function getComposeProfiles(cli: ComposeCli, target: ComposeTarget): Promise<string[]> {
	return parseNameList(await runCompose(cli, withReadOnlyPlaceholders(target), ['config', '--profiles']));
}

/** Throws a UserError for profiles the compose files do not define. */
export function verifyProfiles(requested: readonly string[], known: readonly string[]): void {
	const unknown = requested.filter((profile) => !known.includes(profile));
	if (unknown.length > 0) {
		throw new UserError(
			`unknown profile${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
			known.length > 0 ? `the compose file defines: ${known.join(', ')}` : 'the compose file defines no profiles',
		);
	}
}

/** Throws a UserError for a service the compose files do not define. */
export function verifyService(service: string, known: readonly string[]): void {
	if (!known.includes(service)) {
		throw new UserError(`no service named ${service} in the compose stack`, `services: ${known.join(', ')}`);
	}
}
