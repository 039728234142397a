/**
 * rqc history (issue 14) on real stores: per-run medians from PostgreSQL and the embedded store
 * (warmups, failed iterations and unfinished runs left out), and the built binary's report, JSON
 * and nightly gate against PostgreSQL.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openStore} from '../../source/store/open-store.js';
import type {NewSample} from '../../source/store/records.js';
import type {Store} from '../../source/store/store.js';
import {runCli} from '../helpers/cli.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../helpers/postgres.js';
import {describeWith, requirePostgres} from '../helpers/services.js';

const RELEASES = 30;
const STEP_AT = 20;

/**
 * 30 releases of suite "nightly": "moves" gets 12% slower at release r020, "steady" does not.
 * Each run also has warmups and a failed iteration far off, which must not count, and release
 * r010 has an aborted run with absurd values.
 */
async function writeHistory(store: Store): Promise<void> {
	const start = Date.UTC(2026, 0, 1);
	for (let release = 1; release <= RELEASES; release++) {
		const name = `r${String(release).padStart(3, '0')}`;
		const startedAt = new Date(start + release * 86_400_000);
		const run = await store.createRun({release: name, suite: 'nightly', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt});
		const samples: NewSample[] = [];
		for (const caseName of ['steady', 'moves']) {
			const level = caseName === 'moves' && release >= STEP_AT ? 1.12e6 : 1e6;
			for (let i = 0; i < 12; i++) {
				const wobble = 1 + (((release * 31 + i * 17) % 11) - 5) / 1000;
				samples.push({runId: run.id, caseName, iteration: i, time: new Date(startedAt.getTime() + i), wallNs: level * wobble, userUs: 900, systemUs: 100, exitCode: 0, isWarmup: i < 2 ? true : undefined});
			}

			samples.push({runId: run.id, caseName, iteration: 12, time: new Date(startedAt.getTime() + 12), wallNs: 9e9, exitCode: 1});
		}

		await store.insertSamples(samples);
		await store.finishRun(run.id, 'completed');
		if (release === 10) {
			const aborted = await store.createRun({release: name, suite: 'nightly', mode: 'bare_metal', environment: {runtime: 'bare_metal'}, startedAt});
			await store.insertSamples([{runId: aborted.id, caseName: 'steady', iteration: 0, time: startedAt, wallNs: 5e9, exitCode: 0}]);
			await store.finishRun(aborted.id, 'aborted');
		}
	}
}

function medianChecks(getStore: () => Store) {
	it('gives each completed run\'s median per case, without warmups, failures or aborted runs', async () => {
		const medians = await getStore().getCaseMedians({metric: 'wall', suite: 'nightly'});
		expect(medians).toHaveLength(RELEASES * 2);
		expect(Math.max(...medians.map((m) => m.median))).toBeLessThan(1.2e6);
		expect(new Set(medians.map((m) => m.count))).toEqual(new Set([10]));
		const cpu = await getStore().getCaseMedians({metric: 'cpu', caseName: 'moves'});
		expect(cpu).toHaveLength(RELEASES);
		expect(cpu.every((m) => m.median === 1000)).toBe(true);
		expect(await getStore().getCaseMedians({metric: 'wall', mode: 'docker'})).toEqual([]);
	});
}

describe('getCaseMedians on the embedded store', () => {
	const temp = createTempDir('rqc-hist-pglite-');
	let store: Store;
	beforeAll(async () => {
		store = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'pglite')});
		await writeHistory(store);
	}, 120_000);
	afterAll(async () => {
		await store?.close();
		temp.cleanup();
	});
	medianChecks(() => store);
});

describeWith([requirePostgres()], 'rqc history on PostgreSQL through the built binary', () => {
	let db: TestDatabase;
	let store: Store;
	let env: Record<string, string>;
	const temp = createTempDir('rqc-hist-pg-');

	beforeAll(async () => {
		db = await createTestDatabase('rqc_e2e_hist');
		store = await openStore({databaseUrl: db.url, pgliteDir: path.join(temp.dir, 'unused')});
		await writeHistory(store);
		env = {RQC_DATABASE_URL: db.url, RQC_DATA_DIR: temp.dir};
	}, 120_000);

	afterAll(async () => {
		await store?.close();
		await db?.drop();
		temp.cleanup();
	});

	medianChecks(() => store);

	it('reports the change point between r019 and r020 as JSON, and none for the steady case', async () => {
		const result = await runCli(['history', '--json'], env);
		expect(result.exitCode, result.stderr).toBe(0);
		const report = JSON.parse(result.stdout) as {series: Array<{case: string; setup: string; releases: number; changePoints: Array<{releaseBefore: string; releaseAfter: string; direction: string; changePct: number}>}>};
		expect(report.series.map((s) => [s.case, s.setup, s.releases])).toEqual([['moves', 'bare metal', RELEASES], ['steady', 'bare metal', RELEASES]]);
		expect(report.series[0]!.changePoints).toHaveLength(1);
		expect(report.series[0]!.changePoints[0]).toMatchObject({releaseBefore: 'r019', releaseAfter: 'r020', direction: 'slower'});
		expect(report.series[0]!.changePoints[0]!.changePct).toBeGreaterThan(10);
		expect(report.series[0]!.changePoints[0]!.changePct).toBeLessThan(14);
		expect(report.series[1]!.changePoints).toEqual([]);
	});

	it('orders by version with --order semver (r001 reads as version 1)', async () => {
		const result = await runCli(['history', '--order', 'semver', '--case', 'moves', '--json'], env);
		expect(result.exitCode, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout).series[0].changePoints[0]).toMatchObject({releaseAfter: 'r020'});
	});

	it('draws one case with its chart and the change point in words', async () => {
		const result = await runCli(['history', '--case', 'moves'], {...env, COLUMNS: '100'});
		expect(result.exitCode, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/slower\s+at r020\s+\+1[0-4]\.\d%/);
		expect(result.stdout).toContain('r001');
		expect(result.stdout).toContain('^');
	});

	it('fails the nightly gate for a change at or after --since, and passes after it', async () => {
		const failing = await runCli(['history', '--since', 'r015', '--fail-on-regression', '--threshold', '5%'], env);
		expect(failing.exitCode, failing.stderr).toBe(1);
		expect(failing.stdout).toMatch(/gate: 1 change towards slower beyond 5% at or after r015: moves \+1\d\.\d%/);
		const passing = await runCli(['history', '--since', 'r021', '--fail-on-regression'], env);
		expect(passing.exitCode, passing.stderr).toBe(0);
		const tooSmall = await runCli(['history', '--since', 'r015', '--fail-on-regression', '--threshold', '20%', '--json'], env);
		expect(tooSmall.exitCode, tooSmall.stderr).toBe(0);
		expect(JSON.parse(tooSmall.stdout).regressions).toEqual([]);
	});

	it.each([
		[['history', '--since', 'r999'], /unknown release "r999"/],
		[['history', '--fail-on-regression'], /needs --since/],
		[['history', '--order', 'random'], /--order random/],
		[['history', '--mode', 'vm'], /--mode vm/],
		[['history', '--case', 'nope'], /no completed runs of case "nope"/],
	])('refuses %j in one line with exit 2', async (args, message) => {
		const result = await runCli(args, env);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});
});
