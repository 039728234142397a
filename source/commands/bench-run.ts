/**
 * `rqc bench run SUITE`: measure a suite bare metal or in a resource-pinned container, store the
 * run under a release, draw progress on stderr (TTY) and end with a summary table (or --json).
 * `rqc bench list`: the suites shipped and in ./benchmarks.
 */
import {EXIT, UserError} from '../errors.js';
import {verifyImageReference, verifyNewReleaseName} from '../names.js';
import {toJson} from '../json.js';
import type {RunMode} from '../store/records.js';
import {formatTable} from '../text/table.js';
import {displayWidth, fit, formatBytes, formatDuration, paint, SYMBOL} from '../text/text.js';
import {formatMs, formatProgressLine, type BenchEvent} from '../bench/progress.js';
import type {BenchRunResult} from '../bench/runner.js';
import type {CaseSummary} from '../bench/statistics.js';
import type {CommandContext, CommandSpec} from './types.js';

export type BenchEnvironment = 'ci' | 'production' | 'dev';

/**
 * The mode for --mode and --environment, as the design's decision matrix says: ci → docker,
 * production → bare metal, dev → docker. Pure.
 */
export function chooseMode(mode: string, environment: BenchEnvironment): RunMode {
	if (mode === 'docker') return 'docker';
	if (mode === 'bare-metal' || mode === 'bare_metal') return 'bare_metal';
	return environment === 'production' ? 'bare_metal' : 'docker';
}

function readEnvironment(value: unknown, env: Readonly<Record<string, string | undefined>>): BenchEnvironment {
	if (value === undefined || value === '') return env.CI === 'true' || env.CI === '1' ? 'ci' : 'dev';
	if (value === 'ci' || value === 'production' || value === 'dev') return value;
	throw new UserError(`--environment ${String(value)}: must be ci, production or dev`);
}

function optionalNumber(value: unknown, name: string, {isInteger}: {isInteger: boolean}): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (isInteger && !Number.isInteger(value))) {
		throw new UserError(`--${name} ${String(value)}: must be a positive ${isInteger ? 'integer' : 'number'}`);
	}

	return value;
}

/** The summary table printed after a run. Pure. */
export function formatSummaryTable(summaries: readonly CaseSummary[]): string {
	const header = ['case', 'n', 'median', 'mean ± σ', 'min … max', 'user', 'sys', 'max RSS', 'outliers'];
	const rows = summaries.map((s) => [
		s.caseName,
		String(s.count),
		formatDuration(s.medianNs),
		`${formatDuration(s.meanNs)} ± ${formatDuration(s.stddevNs)}`,
		`${formatDuration(s.minNs)} … ${formatDuration(s.maxNs)}`,
		formatDuration(s.medianUserUs === undefined ? undefined : s.medianUserUs * 1000),
		formatDuration(s.medianSystemUs === undefined ? undefined : s.medianSystemUs * 1000),
		formatBytes(s.maxRssBytes),
		String(s.outliers),
	]);
	return formatTable(header, rows, {align: header.map((_title, column) => (column === 0 ? 'left' : 'right'))});
}

function describeResult(result: BenchRunResult, hasColor: boolean): string {
	const mark = result.status === 'completed' ? paint(SYMBOL.ok, 'green', hasColor) : paint(SYMBOL.bad, 'red', hasColor);
	const where = result.environment.runtime === 'docker'
		? `docker ${result.environment.image ?? ''} (${result.environment.limits?.cpus ?? '?'} CPUs, ${formatBytes(result.environment.limits?.memoryBytes)})`
		: 'bare metal';
	const lines = [
		`${mark} run ${result.runId} of suite ${result.suite} for release ${result.release}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`,
		`  ${where}, ${result.samplesTaken} samples (${result.samplesStored} stored) in ${formatMs(result.durationMs)}`,
	];
	if (result.spoolFile) lines.push(`  ${paint(SYMBOL.warn, 'yellow', hasColor)} samples not yet in the database wait in ${result.spoolFile}; they are written at the next rqc start`);
	if (result.summaries.length > 0) lines.push('', formatSummaryTable(result.summaries));
	return lines.join('\n');
}

/** Draws one progress line on a TTY, at most every 100 ms; clear() removes it. */
function createProgressLine(stream: CommandContext['stderr']): {update(event: BenchEvent): void; clear(): void} {
	let lastDraw = 0;
	let isDrawn = false;
	return {
		update(event) {
			const now = Date.now();
			if (now - lastDraw < 100 && event.type === 'progress') return;
			lastDraw = now;
			stream.write(`\r\u001B[2K${formatProgressLine(event, stream.columns ?? 80)}`);
			isDrawn = true;
		},
		clear() {
			if (isDrawn) stream.write('\r\u001B[2K');
			isDrawn = false;
		},
	};
}

export const benchRunCommand: CommandSpec = {
	name: 'bench run',
	summary: 'Run a benchmark suite bare metal or in a resource-pinned container and store it under a release',
	usage: 'rqc bench run SUITE --release NAME [--mode auto|docker|bare-metal] [--environment ci|production|dev] [--interleave] [--no-wait]',
	examples: [
		'rqc bench run calibration --release v1.3.0',
		'rqc bench run benchmarks/example.yaml --release v1.3.0 --mode bare-metal --git-sha $(git rev-parse HEAD)',
		'rqc bench run calibration --release ci-123 --environment ci --cpus 2 --memory 2g --json',
	],
	flags: {
		release: {type: 'string', description: 'The release the run belongs to (created on first use)'},
		mode: {type: 'string', default: 'auto', description: 'auto (by --environment), docker, or bare-metal'},
		environment: {type: 'string', description: 'ci → docker, production → bare metal, dev → docker (default: ci when $CI is set, else dev)'},
		gitSha: {type: 'string', description: "The measured target's git commit, stored with the run"},
		interleave: {type: 'boolean', default: false, description: 'Run the cases round-robin, one iteration at a time (cancels drift)'},
		wait: {type: 'boolean', default: true, description: 'Wait for another run on this host (--no-wait fails at once)'},
		case: {type: 'string', isMultiple: true, description: 'Only this case (repeatable)'},
		iterations: {type: 'number', description: "Override every case's iteration count"},
		warmup: {type: 'number', description: "Override every case's warmup count"},
		image: {type: 'string', description: 'Docker mode: the image (default $RQC_BENCH_IMAGE, else the first built of rqc/benchmark-runner:0.1.0, rqc-standin-runner:ci, rqc-busybox:test)'},
		cpus: {type: 'number', description: 'Docker mode: CPUs (default min(4, host cores))'},
		memory: {type: 'string', description: 'Docker mode: memory, also the memory+swap limit (default min(8g, half the host))'},
		cpuShares: {type: 'number', description: 'Docker mode: cpu shares (default 1024)'},
		pidsLimit: {type: 'number', description: 'Docker mode: pids limit (default 4096)'},
		nofile: {type: 'number', description: "Docker mode: nofile ulimit (default 65536, or this process's hard limit when lower)"},
	},
	async run(context) {
		const [reference, ...extra] = context.args;
		if (!reference) throw new UserError('which suite? give a suite name or file', 'rqc bench list shows the suites; e.g. rqc bench run calibration --release v1.3.0');
		if (extra.length > 0) throw new UserError(`unexpected arguments: ${extra.join(' ')}`, 'give one suite per run');
		const {flags} = context;
		const release = typeof flags.release === 'string' ? flags.release.trim() : '';
		if (release === '') throw new UserError('--release is required: the release this run belongs to', 'e.g. --release v1.3.0 (created on first use)');
		verifyNewReleaseName(release);
		if (typeof flags.image === 'string' && flags.image !== '') verifyImageReference(flags.image);
		const modeFlag = String(flags.mode ?? 'auto');
		if (!['auto', 'docker', 'bare-metal', 'bare_metal'].includes(modeFlag)) throw new UserError(`--mode ${modeFlag}: must be auto, docker or bare-metal`);
		const environment = readEnvironment(flags.environment, context.env);
		const mode = chooseMode(modeFlag, environment);
		const iterations = optionalNumber(flags.iterations, 'iterations', {isInteger: true});
		const warmup = flags.warmup === 0 ? 0 : optionalNumber(flags.warmup, 'warmup', {isInteger: true});

		const {getSuiteDirectories, resolveSuite, verifyCaseDirectories} = await import('../bench/suite.js');
		const suite = await resolveSuite(reference, getSuiteDirectories());
		if (mode === 'bare_metal') await verifyCaseDirectories(suite);
		const {runBenchmark} = await import('../bench/runner.js');
		// Opened while the lock is taken and the container starts (the embedded store takes ~2 s).
		const store = context.openStore();
		const cache = await context.openCache();
		const isTty = Boolean(context.stderr.isTTY) && !context.isJson;
		const progress = isTty ? createProgressLine(context.stderr) : undefined;
		const notice = (text: string): void => {
			progress?.clear();
			context.stderr.write(`rqc: ${text}\n`);
		};

		if (!context.isJson) context.stderr.write(`rqc: running suite ${suite.name} (${suite.cases.length} cases) ${mode === 'docker' ? 'in docker' : 'bare metal'} for release ${release}\n`);
		const result = await runBenchmark({
			suite,
			mode,
			release,
			gitSha: typeof flags.gitSha === 'string' && flags.gitSha !== '' ? flags.gitSha : undefined,
			isInterleaved: Boolean(flags.interleave),
			cases: Array.isArray(flags.case) ? (flags.case as string[]) : undefined,
			iterations,
			warmup,
			image: typeof flags.image === 'string' && flags.image !== '' ? flags.image : undefined,
			limits: {
				cpus: optionalNumber(flags.cpus, 'cpus', {isInteger: false}),
				memory: typeof flags.memory === 'string' ? flags.memory : undefined,
				cpuShares: optionalNumber(flags.cpuShares, 'cpu-shares', {isInteger: true}),
				pidsLimit: optionalNumber(flags.pidsLimit, 'pids-limit', {isInteger: true}),
				nofile: optionalNumber(flags.nofile, 'nofile', {isInteger: true}),
			},
			shouldWait: flags.wait !== false,
		}, {
			store,
			cache,
			config: context.config,
			signal: context.signal,
			env: context.env,
			onEvent: (event) => progress?.update(event),
			onNotice: notice,
		});
		progress?.clear();
		if (context.isJson) context.stdout.write(toJson({run: result}) + '\n');
		else context.stdout.write(describeResult(result, context.hasColor) + '\n');
		if (result.spoolFile) return EXIT.unreachable;
		return result.status === 'completed' ? EXIT.ok : EXIT.failure;
	},
};

export const benchListCommand: CommandSpec = {
	name: 'bench list',
	summary: 'List the benchmark suites (./benchmarks and the shipped ones) and their cases',
	usage: 'rqc bench list [--json]',
	examples: ['rqc bench list', 'rqc bench list --json'],
	flags: {},
	async run(context) {
		const {getSuiteDirectories, listSuites} = await import('../bench/suite.js');
		const suites = await listSuites(getSuiteDirectories());
		if (context.isJson) {
			context.stdout.write(toJson({suites}) + '\n');
			return EXIT.ok;
		}

		if (suites.length === 0) {
			context.stdout.write(`no suites in ${getSuiteDirectories().join(' or ')}\n`);
			return EXIT.ok;
		}

		for (const suite of suites) {
			if (suite.problems.length > 0) {
				context.stdout.write(`${paint(SYMBOL.bad, 'red', context.hasColor)} ${suite.file}: invalid (${suite.problems.length} problems; rqc bench run ${suite.file} lists them)\n`);
				continue;
			}

			context.stdout.write(`${fit(suite.name, Math.max(14, displayWidth(suite.name)))} ${suite.cases.length} cases  ${suite.description ?? ''}\n${' '.repeat(15)}${suite.cases.join(', ')}\n${' '.repeat(15)}${suite.file}\n`);
		}

		return EXIT.ok;
	},
};
