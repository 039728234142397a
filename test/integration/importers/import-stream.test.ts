/**
 * issue 13 point 4: `rqc import` streams rqc export files (4.5 million samples in ≤ 300 MB).
 * A streamed import written in batches smaller than one (run, case) gives the same releases,
 * runs, samples and summaries as the whole-file import of before; a broken row near the end of a
 * file leaves the store unchanged; today's JSON and CSV exports still import. Embedded store, and
 * PostgreSQL and TimescaleDB (samples in hypertables) when they are there.
 */
import {createWriteStream, readFileSync, writeFileSync} from 'node:fs';
import {once} from 'node:events';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseFiles} from '../../../source/commands/import.js';
import {getExportData, writeExportAll} from '../../../source/commands/export.js';
import {formatExportCsv, formatExportJson, parseImport} from '../../../source/importers/index.js';
import {writeImports, type ParsedFile} from '../../../source/importers/write-imports.js';
import {openStore} from '../../../source/store/open-store.js';
import type {NewSample, SummaryMetric} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir, createTestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres, requireTimescale, timescaleUrl} from '../../helpers/services.js';

const now = new Date('2026-11-30T02:00:00.000Z');
const start = Date.UTC(2026, 0, 1);
const RELEASES = 4;
const CASES = 3;
const PER_CASE = 6;
/** Smaller than one (run, case): every pair's samples arrive in several batches. */
const SMALL_BATCH = 4;

/** A history with warmups, failures, CPU, memory and metrics, written through the store. */
async function fillSource(store: Store): Promise<void> {
	for (let r = 0; r < RELEASES; r++) {
		const release = `v${r}.0`;
		await store.transaction(async (tx) => {
			await tx.ensureRelease(release, {gitSha: `sha${r}`});
			for (let k = 0; k < 2; k++) {
				const startedAt = new Date(start + r * 86_400_000 + k * 1000);
				const run = await tx.createRun({
					release, suite: k === 0 ? 'core' : 'api', mode: k === 0 ? 'bare_metal' : 'docker', status: 'completed', startedAt,
					environment: {runtime: k === 0 ? 'bare_metal' : 'docker', hostFingerprint: 'fp', host: {cores: 2, cpuModel: 'x, "quoted"'}},
				});
				const samples: NewSample[] = [];
				for (let c = 0; c < CASES; c++) {
					for (let i = 0; i < PER_CASE; i++) {
						samples.push({
							runId: run.id, caseName: `case-${c + 1}`, iteration: i, time: new Date(startedAt.getTime() + (c * PER_CASE + i) * 10),
							wallNs: 1e6 * (1 + c) + 1000 * ((i * 7 + r) % 5), userUs: 900 + i, systemUs: 50 + c, maxRssBytes: 1e7 + i * 10,
							exitCode: c === 1 && i === 3 ? 1 : 0, isWarmup: i === 0, metrics: {allocs: i + c},
						});
					}
				}

				await tx.insertSamples(samples);
				await tx.finishRun(run.id, k === 0 ? 'completed' : 'aborted', {reason: k === 0 ? undefined : 'stopped,\nby hand', endedAt: new Date(startedAt.getTime() + 5000)});
			}
		});
	}
}

/** Everything a store holds of its history, without ids; figures rounded past float noise. */
async function dump(store: Store) {
	const round = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(12)) : v);
	const out: Record<string, unknown> = {};
	for (const release of await store.listReleases()) {
		const data = await getExportData(store, release.name, {now});
		const runIds = data.runs.map((r) => r.run.id);
		const summaries: Record<string, unknown> = {};
		for (const metric of ['wall', 'cpu', 'rss'] as SummaryMetric[]) {
			for (const s of await store.getRunSummaries(runIds, metric)) {
				const {runId, ...rest} = s;
				summaries[`${runIds.indexOf(runId)}/${s.caseName}/${metric}`] = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, round(v)]));
			}
		}

		out[release.name] = {
			gitSha: release.gitSha,
			runCount: release.runCount,
			sampleCount: release.sampleCount,
			runs: data.runs.map(({run, samples}) => ({
				suite: run.suite, mode: run.mode, status: run.status, statusReason: run.statusReason, startedAt: run.startedAt, endedAt: run.endedAt,
				environment: run.environment, samples: samples.map(({runId: _, ...s}) => s),
			})),
			summaries,
		};
	}

	return out;
}

/** The UserError an import fails with (exit 2), as its message. */
async function failureOf(importing: Promise<unknown>): Promise<string> {
	const error = await importing.then(() => undefined, (error_: unknown) => error_);
	expect(error).toMatchObject({name: 'UserError', exitCode: 2});
	return (error as Error).message;
}

function streamSuite(openTarget: () => Promise<{store: Store; cleanup: () => Promise<void>}>) {
	const temp = createTempDir('rqc-import-stream-');
	let source: Store;
	let expected: Awaited<ReturnType<typeof dump>>;
	const targets: Array<{store: Store; cleanup: () => Promise<void>}> = [];
	const newTarget = async () => {
		const target = await openTarget();
		targets.push(target);
		return target.store;
	};

	beforeAll(async () => {
		source = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'source')});
		await fillSource(source);
		expected = await dump(source);
	});
	afterAll(async () => {
		await source?.close();
		for (const target of targets) {
			await target.store.close();
			await target.cleanup();
		}

		temp.cleanup();
	});

	const exportAll = async (format: 'json' | 'csv') => {
		const file = path.join(temp.dir, `all.${format}`);
		const out = createWriteStream(file);
		await writeExportAll(source, out, {format, now});
		out.end();
		await once(out, 'close');
		return file;
	};

	for (const format of ['json', 'csv'] as const) {
		it(`a streamed import (${format}) in batches smaller than a case gives what the whole-file import gives`, async () => {
			const file = await exportAll(format);
			const streamed = await newTarget();
			const files = await parseFiles([file]);
			expect(files.every((f) => !('parsed' in f))).toBe(true);
			const summary = await writeImports(streamed, files, {release: undefined, now, batchSize: SMALL_BATCH});
			expect(summary.runs.reduce((n, r) => n + r.samples, 0)).toBe(RELEASES * 2 * CASES * PER_CASE);
			expect(summary.runs.every((r) => r.cases === CASES)).toBe(true);

			// As before: the whole text parsed, then written.
			const whole = await newTarget();
			const parsed: ParsedFile = {fileName: file, parsed: parseImport(readFileSync(file, 'utf8'), {fileName: file})};
			await writeImports(whole, [parsed], {release: undefined, now});

			// The whole-file import of before kept only the first release's git SHA; CSV has no column for it.
			const withoutSha = (d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, {...v as object, gitSha: undefined}]));
			const got = await dump(streamed);
			expect(withoutSha(got)).toEqual(withoutSha(await dump(whole)));
			expect(withoutSha(got)).toEqual(withoutSha(expected));
			if (format === 'json') expect(got).toEqual(expected);

			// Importing the same file again adds nothing.
			const again = await writeImports(streamed, await parseFiles([file]), {release: undefined, now, batchSize: SMALL_BATCH});
			expect(again.runs).toEqual([]);
			expect(again.samplesAlreadyStored).toBe(RELEASES * 2 * CASES * PER_CASE);
			expect(await dump(streamed)).toEqual(got);
		});
	}

	it('a bad row near the end of a CSV export rolls back every batch before it: exit 2 naming the file, line and column', async () => {
		const text = readFileSync(await exportAll('csv'), 'utf8').trimEnd().split('\n');
		const last = text.length;
		// The wall time of the last row: the column after time.
		text[last - 1] = text[last - 1]!.replace(/(,\d{4}-\d\d-\d\dT[\d:.]+Z,)\d+,/, '$1ten,');
		const file = path.join(temp.dir, 'broken.csv');
		writeFileSync(file, `${text.join('\n')}\n`);
		const target = await newTarget();
		// The last row starts a line early: its run's status reason holds a line break.
		expect(await failureOf(writeImports(target, await parseFiles([file]), {release: undefined, now, batchSize: SMALL_BATCH})))
			.toBe(`${file}: line ${last - 1}: column wall_ns: expected a number, got "ten"`);
		expect(await target.listReleases()).toEqual([]);
	});

	it('a value that does not fit the store in the last release of a JSON export rolls everything back, naming the field', async () => {
		const lines = readFileSync(await exportAll('json'), 'utf8').split('\n');
		// Lines: the head, one release per line, the calibrations and the end, an empty last line.
		const index = lines.length - 3;
		const release = JSON.parse(lines[index]!) as {runs: Array<{samples: Array<{wallNs: number}>}>};
		release.runs.at(-1)!.samples.at(-1)!.wallNs = -5;
		lines[index] = JSON.stringify(release);
		const file = path.join(temp.dir, 'broken.json');
		writeFileSync(file, lines.join('\n'));
		const target = await newTarget();
		await target.ensureRelease('kept');
		expect(await failureOf(writeImports(target, await parseFiles([file]), {release: undefined, now, batchSize: SMALL_BATCH})))
			.toMatch(/broken\.json: field releases\[3\]\.runs\[1\]\.samples\[17\]\.wallNs: /);
		expect((await target.listReleases()).map((r) => r.name)).toEqual(['kept']);

		// A file cut short: the JSON ends early, and nothing stays either.
		writeFileSync(file, lines.slice(0, -3).join('\n'));
		expect(await failureOf(writeImports(target, await parseFiles([file]), {release: undefined, now})))
			.toMatch(/broken\.json: line \d+: the JSON ends early \(truncated file\?\)$/);
		expect((await target.listReleases()).map((r) => r.name)).toEqual(['kept']);
	});

	it('today\'s exports still import through the stream: one release as pretty JSON and as CSV, and --all re-indented', async () => {
		const target = await newTarget();
		const data = await getExportData(source, 'v2.0', {now});
		const json = path.join(temp.dir, 'v2-old.json');
		const csv = path.join(temp.dir, 'v2-old.csv');
		writeFileSync(json, formatExportJson({...data, release: {...data.release, name: 'v2.0-json'}}));
		writeFileSync(csv, formatExportCsv({...data, release: {...data.release, name: 'v2.0-csv'}}));
		// The same --all content laid out differently: not one release per line.
		const indented = path.join(temp.dir, 'all-indented.json');
		writeFileSync(indented, JSON.stringify(JSON.parse(readFileSync(await exportAll('json'), 'utf8')), null, 2));
		const files = await parseFiles([json, csv, indented]);
		expect(files.every((f) => !('parsed' in f))).toBe(true);
		const summary = await writeImports(target, files, {release: undefined, now, batchSize: SMALL_BATCH});
		expect(summary.release.split(', ').sort()).toEqual(['v0.0', 'v1.0', 'v2.0', 'v2.0-csv', 'v2.0-json', 'v3.0']);
		const got = await dump(target);
		for (const name of ['v2.0-json', 'v2.0-csv']) expect({...got[name] as object, gitSha: undefined}).toEqual({...expected['v2.0'] as object, gitSha: undefined});
		expect((got['v2.0-json'] as {gitSha?: string}).gitSha).toBe('sha2');
		for (const name of ['v0.0', 'v1.0', 'v2.0', 'v3.0']) expect(got[name]).toEqual(expected[name]);
	});
}

describe('streamed import into the embedded store', () => {
	streamSuite(async () => {
		const temp = createTempDir('rqc-import-stream-target-');
		return {store: await openStore({databaseUrl: undefined, pgliteDir: temp.dir}), cleanup: async () => temp.cleanup()};
	});
});

describeWith([requirePostgres()], 'streamed import into PostgreSQL', () => {
	streamSuite(async () => {
		const db = await createTestDatabase();
		return {store: await openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup: async () => db.drop()};
	});
});

describeWith([requireTimescale()], 'streamed import into TimescaleDB', () => {
	streamSuite(async () => {
		const db = await createTestDatabase('rqc_ts_stream', timescaleUrl);
		const cleanup = async () => {
			// TimescaleDB's job scheduler can hold the database a moment (and the test role may not end it).
			for (let attempt = 1; ; attempt++) {
				try {
					await db.drop();
					return;
				} catch (error) {
					if (attempt >= 10) throw error;
					await new Promise((resolve) => setTimeout(resolve, 2000));
				}
			}
		};

		return {store: await openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup};
	});
});
