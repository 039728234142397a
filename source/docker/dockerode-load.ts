/**
 * Loads dockerode, once per process. A build of rqc carries dockerode and the packages it
 * requires as one CommonJS file (dist/vendor/dockerode.cjs, written by scripts/bundle-vendor.mjs,
 * which also defers the BuildKit-session and SSH packages to their first use), loaded with a V8
 * code cache (vendor-bundle.ts): loading it from node_modules was 123-129 ms of every command that
 * talks to Docker. Without the bundle (the tests run the TypeScript sources) dockerode is required
 * from node_modules.
 */
import path from 'node:path';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import type Docker from 'dockerode';
import {loadVendorBundle, type BundleLoadKind} from '../vendor-bundle.js';

export type DockerodeModule = typeof Docker;

/** Where the build puts the bundle: dist/vendor, beside this module's dist/docker. */
export const DOCKERODE_BUNDLE = fileURLToPath(new URL('../vendor/dockerode.cjs', import.meta.url));

/** How dockerode was loaded: from node_modules, or from the bundle (with or without its cache). */
export type DockerodeLoadKind = 'node_modules' | BundleLoadKind;

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
export function loadDockerodeAgain(options: DockerodeLoadOptions = {}): {Docker: DockerodeModule; kind: DockerodeLoadKind} {
	const bundle = options.bundle ?? (existsSync(DOCKERODE_BUNDLE) ? DOCKERODE_BUNDLE : undefined);
	if (bundle === undefined) return {Docker: createRequire(import.meta.url)('dockerode') as DockerodeModule, kind: 'node_modules'};
	const {exports, kind} = loadVendorBundle('dockerode', bundle, options.dataDir === undefined ? undefined : path.join(options.dataDir, 'cache'));
	return {Docker: exports as DockerodeModule, kind};
}
