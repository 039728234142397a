/**
 * `rqc export --release X [--format json|csv] [--output FILE]`: a release's runs and samples with
 * their environments, so data leaves as easily as it came in. `rqc import` reads the file back
 * (the round trip is lossless). No Ink.
 */
import {rename, rm, writeFile} from 'node:fs/promises';
import {EXIT, UserError} from '../errors.js';
import {toJson} from '../json.js';
import {formatExportCsv, formatExportJson, type ExportData} from '../importers/index.js';
import type {RunStatus} from '../store/records.js';
import type {Store} from '../store/store.js';
import {getRqcVersion, verifyReleaseName} from './import.js';
import type {CommandSpec} from './types.js';

const ALL_STATUSES: readonly RunStatus[] = ['running', 'completed', 'aborted', 'failed'];

/** Everything of one release, runs oldest first, warmups and every status included. */
export async function getExportData(store: Store, release: string, options: {suite?: string; now: Date}): Promise<ExportData> {
	const found = await store.getRelease(release);
	if (!found) throw new UserError(`unknown release "${release}"`, 'see the known ones with rqc releases');
	const runs = (await store.listRuns({release, limit: 1_000_000, statuses: ALL_STATUSES}))
		.filter((r) => options.suite === undefined || r.suite === options.suite)
		.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id);
	const samples = runs.length === 0
		? []
		: await store.getSamples({release, runIds: runs.map((r) => r.id), includeWarmup: true, statuses: ALL_STATUSES});
	const byRun = new Map<number, typeof samples>();
	for (const s of samples) {
		const list = byRun.get(s.runId) ?? [];
		list.push(s);
		byRun.set(s.runId, list);
	}

	return {
		release: found,
		runs: runs.map((run) => ({run, samples: byRun.get(run.id) ?? []})),
		rqcVersion: getRqcVersion(),
		exportedAt: options.now,
	};
}

export function parseExportFormat(value: unknown): 'json' | 'csv' {
	const format = value === undefined || value === '' ? 'json' : String(value).toLowerCase();
	if (format !== 'json' && format !== 'csv') throw new UserError(`--format ${String(value)}: must be json or csv`, 'e.g. rqc export --release v1.4.0 --format csv');
	return format;
}

export const exportCommand: CommandSpec = {
	name: 'export',
	summary: 'Export a release\'s samples with their environments as JSON or CSV (rqc import reads it back)',
	usage: 'rqc export --release X [--format json|csv] [--suite S] [--output FILE]',
	examples: [
		'rqc export --release v1.4.0 > v1.4.0.json',
		'rqc export --release v1.4.0 --format csv --output v1.4.0.csv',
	],
	flags: {
		release: {type: 'string', description: 'The release to export'},
		format: {type: 'string', description: 'json (default) or csv'},
		suite: {type: 'string', description: 'Only runs of this suite'},
		output: {type: 'string', shortFlag: 'o', description: 'Write to FILE instead of stdout'},
	},
	async run(context) {
		const release = verifyReleaseName(context.flags.release, 'export');
		const format = parseExportFormat(context.flags.format);
		const output = typeof context.flags.output === 'string' && context.flags.output !== '' ? context.flags.output : undefined;
		if (context.isJson && format === 'csv' && !output) {
			throw new UserError('--json puts only JSON on stdout, so CSV needs --output FILE', 'e.g. rqc export --release v1.4.0 --format csv --output v1.4.0.csv');
		}

		const suite = typeof context.flags.suite === 'string' && context.flags.suite !== '' ? context.flags.suite : undefined;
		const store = await context.openStore();
		const data = await getExportData(store, release, {...(suite ? {suite} : {}), now: new Date()});
		const text = format === 'csv' ? formatExportCsv(data) : formatExportJson(data);
		if (!output) {
			context.stdout.write(text);
			return EXIT.ok;
		}

		// Written beside the target and renamed, so a failed export never leaves half a file.
		const partial = `${output}.partial-${process.pid}`;
		try {
			await writeFile(partial, text);
			await rename(partial, output);
		} catch (error) {
			await rm(partial, {force: true});
			throw new UserError(`cannot write ${output}: ${(error as Error).message}`, 'choose a writable path with --output');
		}

		const sampleCount = data.runs.reduce((n, r) => n + r.samples.length, 0);
		const summary = {release, format, output, runs: data.runs.length, samples: sampleCount};
		if (context.isJson) context.stdout.write(toJson(summary) + '\n');
		else context.stdout.write(`exported ${sampleCount} samples of ${data.runs.length} runs of release ${release} to ${output} (${format})\n`);
		return EXIT.ok;
	},
};
