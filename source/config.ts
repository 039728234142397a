/**
 * Configuration, resolved by one pure function: flags > environment > stack settings (rqc up's
 * ~/.config/rqc/stack.env, under a .env beside the compose file) > defaults.
 * Readers of files and process state live at the bottom and take their inputs as parameters.
 */
import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UserError} from './errors.js';
import {redactUrl, registerUrlSecret} from './redact.js';

export type ConfigSource = 'flag' | 'env' | 'dotenv' | 'default';

export interface Config {
	/** PostgreSQL/TimescaleDB URL; undefined means the embedded PGlite store. */
	readonly databaseUrl: string | undefined;
	/** Where rqc keeps its own files (embedded store, spool, locks). */
	readonly dataDir: string;
	/** The embedded PGlite store's directory. */
	readonly pgliteDir: string;
	readonly redisUrl: string | undefined;
	/** DOCKER_HOST, or undefined for the platform default socket. */
	readonly dockerHost: string | undefined;
	readonly composeFile: string;
	/** The compose project name, also the label rqc filters containers by. */
	readonly project: string;
	/** Where each value came from, for `rqc doctor`. */
	readonly sources: Readonly<Record<'databaseUrl' | 'redisUrl' | 'dockerHost' | 'composeFile' | 'project' | 'dataDir', ConfigSource>>;
}

export interface ConfigFlags {
	readonly databaseUrl?: string;
	readonly redisUrl?: string;
	readonly dockerHost?: string;
	readonly composeFile?: string;
	readonly project?: string;
	readonly dataDir?: string;
}

export interface ConfigInputs {
	readonly flags?: ConfigFlags;
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** Variables of the stack settings and a .env beside the compose file. */
	readonly dotenv?: Readonly<Record<string, string | undefined>>;
	readonly homeDir: string;
	/** The directory the default compose file lives in (the package's compose/). */
	readonly defaultComposeDir: string;
}

export const DEFAULT_PROJECT = 'rqc';

function pick(
	flag: string | undefined,
	fromEnv: ReadonlyArray<string | undefined>,
	fromDotenv: ReadonlyArray<string | undefined>,
): {value: string | undefined; source: ConfigSource} {
	const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';
	if (nonEmpty(flag)) return {value: flag, source: 'flag'};
	const env = fromEnv.find(nonEmpty);
	if (env !== undefined) return {value: env, source: 'env'};
	const dot = fromDotenv.find(nonEmpty);
	if (dot !== undefined) return {value: dot, source: 'dotenv'};
	return {value: undefined, source: 'default'};
}

/** Resolves the configuration. Pure: every input is a parameter. */
export function resolveConfig(inputs: ConfigInputs): Config {
	const flags = inputs.flags ?? {};
	const env = inputs.env ?? {};
	const dot = inputs.dotenv ?? {};

	const database = pick(flags.databaseUrl, [env.RQC_DATABASE_URL, env.DATABASE_URL], [dot.RQC_DATABASE_URL, dot.DATABASE_URL]);
	const redis = pick(flags.redisUrl, [env.REDIS_URL], [dot.REDIS_URL]);
	const docker = pick(flags.dockerHost, [env.DOCKER_HOST], [dot.DOCKER_HOST]);
	const compose = pick(flags.composeFile, [env.RQC_COMPOSE_FILE], [dot.RQC_COMPOSE_FILE]);
	const project = pick(flags.project, [env.RQC_PROJECT], [dot.RQC_PROJECT, dot.COMPOSE_PROJECT_NAME]);
	const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : undefined;
	const dataDirPick = pick(flags.dataDir, [env.RQC_DATA_DIR], []);
	const dataDir = dataDirPick.value
		?? path.join(xdg ?? path.join(inputs.homeDir, '.local', 'share'), 'rqc');

	return {
		databaseUrl: database.value,
		dataDir,
		pgliteDir: path.join(dataDir, 'pglite'),
		redisUrl: redis.value,
		dockerHost: docker.value,
		composeFile: compose.value ?? path.join(inputs.defaultComposeDir, 'docker-compose.yml'),
		project: project.value ?? DEFAULT_PROJECT,
		sources: {
			databaseUrl: database.source,
			redisUrl: redis.source,
			dockerHost: docker.source,
			composeFile: compose.source,
			project: project.source,
			dataDir: dataDirPick.value === undefined ? (xdg ? 'env' : 'default') : dataDirPick.source,
		},
	};
}

const sourceName: Readonly<Record<ConfigSource, string>> = {flag: 'the flag', env: 'the environment', dotenv: 'the stack settings of rqc up', default: 'the default'};

/** A value as it may be shown: URL passwords masked, control characters escaped, long values cut. */
function shown(value: string): string {
	const masked = JSON.stringify(value.includes('@') ? redactUrl(value) : value);
	return masked.length > 80 ? `${masked.slice(0, 77)}…"` : masked;
}

/**
 * Checks the URLs of a resolved config before anything connects (issue 11, points 9 and 11): a
 * database URL that is not PostgreSQL's, a Redis URL that is not Redis's, a DOCKER_HOST that is
 * no endpoint are bad input (exit 2), not an unreachable host. Registers their passwords so no
 * message shows them. Throws a UserError naming the setting and its fix.
 */
export function verifyConfig(config: Config): Config {
	for (const url of [config.databaseUrl, config.redisUrl, config.dockerHost]) registerUrlSecret(url);
	const parse = (value: string): URL | undefined => {
		try {
			return new URL(value);
		} catch {
			return undefined;
		}
	};

	if (config.databaseUrl !== undefined) {
		const url = parse(config.databaseUrl);
		const name = config.sources.databaseUrl === 'flag' ? '--database-url' : 'RQC_DATABASE_URL';
		if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
			throw new UserError(`${name} ${shown(config.databaseUrl)} (from ${sourceName[config.sources.databaseUrl]}) is not a PostgreSQL URL`,
				'use postgres://USER@HOST:5432/DATABASE (a password after USER:, or in PGPASSWORD), or unset it to use the embedded store');
		}
	}

	if (config.redisUrl !== undefined) {
		const url = parse(config.redisUrl);
		const name = config.sources.redisUrl === 'flag' ? '--redis-url' : 'REDIS_URL';
		if (!url || !['redis:', 'rediss:'].includes(url.protocol) || url.hostname === '') {
			throw new UserError(`${name} ${shown(config.redisUrl)} (from ${sourceName[config.sources.redisUrl]}) is not a Redis URL`,
				'use redis://HOST:6379 (redis:// or rediss://, a password before @HOST), or unset it to use the in-process cache');
		}
	}

	if (config.dockerHost !== undefined) {
		const url = parse(config.dockerHost);
		const name = config.sources.dockerHost === 'flag' ? '--docker-host' : 'DOCKER_HOST';
		const isValid = url !== undefined && (url.protocol === 'unix:'
			? url.pathname.length > 1
			: ['tcp:', 'http:', 'https:'].includes(url.protocol) && url.hostname !== '');
		if (!isValid) {
			throw new UserError(`${name} ${shown(config.dockerHost)} (from ${sourceName[config.sources.dockerHost]}) is not a Docker endpoint`,
				'use unix:///var/run/docker.sock or tcp://host:2375, or unset it for the local engine');
		}
	}

	return config;
}

/** Parses a .env file: NAME=value lines, # comments, optional quotes. Pure. */
export function parseDotenv(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) continue;
		const match = /^(?:export\s+)?([A-Za-z_][A-Za-z\d_]*)\s*=\s*(.*)$/.exec(line);
		if (!match) continue;
		let value = match[2] ?? '';
		const quote = value[0];
		if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
			value = value.slice(1, -1);
		} else {
			value = value.replace(/\s+#.*$/, '');
		}

		out[match[1]!] = value;
	}

	return out;
}

/** The package's own directory (where compose/ and benchmarks/ are). */
export function getPackageRoot(): string {
	// dist/config.js and source/config.ts both sit one level below the package root.
	return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** rqc's own version, from its package.json ('unknown' when it cannot be read). */
export function getRqcVersion(): string {
	try {
		const {version} = JSON.parse(readFileSync(path.join(getPackageRoot(), 'package.json'), 'utf8')) as {version?: unknown};
		return typeof version === 'string' ? version : 'unknown';
	} catch {
		return 'unknown';
	}
}

/**
 * Where `rqc up` keeps the stack's generated settings (secrets, and the URLs rqc then reads):
 * the user's config directory, never rqc's installation directory (issue 11, point 13). Pure.
 */
export function getStackEnvFile(env: Readonly<Record<string, string | undefined>>, homeDir: string = env.HOME ?? os.homedir()): string {
	const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homeDir, '.config');
	return path.join(xdg, 'rqc', 'stack.env');
}

function readDotenvFile(file: string): Record<string, string> {
	try {
		return parseDotenv(readFileSync(file, 'utf8'));
	} catch {
		return {};
	}
}

/**
 * Reads flags, process.env, the stack settings `rqc up` wrote (getStackEnvFile) and a .env the
 * user keeps beside the compose file (it wins over the generated one) into a Config.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
	const defaultComposeDir = path.join(getPackageRoot(), 'compose');
	const composeDir = path.dirname(flags.composeFile ?? env.RQC_COMPOSE_FILE ?? path.join(defaultComposeDir, 'docker-compose.yml'));
	const dotenv = {...readDotenvFile(getStackEnvFile(env)), ...readDotenvFile(path.join(composeDir, '.env'))};

	return resolveConfig({flags, env, dotenv, homeDir: env.HOME ?? os.homedir(), defaultComposeDir});
}
