/**
 * Loads dockerode, once per process. A build of rqc carries dockerode and the packages it
 * requires as one CommonJS file (dist/vendor/dockerode.cjs, written by scripts/bundle-vendor.mjs,
 * which also defers the BuildKit-session and SSH packages to their first use), loaded with a V8
 * code cache (vendor-bundle.ts): loading it from node_modules was 123-129 ms of every command that
 * talks to Docker. Without the bundle (the tests run the TypeScript sources) dockerode is required
 * from node_modules.
 */
import {fileURLToPath} from 'node:url';
import type Docker from 'dockerode';
import {codeCacheDir, loadVendorPackage, type VendorLoadKind} from '../vendor-bundle.js';

export type DockerodeModule = typeof Docker;

/** Where the build puts the bundle: dist/vendor, beside this module's dist/docker. */
export const DOCKERODE_BUNDLE = fileURLToPath(new URL('../vendor/dockerode.cjs', import.meta.url));

export interface DockerodeLoadOptions {
	/** rqc's data directory: the code cache goes in its cache/; none: no cache. */
	readonly dataDir?: string;
	/** The bundle to load (tests); default DOCKERODE_BUNDLE when it exists. */
	readonly bundle?: string;
}

let loaded: DockerodeModule | undefined;

/** dockerode's client class, loaded on the first call (later calls return the same one). */
export function loadDockerode(options: DockerodeLoadOptions = {}): DockerodeModule {
	loaded ??= loadDockerodeAgain(options).Docker;
	return loaded;
}

/** Loads dockerode anew, without the per-process memo, and says how (tests). */
export function loadDockerodeAgain(options: DockerodeLoadOptions = {}): {Docker: DockerodeModule; kind: VendorLoadKind} {
	const cacheDir = options.dataDir === undefined ? undefined : codeCacheDir(options.dataDir);
	const {exports, kind} = loadVendorPackage('dockerode', DOCKERODE_BUNDLE, {cacheDir, bundle: options.bundle});
	return {Docker: exports as DockerodeModule, kind};
}
