/**
 * Which runs a comparison reads, on the embedded store (real PGlite): @mode selectors, the
 * latest environment when a release has several, --suite, suite-qualified names, warnings.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {toComparisonJson} from '../../../source/commands/compare.js';
import {formatComparisonTable} from '../../../source/compare/format.js';
import {loadComparison, parseSelector} from '../../../source/compare/load-comparison.js';
import {formatComparisonMarkdown} from '../../../source/compare/report-markdown.js';
import {UserError} from '../../../source/errors.js';
import {openStore} from '../../../source/store/open-store.js';
import type {ExecutionEnvironment} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir} from '../../helpers/postgres.js';

const bare: ExecutionEnvironment = {runtime: 'bare_metal', hostFingerprint: 'host-a', host: {hostname: 'a'}};
const docker: ExecutionEnvironment = {runtime: 'docker', image: 'img:1', engineVersion: '20.10', limits: {cpus: 1, memoryBytes: 512 * 1024 * 1024}, hostFingerprint: 'host-a'};
const otherHost: ExecutionEnvironment = {runtime: 'bare_metal', hostFingerprint: 'host-b', host: {hostname: 'b'}};

describe('comparison run selection (PGlite)', () => {
	const temp = createTempDir('rqc-select-');
	let store: Store;

	async function addRun(release: string, suite: string, environment: ExecutionEnvironment, center: number, startedAt: Date, cases = ['x', 'y'], step = 1000): Promise<number> {
		const run = await store.createRun({release, suite, mode: environment.runtime, environment, status: 'completed', startedAt, endedAt: startedAt});
		await store.insertSamples(cases.flatMap((caseName) => Array.from({length: 8}, (_, i) => ({runId: run.id, caseName, iteration: i, time: new Date(startedAt.getTime() + i), wallNs: center + i * step, exitCode: 0}))));
		return run.id;
	}

	beforeAll(async () => {
		store = await openStore({databaseUrl: undefined, pgliteDir: path.join(temp.dir, 'pglite')});
		await addRun('r1', 'api', bare, 1e6, new Date('2026-01-01T00:00:00Z'));
		await addRun('r1', 'api', docker, 2e6, new Date('2026-01-02T00:00:00Z'));
		await addRun('r2', 'api', bare, 1e6, new Date('2026-01-03T00:00:00Z'));
		await addRun('r2', 'cli', bare, 5e6, new Date('2026-01-03T00:00:01Z'));
		await addRun('r3', 'api', otherHost, 1e6, new Date('2026-01-04T00:00:00Z'));
		// Samples spread over ±35%: no change can be told, nor a 2% regression ruled out.
		await addRun('w1', 'api', bare, 1e6, new Date('2026-01-05T00:00:00Z'), ['x'], 100_000);
		await addRun('w2', 'api', bare, 1e6, new Date('2026-01-06T00:00:00Z'), ['x'], 100_000);
		// Six runs a release, each at its own level (±3% from run to run, as in a host's spells),
		// samples within a run spread 1.4%; by chance s1's runs sit higher than s2's.
		for (const [release, centers] of [['s1', [1.03, 0.97, 1.01, 1.06, 0.99, 1.04]], ['s2', [0.98, 1.01, 0.96, 1.0, 1.03, 0.97]]] as const) {
			for (const [i, center] of centers.entries()) await addRun(release, 'api', bare, center * 1e6, new Date(Date.UTC(2026, 0, release === 's1' ? 7 : 8, i)), ['x'], 2000);
		}
	}, 60_000);

	afterAll(async () => {
		await store?.close();
		temp.cleanup();
	});

	it('parses selectors and refuses an unknown mode', () => {
		expect(parseSelector('v1.2')).toEqual({release: 'v1.2', mode: undefined});
		expect(parseSelector('v1.2@bare-metal')).toEqual({release: 'v1.2', mode: 'bare_metal'});
		expect(parseSelector('v1.2@docker')).toEqual({release: 'v1.2', mode: 'docker'});
		expect(() => parseSelector('v1.2@vm')).toThrow(UserError);
	});

	it('@bare-metal picks the bare-metal runs; without it, the latest environment wins and a warning says so', async () => {
		const picked = await loadComparison(store, {base: 'r1@bare-metal', candidate: 'r2', suite: 'api'});
		expect(picked.base.environmentLabel).toBe('bare metal');
		expect(picked.warnings).toEqual([]);
		expect(picked.result.cases.map((c) => c.verdict)).toEqual(['no significant change', 'no significant change']);

		const latest = await loadComparison(store, {base: 'r1', candidate: 'r2', suite: 'api', noAdjust: true});
		expect(latest.base.environmentLabel).toBe('docker 1 cpus 512m img:1');
		expect(latest.warnings.join('\n')).toMatch(/base "r1" has runs in several environments; using docker .* pick with r1@docker or @bare-metal/);
		expect(latest.warnings.join('\n')).toContain('raw numbers across different environments');
	});

	it('cases are suite-qualified when the sides span several suites; --suite narrows', async () => {
		const all = await loadComparison(store, {base: 'r1@bare-metal', candidate: 'r2'});
		expect(all.result.cases.map((c) => c.caseName)).toEqual(['api/x', 'api/y', 'cli/x', 'cli/y']);
		// issue 12: a case only the candidate has is new (it was "too few samples").
		expect(all.result.cases.find((c) => c.caseName === 'cli/x')!.verdict).toBe('new');
		const api = await loadComparison(store, {base: 'r1@bare-metal', candidate: 'r2', suite: 'api'});
		expect(api.result.cases.map((c) => c.caseName)).toEqual(['x', 'y']);
	});

	it('warns when the sides ran on different hosts', async () => {
		const report = await loadComparison(store, {base: 'r2', candidate: 'r3', suite: 'api'});
		expect(report.warnings).toEqual(['the two sides ran on different hosts (a vs b): differences may come from the hardware, not the release']);
	});

	it('warns when a no-change does not rule out a regression of the threshold\'s size', async () => {
		const report = await loadComparison(store, {base: 'w1', candidate: 'w2'});
		const row = report.result.cases[0]!;
		expect(row.verdict).toBe('no significant change');
		expect(row.changeHighPct).toBeGreaterThan(2);
		expect(report.warnings).toEqual([expect.stringMatching(/^1 case\(s\) read "no significant change" with an interval reaching past the 2% threshold, so a regression of that size is not ruled out: x \(-\d+\.\d%\.\.\+\d+\.\d%\)/)]);
		// At a threshold wider than the interval the same runs rule it out.
		expect((await loadComparison(store, {base: 'w1', candidate: 'w2', thresholdPct: 90})).warnings).toEqual([]);
	});

	it('resamples whole runs when a release\'s runs differ by more than their samples spread, and says so', async () => {
		const report = await loadComparison(store, {base: 's1', candidate: 's2'});
		expect(report.base.runIds).toHaveLength(6);
		const row = report.result.cases[0]!;
		// Sample by sample s2 reads about 2.5% faster; its runs' own spread does not rule out none.
		expect(row.changePct!).toBeLessThan(-2);
		expect(row.intervalBasis).toBe('runs');
		expect(row.verdict).toBe('no significant change');
		expect(row.changeHighPct!).toBeGreaterThan(0);
		expect(formatComparisonTable(report, false)).toContain('interval from whole runs for x:');
		expect(formatComparisonMarkdown(report)).toContain('**Intervals:** interval from whole runs for x');
		expect((toComparisonJson(report) as {cases: Array<{intervalBasis: unknown}>}).cases.map((c) => c.intervalBasis)).toEqual(['runs']);
		// One run a side: samples, as before.
		expect((await loadComparison(store, {base: 'r1@bare-metal', candidate: 'r2', suite: 'api'})).result.cases.map((c) => c.intervalBasis)).toEqual(['samples', 'samples']);
	});

	it('says which runs exist when the suite or mode has none', async () => {
		const error = await loadComparison(store, {base: 'r3@docker', candidate: 'r2'}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toBe('release "r3" has no finished runs for mode docker');
		expect((error as UserError).hint).toBe('its runs are of suite(s) api in mode(s) bare_metal');
	});
});
