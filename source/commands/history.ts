/**
 * `rqc history`: per case, where its median changed across releases (change points, newest
 * first) and its trend; with --fail-on-regression --since R, a nightly gate that exits 1 when a
 * change towards slower beyond the threshold lies at or after R. Imports no Ink.
 */
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import type {ReleaseOrder} from '../compare/history.js';
import {parseMetric, parseThreshold} from './compare.js';
import type {CommandSpec} from './types.js';

function parseOrder(value: unknown): ReleaseOrder {
	const order = String(value ?? 'first-run');
	if (order !== 'first-run' && order !== 'semver') throw new UserError(`--order ${order}: must be first-run or semver`, 'e.g. --order semver when release names are versions');
	return order;
}

function parseMode(value: unknown): 'bare_metal' | 'docker' | undefined {
	if (value === undefined || value === '') return undefined;
	if (value === 'bare-metal' || value === 'bare_metal') return 'bare_metal';
	if (value === 'docker') return 'docker';
	throw new UserError(`--mode ${String(value)}: must be bare-metal or docker`, 'e.g. --mode docker');
}

function optionalText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

export const historyCommand: CommandSpec = {
	name: 'history',
	summary: 'Where each case got slower or faster across releases: change points and trends',
	usage: 'rqc history [--suite S] [--case C] [--metric wall|cpu|rss] [--mode bare-metal|docker] [--since RELEASE] [--order first-run|semver] [--fail-on-regression] [--threshold 2%] [--json]',
	examples: [
		'rqc history',
		'rqc history --case parse --metric cpu',
		'rqc history --since v1.5.0 --fail-on-regression --threshold 3%',
		'rqc history --order semver --json',
	],
	flags: {
		suite: {type: 'string', description: 'Only cases of this suite'},
		case: {type: 'string', description: 'Only this case, with a chart of its history'},
		metric: {type: 'string', default: 'wall', description: 'wall (wall time), cpu (user + system time) or rss (peak memory)'},
		mode: {type: 'string', description: 'Only runs measured bare-metal or in docker (each set-up is its own series either way)'},
		since: {type: 'string', description: 'Only change points at or after this release (and the gate looks there)'},
		order: {type: 'string', default: 'first-run', description: 'Release order: first-run (when each release first ran) or semver (by version name)'},
		failOnRegression: {type: 'boolean', default: false, description: 'Exit 1 when a change towards slower beyond the threshold lies at or after --since'},
		threshold: {type: 'string', default: '2%', description: 'Smallest change towards slower that fails the gate'},
	},
	async run(context) {
		if (context.args.length > 0) throw new UserError(`history takes no arguments (got ${JSON.stringify(context.args[0])})`, 'e.g. rqc history --case parse');
		const flags = context.flags;
		const metric = parseMetric(flags.metric);
		const order = parseOrder(flags.order);
		const mode = parseMode(flags.mode);
		const thresholdPct = parseThreshold(flags.threshold ?? '2%');
		const caseName = optionalText(flags.case);
		const sinceName = optionalText(flags.since);
		const [{loadHistories, findRegressions, getChangePointsSince}, format] = await Promise.all([
			import('../compare/history.js'),
			import('../compare/history-format.js'),
		]);
		const store = await context.openStore();
		const {histories, releases} = await loadHistories(store, {metric, suite: optionalText(flags.suite), caseName, mode, order});
		if (caseName !== undefined && histories.length === 0) {
			throw new UserError(`no completed runs of case ${JSON.stringify(caseName)}${flags.suite ? ` in suite ${JSON.stringify(flags.suite)}` : ''}`, 'rqc history without --case lists the cases that have history');
		}

		let since: {release: string; firstRunAt: Date} | undefined;
		if (sinceName !== undefined) {
			const firstRunAt = releases.get(sinceName);
			if (!firstRunAt) {
				const known = [...releases.keys()].slice(-5).join(', ');
				throw new UserError(`unknown release ${JSON.stringify(sinceName)} for --since (no completed run)`, known ? `latest releases: ${known} (rqc releases lists all)` : 'rqc releases lists them');
			}

			since = {release: sinceName, firstRunAt};
		}

		if (flags.failOnRegression && since === undefined) {
			throw new UserError('--fail-on-regression needs --since RELEASE: the gate fails on changes at or after it', 'e.g. rqc history --since v1.5.0 --fail-on-regression');
		}

		const getChangePoints = (history: Parameters<typeof getChangePointsSince>[0]) => getChangePointsSince(history, since, order);
		const regressions = findRegressions(histories, {since, order, thresholdPct});
		if (context.isJson) {
			context.stdout.write(toJson({
				metric,
				order,
				since: sinceName ?? null,
				thresholdPct,
				series: format.toHistoryJson(histories, {metric, withPoints: caseName !== undefined, getChangePoints}),
				regressions: regressions.map(({history, changePoint}) => ({suite: history.suite, case: history.caseName, setup: history.setup, releaseAfter: changePoint.releaseAfter, changePct: changePoint.change * 100})),
			}) + '\n');
		} else {
			const width = context.stdout.columns ?? 100;
			context.stdout.write(format.formatHistories(histories, {metric, hasColor: context.hasColor, width, isChart: caseName !== undefined, getChangePoints}) + '\n');
			if (flags.failOnRegression) {
				context.stdout.write(regressions.length === 0
					? `gate: no change towards slower beyond ${thresholdPct}% at or after ${sinceName}\n`
					: `gate: ${regressions.length} change${regressions.length === 1 ? '' : 's'} towards slower beyond ${thresholdPct}% at or after ${sinceName}: ${regressions.map(({history, changePoint}) => `${history.caseName} ${format.formatChange(changePoint)} at ${changePoint.releaseAfter}`).join('; ')}\n`);
			}
		}

		return flags.failOnRegression && regressions.length > 0 ? EXIT.failure : EXIT.ok;
	},
};
