// Part of `npm run build` (after tsc): bundles node-postgres and the packages it requires into one
// CommonJS file, dist/vendor/pg.cjs, which source/store/pg-load.ts loads with a V8 code cache.
// Usage: node scripts/bundle-pg.mjs [--out FILE]   (default dist/vendor/pg.cjs)
// Resolving, reading and compiling pg's ~40 files one by one was 17-20 ms of every command that
// opens PostgreSQL (issue 13, point 2). pg's optional peers (pg-native, pg-cloudflare) stay
// outside, as pg itself only requires them when asked to.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {build} from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {values: args} = parseArgs({options: {out: {type: 'string', default: path.join(root, 'dist', 'vendor', 'pg.cjs')}}});
const out = path.resolve(args.out);
mkdirSync(path.dirname(out), {recursive: true});
// The entry is a module of the bundler's own (no file), named as if it sat at the project's root
// so that 'pg' resolves from its node_modules.
const entry = path.join(root, 'rqc-pg-entry.cjs');
await build({
	input: entry,
	platform: 'node',
	external: [/^node:/, 'pg-native', /^pg-cloudflare/],
	logLevel: 'warn',
	plugins: [{
		name: 'rqc-pg-entry',
		resolveId: (id) => (id === entry ? entry : undefined),
		load: (id) => (id === entry ? 'module.exports = require(\'pg\');\n' : undefined),
	}],
	output: {file: out, format: 'cjs', codeSplitting: false, banner: '// node-postgres and its dependencies, bundled by scripts/bundle-pg.mjs at build time (their licences: node_modules/*/LICENSE).'},
});
