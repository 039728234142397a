/**
 * `rqc compare BASE CANDIDATE`: the release comparison as a table, JSON, markdown or JUnit XML;
 * with --fail-on-regression, exit 1 when any case is a regression, failing or missing (unless
 * --allow-missing), or no case is in both releases. The exit code is the same in every format.
 * Imports no Ink: --json output must never load the UI.
 */
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import {judgeGate, VERDICT_LABELS} from '../compare/verdicts.js';
import type {ComparisonReport} from '../compare/load-comparison.js';
import type {Metric} from '../compare/environment.js';
import type {Correction} from '../stats/multiple-testing.js';
import type {CommandSpec} from './types.js';

export type CompareFormat = 'table' | 'json' | 'markdown' | 'junit';

/** --format (and --json, which means --format json). */
export function parseFormat(value: unknown, isJson: boolean): CompareFormat {
	const format = value === undefined || value === '' ? (isJson ? 'json' : 'table') : String(value);
	if (format !== 'table' && format !== 'json' && format !== 'markdown' && format !== 'junit') {
		throw new UserError(`--format ${format}: must be table, json, markdown or junit`, 'e.g. rqc compare v1 v2 --format markdown >> "$GITHUB_STEP_SUMMARY"');
	}

	if (isJson && format !== 'json') throw new UserError(`--json and --format ${format} ask for two formats`, 'pass one of them');
	return format;
}

export function parseCorrection(value: unknown): Correction {
	const correction = String(value ?? 'holm').toLowerCase();
	if (correction !== 'holm' && correction !== 'bh' && correction !== 'none') throw new UserError(`--correction ${correction}: must be holm, bh or none`, 'e.g. --correction bh (Benjamini-Hochberg, for large suites)');
	return correction;
}

/** "2%", "2", "0.5 %" → 2, 2, 0.5. */
export function parseThreshold(text: unknown): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(text));
	const value = match ? Number(match[1]) : Number.NaN;
	if (!(value >= 0 && value < 1000)) throw new UserError(`--threshold ${String(text)}: must be a percentage like 2% or 0.5%`, 'e.g. rqc compare v1 v2 --threshold 5%');
	return value;
}

/** --seed: a whole number (the bootstrap's seed). */
export function parseSeed(value: unknown): number {
	const seed = Number(value ?? 1);
	if (!Number.isSafeInteger(seed)) throw new UserError(`--seed ${String(value)}: must be a whole number`, 'e.g. --seed 42');
	return seed;
}

export function parseAlpha(value: unknown): number {
	const alpha = Number(value);
	if (!(alpha > 0 && alpha < 0.5)) throw new UserError(`--alpha ${String(value)}: must be between 0 and 0.5`, 'e.g. --alpha 0.05');
	return alpha;
}

export function parseMetric(value: unknown): Metric {
	const metric = String(value ?? 'wall');
	if (metric !== 'wall' && metric !== 'cpu' && metric !== 'rss') throw new UserError(`--metric ${metric}: must be wall, cpu or rss`, 'e.g. --metric cpu');
	return metric;
}

/** The JSON document of a comparison (stable field names; absent and unbounded values are null). */
export function toComparisonJson(report: ComparisonReport, gate: {readonly allowMissing?: boolean} = {}): unknown {
	const {result} = report;
	return {
		base: report.base,
		candidate: report.candidate,
		metric: report.metric,
		unit: report.unit,
		alpha: result.alpha,
		thresholdPct: result.thresholdPct,
		isStrict: result.isStrict,
		correction: {method: result.correction, cases: result.testedCases},
		minSamples: result.minSamples,
		commonCases: result.commonCases,
		isAdjusted: report.isAdjusted,
		isRawAcrossEnvironments: report.isRawAcrossEnvironments,
		isCached: report.isCached,
		warnings: report.warnings,
		hasRegression: report.hasRegression,
		gate: judgeGate(result.counts, result.commonCases, gate),
		counts: result.counts,
		cases: result.cases.map((row) => ({
			case: row.caseName,
			verdict: row.verdict,
			symbol: VERDICT_LABELS[row.verdict].symbol,
			base: row.base ?? null,
			candidate: row.candidate ?? null,
			adjustedCandidateMedian: row.adjustedCandidateMedian,
			adjustment: row.adjustment ?? null,
			changePct: row.changePct,
			changeLowPct: row.changeLowPct,
			changeHighPct: row.changeHighPct,
			changeBasis: row.changeBasis,
			intervalBasis: row.intervalBasis ?? null,
			isInGeomean: row.isInGeomean,
			failures: row.failures ?? null,
			shift: row.shift ?? null,
			pValue: row.pValue,
			pAdjusted: row.pAdjusted,
			isSignificant: row.isSignificant,
		})),
		geomean: result.geomean ?? null,
		geomeanExcluded: result.geomeanExcluded,
	};
}

export const compareCommand: CommandSpec = {
	name: 'compare',
	summary: 'Compare two releases case by case: medians, change with its interval, p-value and verdict',
	usage: 'rqc compare BASE CANDIDATE [--suite S] [--threshold 2%] [--strict] [--alpha 0.05] [--correction holm|bh|none] [--metric wall|cpu|rss] [--fail-on-regression [--allow-missing]] [--no-adjust] [--format table|json|markdown|junit] [--json]',
	examples: [
		'rqc compare v1.4.0 v1.5.0',
		'rqc compare v1.4.0 v1.5.0 --suite api --threshold 5% --fail-on-regression',
		'rqc compare v1.5.0@bare-metal v1.5.0@docker',
		'rqc compare v1.4.0 v1.5.0 --json',
		'rqc compare v1.4.0 v1.5.0 --format markdown >> "$GITHUB_STEP_SUMMARY"',
		'rqc compare v1.4.0 v1.5.0 --format junit --fail-on-regression > rqc-junit.xml',
	],
	flags: {
		suite: {type: 'string', description: 'Only runs of this suite'},
		threshold: {type: 'string', default: '2%', description: 'Smallest change that counts as a regression or improvement (symmetric: 2% is a ratio above 1.02 or below 1/1.02)'},
		strict: {type: 'boolean', default: false, description: 'A regression or improvement needs the whole change interval beyond the threshold, not just the estimate'},
		alpha: {type: 'number', default: 0.05, description: 'Significance level (after the correction across cases); intervals are at 1 - alpha'},
		correction: {type: 'string', default: 'holm', description: 'Correction across cases: holm (family-wise), bh (Benjamini-Hochberg, false-discovery rate) or none'},
		metric: {type: 'string', default: 'wall', description: 'wall (wall time), cpu (user + system time) or rss (peak memory)'},
		failOnRegression: {type: 'boolean', default: false, description: 'Exit 1 on a regression, a failing or missing case, or no case in common (any --format)'},
		allowMissing: {type: 'boolean', default: false, description: 'With --fail-on-regression: accept cases of the base removed from the candidate'},
		format: {type: 'string', description: 'table (default), json (same as --json), markdown (a PR comment or $GITHUB_STEP_SUMMARY) or junit (XML for CI test reports)'},
		adjust: {type: 'boolean', default: true, description: 'Adjust for docker/bare-metal or limit differences with a calibration (--no-adjust: raw numbers)'},
		seed: {type: 'number', default: 1, description: 'Seed of the bootstrap intervals (same seed, same intervals)'},
	},
	async run(context) {
		const [base, candidate, ...extra] = context.args;
		if (!base || !candidate || extra.length > 0) {
			throw new UserError('compare takes exactly two releases: BASE and CANDIDATE', 'e.g. rqc compare v1.4.0 v1.5.0 (rqc releases lists them)');
		}

		const flags = context.flags;
		const format = parseFormat(flags.format, context.isJson);
		const request = {
			base,
			candidate,
			suite: typeof flags.suite === 'string' && flags.suite !== '' ? flags.suite : undefined,
			thresholdPct: parseThreshold(flags.threshold ?? '2%'),
			alpha: parseAlpha(flags.alpha ?? 0.05),
			metric: parseMetric(flags.metric),
			noAdjust: flags.adjust === false,
			seed: parseSeed(flags.seed),
			isStrict: flags.strict === true,
			correction: parseCorrection(flags.correction),
		};
		const gateOptions = {isGated: flags.failOnRegression === true, allowMissing: flags.allowMissing === true};
		// Loaded here, not at the top: every other command's start-up stays free of the statistics.
		const [{loadComparison}, {formatComparisonTable}, {formatComparisonMarkdown}, {formatComparisonJunit}] = await Promise.all([
			import('../compare/load-comparison.js'), import('../compare/format.js'), import('../compare/report-markdown.js'), import('../compare/report-junit.js'),
		]);
		const store = await context.openStore();
		// The cache only pays off when shared (Redis); an in-process one dies with this command.
		const cache = context.config.redisUrl ? await context.openCache().catch(() => undefined) : undefined;
		const report = await loadComparison(store, request, cache);
		if (format === 'json') context.stdout.write(toJson(toComparisonJson(report, gateOptions)) + '\n');
		else if (format === 'markdown') context.stdout.write(formatComparisonMarkdown(report, gateOptions));
		else if (format === 'junit') context.stdout.write(formatComparisonJunit(report, gateOptions));
		else context.stdout.write(formatComparisonTable(report, context.hasColor, gateOptions) + '\n');
		return gateOptions.isGated && judgeGate(report.result.counts, report.result.commonCases, gateOptions).isFailing ? EXIT.failure : EXIT.ok;
	},
};
