/**
 * Loads node-postgres, once per process. A build of rqc carries pg and the packages it requires
 * as one CommonJS file (dist/vendor/pg.cjs, written by scripts/bundle-pg.mjs). It is compiled
 * through vm.Script with a V8 code cache kept in rqc's data directory (cache/, private to its
 * owner), so a command that opens PostgreSQL neither resolves and reads pg's ~40 files one by one
 * nor compiles them again: 17-20 ms of every such command became about 6 (issue 13, point 2).
 * Without the bundle (the tests run the TypeScript sources) pg is required from node_modules.
 * The cache is only an optimisation: a cache that cannot be read, is rejected by V8 or cannot be
 * written leaves the plain compile.
 */
import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';
import type * as Pg from 'pg';
import {ensurePrivateDir} from '../private-files.js';

export type PgModule = typeof Pg;

/** Where the build puts the bundle: dist/vendor, beside this module's dist/store. */
export const PG_BUNDLE = fileURLToPath(new URL('../vendor/pg.cjs', import.meta.url));

/**
 * How pg was loaded: from node_modules; from the bundle with no cache directory; with its code
 * cache; or compiled from the source, the cache then written as the process exits.
 */
export type PgLoadKind = 'node_modules' | 'bundle' | 'bundle, cached' | 'bundle, caching at exit';

export interface PgLoadOptions {
	/** The directory of the code cache (rqc's data directory's cache/); none: no cache. */
	readonly cacheDir?: string;
	/** The bundle to load (tests); default PG_BUNDLE when it exists. */
	readonly bundle?: string;
}

let loaded: PgModule | undefined;

/** node-postgres, loaded on the first call (later calls return the same module). */
export function loadPg(options: PgLoadOptions = {}): PgModule {
	loaded ??= loadPgAgain(options).pg;
	return loaded;
}

/** Loads pg anew, without the per-process memo, and says how (tests, the performance script). */
export function loadPgAgain(options: PgLoadOptions = {}): {pg: PgModule; kind: PgLoadKind} {
	const bundle = options.bundle ?? (existsSync(PG_BUNDLE) ? PG_BUNDLE : undefined);
	// At load time pg asks whether it runs on Cloudflare Workers: with no global navigator (Node 20
	// has none) it touches the global Response, which makes Node load its whole fetch
	// implementation (undici), about 25 ms. A navigator is lent while pg loads, as Node ≥ 21 has one.
	const scope = globalThis as {navigator?: unknown};
	const isLent = scope.navigator === undefined;
	if (isLent) scope.navigator = {userAgent: `Node.js/${process.versions.node}`};
	try {
		const result = bundle === undefined
			? {pg: createRequire(import.meta.url)('pg') as PgModule, kind: 'node_modules' as const}
			: loadBundle(bundle, options.cacheDir);
		// BIGINT and NUMERIC come back as strings by default; rqc's values fit in a double.
		result.pg.types.setTypeParser(20, (value) => Number(value));
		return result;
	} finally {
		if (isLent) delete scope.navigator;
	}
}

function loadBundle(bundle: string, cacheDir: string | undefined): {pg: PgModule; kind: PgLoadKind} {
	const source = readFileSync(bundle, 'utf8');
	// V8 checks a cache against its own version and flags and the source's length only: the name
	// carries a hash of the source, so a rebuilt bundle never meets an old cache.
	const key = createHash('sha256').update(`${process.versions.v8}\0${process.arch}\0`).update(source).digest('hex').slice(0, 16);
	const cacheFile = cacheDir === undefined ? undefined : path.join(cacheDir, `pg-${key}.v8`);
	let cachedData: Buffer | undefined;
	try {
		if (cacheFile !== undefined) cachedData = readFileSync(cacheFile);
	} catch {
		// No cache yet: compiled from the source, and the cache written at exit.
	}

	// The CommonJS wrapper on the source's first line, so the bundle's line numbers hold.
	const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: bundle, ...(cachedData === undefined ? {} : {cachedData})});
	const module = {exports: {}};
	(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
	const pg = module.exports as PgModule;
	if (cacheFile === undefined) return {pg, kind: 'bundle'};
	if (cachedData !== undefined && !script.cachedDataRejected) return {pg, kind: 'bundle, cached'};
	// Written as the process exits, with the functions this command compiled (connect, queries).
	process.once('exit', () => writeCache(cacheFile, script.createCachedData()));
	return {pg, kind: 'bundle, caching at exit'};
}

/** Writes a code cache (0600, in a 0700 directory) in place of any older one; nothing when it cannot. */
function writeCache(cacheFile: string, data: Buffer): void {
	const dir = path.dirname(cacheFile);
	try {
		ensurePrivateDir(dir);
		const temporary = `${cacheFile}.${process.pid}.tmp`;
		writeFileSync(temporary, data, {mode: 0o600});
		renameSync(temporary, cacheFile);
		for (const name of readdirSync(dir)) {
			if (name.startsWith('pg-') && name.endsWith('.v8') && name !== path.basename(cacheFile)) rmSync(path.join(dir, name), {force: true});
		}
	} catch {
		// The cache is an optimisation: the next command compiles from the source again.
	}
}
