/**
 * Issue 13, point 2: the build's one-file dockerode (dist/vendor/dockerode.cjs) with its V8 code
 * cache, beside node-postgres's (pg-load.test.ts): the BuildKit-session and SSH packages it would
 * load at once are deferred to their first use, and each package's cache replaces only its own
 * older one. Each load runs in a fresh Node process, as a command does. `npm test` builds dist/
 * first.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, expect, it} from 'vitest';
import {root} from '../helpers/cli.js';
import {createTempDir} from '../helpers/postgres.js';
import {describeWith, requireDocker} from '../helpers/services.js';

const temp = createTempDir('rqc-vendor-');
afterAll(() => temp.cleanup());
const dockerodeLoad = pathToFileURL(path.join(root, 'dist', 'docker', 'dockerode-load.js')).href;
const pgLoad = pathToFileURL(path.join(root, 'dist', 'store', 'pg-load.js')).href;

/** Loads dockerode in a new process and asks the engine its version; returns how, and which packages were loaded. */
function loadInChild(dataDir?: string): {kind: string; version: string; loaded: string[]} {
	const script = `import {loadDockerodeAgain} from ${JSON.stringify(dockerodeLoad)};
import {createRequire} from 'node:module';
const {Docker, kind} = loadDockerodeAgain(${JSON.stringify(dataDir === undefined ? {} : {dataDir})});
const version = (await new Docker({socketPath: '/var/run/docker.sock'}).version()).Version;
const loaded = Object.keys(createRequire(import.meta.url).cache).map((file) => file.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//)?.[1]).filter(Boolean);
console.log(JSON.stringify({kind, version, loaded: [...new Set(loaded)]}));`;
	return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'}).trim()) as ReturnType<typeof loadInChild>;
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.v8')).sort() : []);

describeWith([requireDocker()], 'dockerode from the build\'s bundle, with a code cache', () => {
	it('is built beside dist/docker, talks to the engine, and leaves gRPC, protobufjs and ssh2 unloaded', () => {
		expect(existsSync(path.join(root, 'dist', 'vendor', 'dockerode.cjs'))).toBe(true);
		const loaded = loadInChild();
		expect(loaded.kind).toBe('bundle');
		expect(loaded.version).toMatch(/^\d+\.\d+/);
		// Nothing of dockerode's comes from node_modules: it is all in the bundle, and what is
		// deferred was not needed.
		expect(loaded.loaded.filter((name) => /^(dockerode|docker-modem|@grpc\/|protobufjs|ssh2|uuid)/.test(name))).toEqual([]);
	});

	it('writes its cache at exit (0600 in a 0700 directory), reads it next time, and keeps node-postgres\'s beside it', () => {
		const dataDir = path.join(temp.dir, 'data');
		const cacheDir = path.join(dataDir, 'cache');
		expect(loadInChild(dataDir).kind).toBe('bundle, caching at exit');
		expect(loadInChild(dataDir).kind).toBe('bundle, cached');
		// node-postgres writes its own cache in the same directory: neither removes the other's.
		execFileSync(process.execPath, ['--input-type=module', '-e', `import {loadPgAgain} from ${JSON.stringify(pgLoad)}; loadPgAgain({cacheDir: ${JSON.stringify(cacheDir)}});`]);
		const files = cacheFiles(cacheDir);
		expect(files).toHaveLength(2);
		expect(files[0]).toMatch(/^dockerode-[\da-f]{16}\.v8$/);
		expect(files[1]).toMatch(/^pg-[\da-f]{16}\.v8$/);
		for (const file of files) expect(statSync(path.join(cacheDir, file)).mode & 0o777).toBe(0o600);
		expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
		expect(loadInChild(dataDir).kind).toBe('bundle, cached');
	});
});
