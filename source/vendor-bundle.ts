/**
 * Loads a package the build bundled with the packages it requires into one CommonJS file
 * (dist/vendor/<name>.cjs, written by scripts/bundle-vendor.mjs). It is compiled through vm.Script
 * with a V8 code cache kept in rqc's data directory (cache/, private to its owner), so a command
 * neither resolves and reads the package's files one by one nor compiles them again (issue 13,
 * point 2: node-postgres's ~40 files cost 17-20 ms of every command that opens PostgreSQL, and
 * dockerode's ~240 cost 125 ms of every command that talks to Docker). The cache is only an
 * optimisation: a cache that cannot be read, is rejected by V8 or cannot be written leaves the
 * plain compile.
 */
import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import process from 'node:process';
import vm from 'node:vm';
import {ensurePrivateDir} from './private-files.js';

/**
 * How a bundle was loaded: with no cache directory; with its code cache; or compiled from the
 * source, the cache then written as the process exits.
 */
type BundleLoadKind = 'bundle' | 'bundle, cached' | 'bundle, caching at exit';

/** How a package was loaded: from node_modules (no bundle: the tests run the sources), or from its bundle. */
export type VendorLoadKind = 'node_modules' | BundleLoadKind;

export interface VendorLoadOptions {
	/** The directory of the code cache (codeCacheDir of rqc's data directory); none: no cache. */
	readonly cacheDir?: string;
	/** The bundle to load (tests); default: the build's, when it exists. */
	readonly bundle?: string;
}

/** Where rqc keeps the bundles' code caches: its data directory's cache/. */
export function codeCacheDir(dataDir: string): string {
	return path.join(dataDir, 'cache');
}

/** Package `name` from `defaultBundle` (or options.bundle) when the build made it, else from node_modules. */
export function loadVendorPackage(name: string, defaultBundle: string, options: VendorLoadOptions = {}): {exports: unknown; kind: VendorLoadKind} {
	const bundle = options.bundle ?? (existsSync(defaultBundle) ? defaultBundle : undefined);
	if (bundle === undefined) return {exports: createRequire(import.meta.url)(name) as unknown, kind: 'node_modules'};
	return loadVendorBundle(name, bundle, options.cacheDir);
}

/** Runs the bundle `file` of package `name` and returns its module.exports, with how it was loaded. */
function loadVendorBundle(name: string, file: string, cacheDir: string | undefined): {exports: unknown; kind: BundleLoadKind} {
	const source = readFileSync(file, 'utf8');
	// V8 checks a cache against its own version and flags and the source's length only: the name
	// carries a hash of the source, so a rebuilt bundle never meets an old cache.
	const key = createHash('sha256').update(`${process.versions.v8}\0${process.arch}\0`).update(source).digest('hex').slice(0, 16);
	const cacheFile = cacheDir === undefined ? undefined : path.join(cacheDir, `${name}-${key}.v8`);
	let cachedData: Buffer | undefined;
	try {
		if (cacheFile !== undefined) cachedData = readFileSync(cacheFile);
	} catch {
		// No cache yet: compiled from the source, and the cache written at exit.
	}

	// The CommonJS wrapper on the source's first line, so the bundle's line numbers hold.
	const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: file, ...(cachedData === undefined ? {} : {cachedData})});
	const module = {exports: {}};
	(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
	if (cacheFile === undefined) return {exports: module.exports, kind: 'bundle'};
	if (cachedData !== undefined && !script.cachedDataRejected) return {exports: module.exports, kind: 'bundle, cached'};
	// Written as the process exits, with the functions this command compiled.
	process.once('exit', () => writeCache(name, cacheFile, script.createCachedData()));
	return {exports: module.exports, kind: 'bundle, caching at exit'};
}

/** Writes a code cache (0600, in a 0700 directory) in place of the package's older one; nothing when it cannot. */
function writeCache(name: string, cacheFile: string, data: Buffer): void {
	const dir = path.dirname(cacheFile);
	try {
		ensurePrivateDir(dir);
		const temporary = `${cacheFile}.${process.pid}.tmp`;
		writeFileSync(temporary, data, {mode: 0o600});
		renameSync(temporary, cacheFile);
		for (const other of readdirSync(dir)) {
			if (other.startsWith(`${name}-`) && other.endsWith('.v8') && other !== path.basename(cacheFile)) rmSync(path.join(dir, other), {force: true});
		}
	} catch {
		// The cache is an optimisation: the next command compiles from the source again.
	}
}
