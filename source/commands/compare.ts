/**
 * `rqc compare BASE CANDIDATE`: the release comparison as a table or JSON; with
 * --fail-on-regression, exit 1 when any case is significantly slower by more than the threshold.
 * Imports no Ink: --json output must never load the UI.
 */
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import type {ComparisonReport} from '../compare/load-comparison.js';
import type {Metric} from '../compare/environment.js';
import type {CommandSpec} from './types.js';

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
export function toComparisonJson(report: ComparisonReport): unknown {
	const {result} = report;
	return {
		base: report.base,
		candidate: report.candidate,
		metric: report.metric,
		unit: report.unit,
		alpha: result.alpha,
		thresholdPct: result.thresholdPct,
		minSamples: result.minSamples,
		isAdjusted: report.isAdjusted,
		isRawAcrossEnvironments: report.isRawAcrossEnvironments,
		isCached: report.isCached,
		warnings: report.warnings,
		hasRegression: report.hasRegression,
		counts: result.counts,
		cases: result.cases.map((row) => ({
			case: row.caseName,
			verdict: row.verdict,
			base: row.base ?? null,
			candidate: row.candidate ?? null,
			adjustedCandidateMedian: row.adjustedCandidateMedian,
			adjustment: row.adjustment ?? null,
			changePct: row.changePct,
			changeLowPct: row.changeLowPct,
			changeHighPct: row.changeHighPct,
			shift: row.shift ?? null,
			pValue: row.pValue,
			pAdjusted: row.pAdjusted,
			isSignificant: row.isSignificant,
		})),
		geomean: result.geomean ?? null,
	};
}

export const compareCommand: CommandSpec = {
	name: 'compare',
	summary: 'Compare two releases case by case: medians, change with its interval, p-value and verdict',
	usage: 'rqc compare BASE CANDIDATE [--suite S] [--threshold 2%] [--alpha 0.05] [--metric wall|cpu|rss] [--fail-on-regression] [--no-adjust] [--json]',
	examples: [
		'rqc compare v1.4.0 v1.5.0',
		'rqc compare v1.4.0 v1.5.0 --suite api --threshold 5% --fail-on-regression',
		'rqc compare v1.5.0@bare-metal v1.5.0@docker',
		'rqc compare v1.4.0 v1.5.0 --json',
	],
	flags: {
		suite: {type: 'string', description: 'Only runs of this suite'},
		threshold: {type: 'string', default: '2%', description: 'Smallest change that counts as a regression or improvement'},
		alpha: {type: 'number', default: 0.05, description: 'Significance level (Holm-adjusted across cases); intervals are at 1 - alpha'},
		metric: {type: 'string', default: 'wall', description: 'wall (wall time), cpu (user + system time) or rss (peak memory)'},
		failOnRegression: {type: 'boolean', default: false, description: 'Exit 1 when any case is a significant regression beyond the threshold'},
		adjust: {type: 'boolean', default: true, description: 'Adjust for docker/bare-metal or limit differences with a calibration (--no-adjust: raw numbers)'},
		seed: {type: 'number', default: 1, description: 'Seed of the bootstrap intervals (same seed, same intervals)'},
	},
	async run(context) {
		const [base, candidate, ...extra] = context.args;
		if (!base || !candidate || extra.length > 0) {
			throw new UserError('compare takes exactly two releases: BASE and CANDIDATE', 'e.g. rqc compare v1.4.0 v1.5.0 (rqc releases lists them)');
		}

		const flags = context.flags;
		const request = {
			base,
			candidate,
			suite: typeof flags.suite === 'string' && flags.suite !== '' ? flags.suite : undefined,
			thresholdPct: parseThreshold(flags.threshold ?? '2%'),
			alpha: parseAlpha(flags.alpha ?? 0.05),
			metric: parseMetric(flags.metric),
			noAdjust: flags.adjust === false,
			seed: parseSeed(flags.seed),
		};
		// Loaded here, not at the top: every other command's start-up stays free of the statistics.
		const [{loadComparison}, {formatComparisonTable}] = await Promise.all([import('../compare/load-comparison.js'), import('../compare/format.js')]);
		const store = await context.openStore();
		// The cache only pays off when shared (Redis); an in-process one dies with this command.
		const cache = context.config.redisUrl ? await context.openCache().catch(() => undefined) : undefined;
		const report = await loadComparison(store, request, cache);
		if (context.isJson) context.stdout.write(toJson(toComparisonJson(report)) + '\n');
		else context.stdout.write(formatComparisonTable(report, context.hasColor) + '\n');
		return flags.failOnRegression && report.hasRegression ? EXIT.failure : EXIT.ok;
	},
};
