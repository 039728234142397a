/**
 * `rqc export --release X [--format json|csv] [--output FILE]`: a release's runs and samples with
 * their environments, so data leaves as easily as it came in. `rqc import` reads the file back
 * (the round trip is lossless). No Ink.
 */
import {createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {rename, rm, writeFile} from 'node:fs/promises';
import type {Writable} from 'node:stream';
import {EXIT, isRqcError, UserError} from '../errors.js';
import {toJson} from '../json.js';
import {CSV_COLUMNS, exportAllJson, formatExportCsv, formatExportCsvRows, formatExportJson, type ExportData} from '../importers/index.js';
import type {RunStatus} from '../store/records.js';
import type {Store} from '../store/store.js';
import {getRqcVersion} from '../config.js';
import {verifyReleaseName} from './import.js';
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

/**
 * `rqc export --all`: every release (runs with their environments, every sample) and, in JSON,
 * every calibration, written one release at a time so memory stays flat whatever the history.
 */
export async function writeExportAll(store: Store, out: Writable, options: {format: 'json' | 'csv'; now: Date}): Promise<{releases: number; runs: number; samples: number; calibrations: number}> {
	const write = async (text: string): Promise<void> => {
		if (text !== '' && !out.write(text)) await once(out, 'drain');
	};

	const totals = {releases: 0, runs: 0, samples: 0, calibrations: 0};
	await write(options.format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : exportAllJson.head({rqcVersion: getRqcVersion(), exportedAt: options.now}));
	for (const release of await store.listReleases()) {
		const data = await getExportData(store, release.name, {now: options.now});
		await write(options.format === 'csv' ? formatExportCsvRows(data) : exportAllJson.release(data, totals.releases === 0));
		totals.releases++;
		totals.runs += data.runs.length;
		totals.samples += data.runs.reduce((n, r) => n + r.samples.length, 0);
	}

	if (options.format === 'json') {
		const calibrations = await store.listCalibrations();
		totals.calibrations = calibrations.length;
		await write(exportAllJson.tail(calibrations));
	}

	return totals;
}

export function parseExportFormat(value: unknown): 'json' | 'csv' {
	const format = value === undefined || value === '' ? 'json' : String(value).toLowerCase();
	if (format !== 'json' && format !== 'csv') throw new UserError(`--format ${String(value)}: must be json or csv`, 'e.g. rqc export --release v1.4.0 --format csv');
	return format;
}

export const exportCommand: CommandSpec = {
	name: 'export',
	summary: 'Export a release\'s samples with their environments as JSON or CSV (rqc import reads it back)',
	usage: 'rqc export (--release X | --all) [--format json|csv] [--suite S] [--output FILE]',
	examples: [
		'rqc export --all --format csv --output history.csv    # everything: move to another store with rqc import history.csv',
		'rqc export --release v1.4.0 > v1.4.0.json',
		'rqc export --release v1.4.0 --format csv --output v1.4.0.csv',
	],
	flags: {
		release: {type: 'string', description: 'The release to export'},
		all: {type: 'boolean', description: 'Every release, run, sample (and, in JSON, calibration), streamed'},
		format: {type: 'string', description: 'json (default) or csv'},
		suite: {type: 'string', description: 'Only runs of this suite'},
		output: {type: 'string', shortFlag: 'o', description: 'Write to FILE instead of stdout'},
	},
	async run(context) {
		const format = parseExportFormat(context.flags.format);
		const output = typeof context.flags.output === 'string' && context.flags.output !== '' ? context.flags.output : undefined;
		if (context.isJson && format === 'csv' && !output) {
			throw new UserError('--json puts only JSON on stdout, so CSV needs --output FILE', 'e.g. rqc export --release v1.4.0 --format csv --output v1.4.0.csv');
		}

		if (context.flags.all === true) {
			if (typeof context.flags.release === 'string' && context.flags.release !== '') throw new UserError('--all and --release cannot go together', 'export one release with --release X, or everything with --all');
			if (context.isJson && !output) throw new UserError('--json puts only JSON on stdout, so --all needs --output FILE', 'e.g. rqc export --all --output history.json --json');
			const store = await context.openStore();
			if (!output) {
				await writeExportAll(store, context.stdout, {format, now: new Date()});
				return EXIT.ok;
			}

			// Streamed into a file beside the target and renamed: a failed export leaves no half file.
			const partial = `${output}.partial-${process.pid}`;
			let totals;
			try {
				const file = createWriteStream(partial, {mode: 0o600});
				totals = await writeExportAll(store, file, {format, now: new Date()});
				file.end();
				await once(file, 'close');
				await rename(partial, output);
			} catch (error) {
				await rm(partial, {force: true});
				// The store's own errors (unreachable, ...) keep their kind; only the file's are ours.
				if (isRqcError(error) || !String((error as NodeJS.ErrnoException).code ?? '').startsWith('E')) throw error;
				throw new UserError(`cannot write ${output}: ${(error as Error).message}`, 'choose a writable path with --output');
			}

			if (context.isJson) context.stdout.write(toJson({all: true, format, output, ...totals}) + '\n');
			else context.stdout.write(`exported ${totals.samples} samples of ${totals.runs} runs in ${totals.releases} releases${format === 'json' ? ` and ${totals.calibrations} calibrations` : ''} to ${output} (${format})\n`);
			return EXIT.ok;
		}

		const release = verifyReleaseName(context.flags.release, 'export');

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
