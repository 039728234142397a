/**
 * The stack's settings: rqc up writes them (mode 0600, in a 0700 directory) with random secrets
 * when they are missing, and points later rqc commands at the stack's database and Redis. They
 * live in the user's config directory (getStackEnvFile), never next to the shipped compose file:
 * installed by root, that directory is not the user's, and two users would share one file
 * (issue 11, point 13). Compose gets them through its environment. Nothing else is written: every
 * other setting keeps its default in docker-compose.yml until the user sets it.
 */
import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {parseDotenv} from '../config.js';
import {ensurePrivateDir} from '../private-files.js';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random secret of URL-safe letters and digits (no escaping needed anywhere). */
export function makeSecret(length = 32, bytes: (size: number) => Uint8Array = randomBytes): string {
	let out = '';
	while (out.length < length) {
		for (const byte of bytes(length * 2)) {
			// 248 = 4 × 62: bytes above it would bias the first letters.
			if (byte < 248 && out.length < length) out += alphabet[byte % 62];
		}
	}

	return out;
}

export interface StackEnvAdditions {
	/** NAME=value pairs to append, in order. */
	readonly entries: ReadonlyArray<readonly [string, string]>;
	/** Names of the secrets that were generated. */
	readonly generated: readonly string[];
}

/**
 * What compose/.env lacks: DB_PASSWORD and GRAFANA_ADMIN_PASSWORD (generated), and the URLs rqc
 * uses to reach the stack. A name present in the file, even empty, is left as it is, so
 * `RQC_DATABASE_URL=` keeps rqc on its embedded store. `env` values (the shell's) win over the
 * file's for ports and names, as they do for compose. Pure.
 */
export function computeStackEnvAdditions(
	existing: Readonly<Record<string, string>>,
	env: Readonly<Record<string, string | undefined>>,
	secret: () => string,
): StackEnvAdditions {
	const entries: Array<[string, string]> = [];
	const generated: string[] = [];
	const value = (name: string, fallback: string) => env[name] || existing[name] || fallback;
	let password = env.DB_PASSWORD || existing.DB_PASSWORD;
	if (!(existing.DB_PASSWORD) && !env.DB_PASSWORD) {
		password = secret();
		entries.push(['DB_PASSWORD', password]);
		generated.push('DB_PASSWORD');
	}

	if (!(existing.GRAFANA_ADMIN_PASSWORD) && !env.GRAFANA_ADMIN_PASSWORD) {
		entries.push(['GRAFANA_ADMIN_PASSWORD', secret()]);
		generated.push('GRAFANA_ADMIN_PASSWORD');
	}

	const bind = value('BIND_ADDRESS', '127.0.0.1');
	const host = bind === '0.0.0.0' || bind === '::' || bind === '' ? '127.0.0.1' : bind;
	const hostPart = host.includes(':') ? `[${host}]` : host;
	if (!('RQC_DATABASE_URL' in existing)) {
		const user = encodeURIComponent(value('DB_USER', 'rqc'));
		const database = encodeURIComponent(value('DB_NAME', 'rqc'));
		entries.push(['RQC_DATABASE_URL', `postgres://${user}:${encodeURIComponent(password ?? '')}@${hostPart}:${value('DB_PORT', '5432')}/${database}`]);
	}

	if (!('REDIS_URL' in existing)) {
		entries.push(['REDIS_URL', `redis://${hostPart}:${value('REDIS_PORT', '6379')}`]);
	}

	return {entries, generated};
}

const header = `# Written by \`rqc up\`: secrets for the compose stack, and where rqc finds it.
# Keep this file private (mode 0600). Every other setting is documented in compose/.env.example.
# RQC_DATABASE_URL / REDIS_URL point rqc at the stack; set them empty (or delete this file while
# the stack is down) to use rqc's embedded store and in-process cache instead.
`;

export interface EnsureResult {
	readonly file: string;
	readonly isCreated: boolean;
	readonly generated: readonly string[];
	readonly added: readonly string[];
}

/** The settings in a stack env file; empty when there is none. */
export function readStackEnv(file: string): Record<string, string> {
	return existsSync(file) ? parseDotenv(readFileSync(file, 'utf8')) : {};
}

/**
 * Makes sure the stack env file has what the stack needs; creates it (0600, its directory 0700)
 * or appends. `alsoSet` holds values set elsewhere (a .env beside the compose file), which are
 * not written again.
 */
export function ensureStackEnv(
	file: string,
	env: Readonly<Record<string, string | undefined>> = process.env,
	secret: () => string = makeSecret,
	alsoSet: Readonly<Record<string, string>> = {},
): EnsureResult {
	ensurePrivateDir(path.dirname(file));
	const isCreated = !existsSync(file);
	const text = isCreated ? '' : readFileSync(file, 'utf8');
	const additions = computeStackEnvAdditions({...parseDotenv(text), ...alsoSet}, env, secret);
	const lines = additions.entries.map(([name, value]) => `${name}=${value}`);
	if (isCreated) {
		writeFileSync(file, `${header}${lines.join('\n')}\n`, {mode: 0o600});
	} else if (lines.length > 0) {
		const separator = text === '' || text.endsWith('\n') ? '' : '\n';
		writeFileSync(file, `${text}${separator}${lines.join('\n')}\n`, {mode: 0o600});
	}

	// An existing file keeps its mode on write: make it private either way.
	chmodSync(file, 0o600);
	return {file, isCreated, generated: additions.generated, added: additions.entries.map(([name]) => name)};
}

/**
 * Settings rqc adds for the compose process from what the engine is, unless the user set them:
 * engines older than Docker 23 reject the PERFMON capability, so ptrace stands in (named again
 * in its long form, which adds nothing). Pure.
 */
export function computeEngineEnv(
	engineVersion: string | undefined,
	env: Readonly<Record<string, string | undefined>>,
	dotenv: Readonly<Record<string, string>>,
): Record<string, string> {
	const extra: Record<string, string> = {};
	const major = Number(/^(\d+)\./.exec(engineVersion ?? '')?.[1]);
	if (Number.isFinite(major) && major < 23 && !env.RUNNER_PERF_CAP && !dotenv.RUNNER_PERF_CAP) {
		extra.RUNNER_PERF_CAP = 'CAP_SYS_PTRACE';
	}

	return extra;
}
