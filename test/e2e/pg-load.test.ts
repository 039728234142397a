/**
 * Issue 13, point 2: the build's one-file node-postgres (dist/vendor/pg.cjs) and its V8 code
 * cache in rqc's data directory. Each load runs in a fresh Node process, as a command does; the
 * cache is written as that process exits. `npm test` builds dist/ first.
 */
import {execFileSync} from 'node:child_process';
import {appendFileSync, copyFileSync, existsSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {root} from '../helpers/cli.js';
import {createTempDir} from '../helpers/postgres.js';

const temp = createTempDir('rqc-pg-load-');
afterAll(() => temp.cleanup());
const pgLoad = pathToFileURL(path.join(root, 'dist', 'store', 'pg-load.js')).href;

/** Loads pg in a new process; returns how, and what the module gave. */
function loadInChild(options: {cacheDir?: string; bundle?: string}): {kind: string; bigint: unknown; hasPool: boolean; hasNavigator: boolean} {
	const script = `import {loadPgAgain} from ${JSON.stringify(pgLoad)};
const {pg, kind} = loadPgAgain(${JSON.stringify(options)});
console.log(JSON.stringify({kind, bigint: pg.types.getTypeParser(20)('9007199254740991'), hasPool: typeof pg.Pool === 'function', hasNavigator: 'navigator' in globalThis}));`;
	return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'}).trim()) as ReturnType<typeof loadInChild>;
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.v8')) : []);

describe('node-postgres from the build\'s bundle, with a code cache', () => {
	it('is built beside dist/store, and loads as node_modules\' pg does (BIGINT as a number, no navigator left behind)', () => {
		expect(existsSync(path.join(root, 'dist', 'vendor', 'pg.cjs'))).toBe(true);
		const loaded = loadInChild({});
		expect(loaded).toEqual({kind: 'bundle', bigint: 9_007_199_254_740_991, hasPool: true, hasNavigator: false});
	});

	it('writes the cache at exit (0600 in a 0700 directory), reads it next time, and writes it again when V8 rejects it', () => {
		const cacheDir = path.join(temp.dir, 'data', 'cache');
		expect(loadInChild({cacheDir}).kind).toBe('bundle, caching at exit');
		const [file] = cacheFiles(cacheDir);
		expect(file).toMatch(/^pg-[\da-f]{16}\.v8$/);
		expect(statSync(path.join(cacheDir, file!)).mode & 0o777).toBe(0o600);
		expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
		expect(loadInChild({cacheDir})).toMatchObject({kind: 'bundle, cached', bigint: 9_007_199_254_740_991, hasPool: true});

		// A damaged cache: V8 rejects it, pg still loads, and the cache is written anew.
		const size = statSync(path.join(cacheDir, file!)).size;
		writeFileSync(path.join(cacheDir, file!), Buffer.alloc(size, 7));
		expect(loadInChild({cacheDir})).toMatchObject({kind: 'bundle, caching at exit', hasPool: true});
		expect(loadInChild({cacheDir}).kind).toBe('bundle, cached');
	});

	it('never serves an old cache to a changed bundle: the name carries the source\'s hash, and the old file goes', () => {
		const cacheDir = path.join(temp.dir, 'rebuilt', 'cache');
		const bundle = path.join(temp.dir, 'pg.cjs');
		copyFileSync(path.join(root, 'dist', 'vendor', 'pg.cjs'), bundle);
		loadInChild({cacheDir, bundle});
		const before = cacheFiles(cacheDir);
		expect(before).toHaveLength(1);
		appendFileSync(bundle, '\n// rebuilt\n');
		expect(loadInChild({cacheDir, bundle}).kind).toBe('bundle, caching at exit');
		const after = cacheFiles(cacheDir);
		expect(after).toHaveLength(1);
		expect(after[0]).not.toBe(before[0]);
	});

	it('loads when the cache cannot be written (its directory is a file)', () => {
		const blocked = path.join(temp.dir, 'blocked');
		writeFileSync(blocked, 'not a directory');
		expect(loadInChild({cacheDir: path.join(blocked, 'cache')})).toMatchObject({kind: 'bundle, caching at exit', hasPool: true});
		expect(loadInChild({cacheDir: path.join(blocked, 'cache')}).kind).toBe('bundle, caching at exit');
	});
});
