/**
 * Loads node-postgres, once per process. A build of rqc carries pg and the packages it requires
 * as one CommonJS file (dist/vendor/pg.cjs, written by scripts/bundle-vendor.mjs), loaded with a
 * V8 code cache (vendor-bundle.ts): 17-20 ms of every command that opens PostgreSQL became about
 * 6 (issue 13, point 2). Without the bundle (the tests run the TypeScript sources) pg is required
 * from node_modules.
 */
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import type * as Pg from 'pg';
import {loadVendorPackage, type VendorLoadKind, type VendorLoadOptions} from '../vendor-bundle.js';

export type PgModule = typeof Pg;

/** Where the build puts the bundle: dist/vendor, beside this module's dist/store. */
export const PG_BUNDLE = fileURLToPath(new URL('../vendor/pg.cjs', import.meta.url));

/**
 * How pg was loaded: from node_modules; from the bundle with no cache directory; with its code
 * cache; or compiled from the source, the cache then written as the process exits.
 */
export type PgLoadKind = VendorLoadKind;

/** The code cache's directory, and the bundle to load (tests; default PG_BUNDLE when it exists). */
export type PgLoadOptions = VendorLoadOptions;

let loaded: PgModule | undefined;

/** node-postgres, loaded on the first call (later calls return the same module). */
export function loadPg(options: PgLoadOptions = {}): PgModule {
	loaded ??= loadPgAgain(options).pg;
	return loaded;
}

/** Loads pg anew, without the per-process memo, and says how (tests, the performance script). */
export function loadPgAgain(options: PgLoadOptions = {}): {pg: PgModule; kind: PgLoadKind} {
	// At load time pg asks whether it runs on Cloudflare Workers: with no global navigator (Node 20
	// has none) it touches the global Response, which makes Node load its whole fetch
	// implementation (undici), about 25 ms. A navigator is lent while pg loads, as Node ≥ 21 has one.
	const scope = globalThis as {navigator?: unknown};
	const isLent = scope.navigator === undefined;
	if (isLent) scope.navigator = {userAgent: `Node.js/${process.versions.node}`};
	try {
		const {exports, kind} = loadVendorPackage('pg', PG_BUNDLE, options);
		const result = {pg: exports as PgModule, kind};
		// BIGINT and NUMERIC come back as strings by default; rqc's values fit in a double.
		result.pg.types.setTypeParser(20, (value) => Number(value));
		return result;
	} finally {
		if (isLent) delete scope.navigator;
	}
}
