/**
 * Loads node-postgres, once per process. A build of rqc carries pg and the packages it requires
 * as one CommonJS file (dist/vendor/pg.cjs, written by scripts/bundle-vendor.mjs), loaded with a
 * V8 code cache (vendor-bundle.ts): 17-20 ms of every command that opens PostgreSQL became about
 * 6 (issue 13, point 2). Without the bundle (the tests run the TypeScript sources) pg is required
 * from node_modules.
 */
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import type * as Pg from 'pg';
import {loadVendorBundle, type BundleLoadKind} from '../vendor-bundle.js';

export type PgModule = typeof Pg;

/** Where the build puts the bundle: dist/vendor, beside this module's dist/store. */
export const PG_BUNDLE = fileURLToPath(new URL('../vendor/pg.cjs', import.meta.url));

/**
 * How pg was loaded: from node_modules; from the bundle with no cache directory; with its code
 * cache; or compiled from the source, the cache then written as the process exits.
 */
export type PgLoadKind = 'node_modules' | BundleLoadKind;

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
	const {exports, kind} = loadVendorBundle('pg', bundle, cacheDir);
	return {pg: exports as PgModule, kind};
}
