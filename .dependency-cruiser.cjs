// The layers of DESIGN.md, checked by `npm run lint` (so by `npm test` and CI):
//   cli → main → {commands, shell+ui} → (compare, bench, importers, demo, health)
//       → (docker, store, cache) → (stats, text, config, errors, json, redact, vendor-bundle)
// An import may run down any number of layers or stay within its own layer; never up.
// commands/ and shell+ui are the two faces: siblings, neither imports the other, and nothing but
// main.ts imports commands/. Type-only imports count: a type that must come from above is a sign
// that the type lives in the wrong place.
const layer = {
	cli: '^source/cli\\.tsx$',
	main: '^source/main\\.ts$',
	commands: '^source/commands/',
	ui: '^source/(ui/|shell\\.ts$)',
	domain: '^source/(compare|bench|importers|demo)/|^source/health\\.ts$',
	services: '^source/(docker|store|cache)/',
	base: '^source/(stats/|text/|config\\.ts$|errors\\.ts$|json\\.ts$|redact\\.ts$|names\\.ts$|private-files\\.ts$|vendor-bundle\\.ts$)',
};

/** The layers above (outside) each layer, as one path pattern. */
const above = {
	main: [layer.cli],
	faces: [layer.cli, layer.main],
	domain: [layer.cli, layer.main, layer.commands, layer.ui],
	services: [layer.cli, layer.main, layer.commands, layer.ui, layer.domain],
	base: [layer.cli, layer.main, layer.commands, layer.ui, layer.domain, layer.services],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment: 'A cycle ties modules into one unit that cannot be loaded or tested apart.',
			from: {path: '^source/'},
			to: {circular: true},
		},
		{
			name: 'main-imports-cli',
			severity: 'error',
			comment: 'cli.tsx is the entry (and the only place that exits); nothing imports it.',
			from: {path: '^source/', pathNot: layer.cli},
			to: {path: layer.cli},
		},
		{
			name: 'faces-import-main',
			severity: 'error',
			comment: 'commands/ and the shell+ui face get what they need from main.ts as arguments.',
			from: {path: [layer.commands, layer.ui]},
			to: {path: above.faces},
		},
		{
			name: 'only-main-imports-commands',
			severity: 'error',
			comment: 'Nothing imports commands/ except main.ts (and commands/ itself): move shared code down a layer.',
			from: {path: '^source/', pathNot: [layer.main, layer.commands]},
			to: {path: layer.commands},
		},
		{
			name: 'commands-import-ui',
			severity: 'error',
			comment: 'The two faces are siblings: commands/ never loads the TUI (--json must not load Ink).',
			from: {path: layer.commands},
			to: {path: layer.ui},
		},
		{
			name: 'ui-gets-data-sources',
			severity: 'error',
			comment: 'Panes get data sources (docker/, store/, cache/ return plain records), never a Docker, database or Redis client.',
			from: {path: layer.ui},
			to: {dependencyTypes: ['npm'], path: '^node_modules/(dockerode|@types/dockerode|pg|@types/pg|pg-copy-streams|ioredis|@electric-sql/pglite|execa)/'},
		},
		{
			name: 'analysis-outside-ui',
			severity: 'error',
			comment: 'Statistics are computed in compare/ or bench/, where the CLI can use them too; the UI draws the results.',
			from: {path: layer.ui},
			to: {path: '^source/stats/'},
		},
		{
			name: 'domain-imports-up',
			severity: 'error',
			comment: 'compare/, bench/, importers/, demo/ and health.ts serve both faces and never import them.',
			from: {path: layer.domain},
			to: {path: above.domain},
		},
		{
			name: 'services-import-up',
			severity: 'error',
			comment: 'docker/, store/ and cache/ talk to the outside world and return plain records; they import nothing above.',
			from: {path: layer.services},
			to: {path: above.services},
		},
		{
			name: 'base-imports-up',
			severity: 'error',
			comment: 'stats/, text/, config, errors, json, redact, names, private-files and vendor-bundle are the bottom layer: they import only each other.',
			from: {path: layer.base},
			to: {path: above.base},
		},
		{
			name: 'stats-is-pure',
			severity: 'error',
			comment: 'stats/ is pure: arrays in, numbers out; it imports only stats/ (no I/O, no clock, no packages).',
			from: {path: '^source/stats/'},
			to: {pathNot: '^source/stats/'},
		},
		{
			name: 'source-in-a-layer',
			severity: 'error',
			comment: 'Every source module belongs to a layer: add a new top-level module to the layers in this file.',
			from: {path: '^source/', pathNot: Object.values(layer)},
			to: {},
		},
		{
			name: 'no-dev-dependencies-in-source',
			severity: 'error',
			comment: 'A devDependency is not installed with the package: source/ may not load one.',
			from: {path: '^source/'},
			to: {dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only']},
		},
		{
			name: 'not-to-unresolvable',
			severity: 'error',
			comment: 'An import that does not resolve fails at run time.',
			from: {path: '^source/'},
			to: {couldNotResolve: true},
		},
	],
	options: {
		doNotFollow: {path: 'node_modules'},
		exclude: {path: '^dist/'},
		tsPreCompilationDeps: true,
		tsConfig: {fileName: 'tsconfig.json'},
		enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts']},
		reporterOptions: {text: {highlightFocused: true}},
	},
};
