// Part of `npm run build` (after tsc): bundles node-postgres and dockerode, each with the packages
// it requires, into one CommonJS file apiece (dist/vendor/pg.cjs, dist/vendor/dockerode.cjs), which
// source/vendor-bundle.ts loads with a V8 code cache.
// Usage: node scripts/bundle-vendor.mjs [--out-dir DIR]   (default dist/vendor)
// Resolving, reading and compiling pg's ~40 files one by one was 17-20 ms of every command that
// opens PostgreSQL, and dockerode's ~240 files 125 ms of every command that talks to Docker
// (issue 13, point 2). Optional peers and native add-ons stay outside: pg requires pg-native and
// pg-cloudflare only when asked to, ssh2 tries its native crypto and cpu-features and goes on
// without them.
// dockerode requires, when it loads, what only two features use: BuildKit sessions (gRPC and
// protobufjs, ~130 files, for `docker build` with a session) and SSH hosts (ssh2, for DOCKER_HOST
// ssh://). Both are required here on first use instead; a dockerode whose text differs from what
// is expected stops the build rather than being bundled unchanged.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {build} from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {values: args} = parseArgs({options: {'out-dir': {type: 'string', default: path.join(root, 'dist', 'vendor')}}});
const outDir = path.resolve(args['out-dir']);
mkdirSync(outDir, {recursive: true});

/** Per package: `from` replaced with `to` in the module whose path ends with `file`; the build fails when `from` is not there. */
const deferred = {
	dockerode: [
		{file: '/dockerode/lib/docker.js', from: "withSession = require('./session'),", to: "withSession = function () { return require('./session').apply(this, arguments); },"},
		{file: '/docker-modem/lib/modem.js', from: "ssh = require('./ssh'),", to: "ssh = function () { return require('./ssh').apply(this, arguments); },"},
	],
};

async function bundle(name, external) {
	// The entry is a module of the bundler's own (no file), named as if it sat at the project's
	// root so that the package resolves from its node_modules.
	const entry = path.join(root, `rqc-${name}-entry.cjs`);
	const edits = deferred[name] ?? [];
	await build({
		input: entry,
		platform: 'node',
		external: [/^node:/, ...external],
		logLevel: 'warn',
		plugins: [{
			name: 'rqc-vendor-entry',
			resolveId: (id) => (id === entry ? entry : undefined),
			load: (id) => (id === entry ? `module.exports = require('${name}');\n` : undefined),
			transform(code, id) {
				const edit = edits.find((e) => id.replaceAll('\\', '/').endsWith(e.file));
				if (!edit) return undefined;
				if (!code.includes(edit.from)) throw new Error(`bundle-vendor: ${edit.file} no longer holds ${JSON.stringify(edit.from)}; check the package's update`);
				edit.isDone = true;
				return code.replace(edit.from, edit.to);
			},
		}],
		output: {file: path.join(outDir, `${name}.cjs`), format: 'cjs', codeSplitting: false, banner: `// ${name} and its dependencies, bundled by scripts/bundle-vendor.mjs at build time (their licences: node_modules/*/LICENSE).`},
	});
	const missed = edits.filter((e) => !e.isDone);
	if (missed.length > 0) throw new Error(`bundle-vendor: ${missed.map((e) => e.file).join(', ')} not met in ${name}'s bundle`);
}

await bundle('pg', ['pg-native', /^pg-cloudflare/]);
await bundle('dockerode', [/\.node$/, 'cpu-features']);
