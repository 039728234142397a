/**
 * Release comparison from real measurements on real services: runs taken by the real runner
 * (bare metal and docker), a real calibration, PostgreSQL as the store, Redis as the cache.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {loadSuite} from '../../../source/bench/suite.js';
import {runBenchmark} from '../../../source/bench/runner.js';
import {RedisCache} from '../../../source/cache/redis-cache.js';
import {loadComparison} from '../../../source/compare/load-comparison.js';
import {runCalibration} from '../../../source/bench/run-calibration.js';
import {UserError} from '../../../source/errors.js';
import {openStore} from '../../../source/store/open-store.js';
import type {Store} from '../../../source/store/store.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, redisUrl, requireDocker, requirePostgres, requireRedis, uniqueSuffix} from '../../helpers/services.js';

const IMAGE = 'rqc-busybox:test';
const suffix = uniqueSuffix();

function writeSuite(dir: string, name: string, cases: Record<string, string>, iterations: number): string {
	const file = path.join(dir, `${name}.yaml`);
	const body = Object.entries(cases).map(([caseName, command]) => `  - name: ${caseName}\n    command: ${command}`).join('\n');
	writeFileSync(file, `name: ${name}\ndefaults:\n  iterations: ${iterations}\n  warmup: 1\ncases:\n${body}\n`);
	return file;
}

describeWith([requirePostgres()], 'rqc compare on PostgreSQL, from real bare-metal runs', () => {
	let database: TestDatabase;
	let store: Store;
	const temp = createTempDir('rqc-compare-');
	const signal = new AbortController().signal;
	const base = `base-${suffix}`;
	const candidate = `cand-${suffix}`;

	beforeAll(async () => {
		database = await createTestDatabase('rqc_cmp');
		store = await openStore({databaseUrl: database.url, pgliteDir: path.join(temp.dir, 'unused')});
		// The same suite name on both sides; the candidate's "gets-slower" sleeps twice as long, its "gets-faster" half.
		const baseSuite = writeSuite(temp.dir, 'base', {'steady': 'sleep 0.02', 'gets-slower': 'sleep 0.02', 'gets-faster': 'sleep 0.04'}, 12);
		const candidateSuite = writeSuite(temp.dir, 'cand', {'steady': 'sleep 0.02', 'gets-slower': 'sleep 0.04', 'gets-faster': 'sleep 0.02'}, 12);
		const deps = {store, config: {dataDir: temp.dir, dockerHost: undefined}, signal};
		// Three short runs per release, alternating releases, so load drift on this shared
		// machine falls on both sides alike (12 samples a case a side in all).
		const suites = [[base, {...await loadSuite(baseSuite), name: 'demo'}], [candidate, {...await loadSuite(candidateSuite), name: 'demo'}]] as const;
		for (let round = 0; round < 3; round++) {
			for (const [release, suite] of suites) {
				const result = await runBenchmark({suite, mode: 'bare_metal', release, isInterleaved: true, iterations: 4}, deps);
				expect(result.status).toBe('completed');
			}
		}
	}, 120_000);

	afterAll(async () => {
		await store?.close();
		await database?.drop();
		temp.cleanup();
	});

	it('reads a regression, an improvement and no change, with a geomean row', async () => {
		const report = await loadComparison(store, {base, candidate});
		const verdicts = Object.fromEntries(report.result.cases.map((c) => [c.caseName, c.verdict]));
		expect(Object.keys(verdicts).sort()).toEqual(['gets-faster', 'gets-slower', 'steady']);
		expect(verdicts['gets-faster']).toBe('improvement');
		expect(verdicts['gets-slower']).toBe('regression');
		// issue 12: load drift that is significant but within the threshold has its own label now.
		expect(['no significant change', 'slower, within threshold', 'faster, within threshold']).toContain(verdicts.steady);
		const slower = report.result.cases.find((c) => c.caseName === 'gets-slower')!;
		expect(slower.base!.n).toBe(12);
		expect(slower.changePct).toBeGreaterThan(30);
		expect(slower.changeLowPct).toBeGreaterThan(2);
		expect(slower.pAdjusted).toBeLessThan(0.05);
		expect(report.result.geomean?.cases).toBe(3);
		expect(report.hasRegression).toBe(true);
		expect(report.isAdjusted).toBe(false);
		expect(report.base.environmentLabel).toBe('bare metal');
		// The steady case names itself in a warning exactly when its no-change does not rule out a
		// regression of the threshold's size.
		const steady = report.result.cases.find((c) => c.caseName === 'steady')!;
		const isWide = steady.verdict === 'no significant change' && steady.changeHighPct! > 2;
		expect(report.warnings.some((w) => w.includes('so a regression of that size is not ruled out: steady (')), JSON.stringify(steady)).toBe(isWide);
	});

	it('names the known releases when one is unknown', async () => {
		const error = await loadComparison(store, {base, candidate: 'no-such-release'}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toBe('unknown release "no-such-release"');
		expect((error as UserError).hint).toContain(base);
		expect((error as UserError).hint).toContain(candidate);
	});

	describeWith([requireRedis()], 'with Redis', () => {
		it('caches the comparison and never serves it once either release has a new sample', async () => {
			const cache = new RedisCache(redisUrl!);
			try {
				await cache.waitUntilReady();
				const first = await loadComparison(store, {base, candidate, seed: 7}, cache);
				expect(first.isCached).toBe(false);
				const second = await loadComparison(store, {base, candidate, seed: 7}, cache);
				expect(second.isCached).toBe(true);
				expect(second.result.cases).toEqual(first.result.cases);
				const run = (await store.listRuns({release: candidate}))[0]!;
				await store.insertSamples([{runId: run.id, caseName: 'steady', iteration: 999, time: new Date(), wallNs: 21_000_000, exitCode: 0}]);
				const third = await loadComparison(store, {base, candidate, seed: 7}, cache);
				expect(third.isCached).toBe(false);
				expect(third.result.cases.find((c) => c.caseName === 'steady')!.candidate!.n).toBe(13);
				expect(third.candidate.runIds).toHaveLength(3);
			} finally {
				await cache.close();
			}
		});
	});
});

describeWith([requirePostgres(), requireDocker()], 'overhead adjustment: docker vs bare metal of the same release', () => {
	let database: TestDatabase;
	let store: Store;
	const temp = createTempDir('rqc-calib-');
	const signal = new AbortController().signal;
	const limits = {cpus: 1, memory: '256m'};
	const release = `same-${suffix}`;

	beforeAll(async () => {
		database = await createTestDatabase('rqc_cal');
		store = await openStore({databaseUrl: database.url, pgliteDir: path.join(temp.dir, 'unused')});
		// A shell loop: the host's /bin/sh and the image's busybox sh cost differently, a steady "overhead".
		const file = writeSuite(temp.dir, 'overhead', {'cpu-loop': 'i=0; while [ $i -lt 40000 ]; do i=$((i+1)); done'}, 16);
		const suite = await loadSuite(file);
		const deps = {store, config: {dataDir: temp.dir, dockerHost: undefined}, signal};
		// issue 15: 60 s of calibration and 16 iterations a run, because at 30 s and 6 the overhead
		// (±3.4%) and the raw change (±3%) were too wide at load 4-6 and the verdict stayed undecided.
		// A calibration matches by host, image and limits, not by release.
		await runCalibration({suite, release: `calibration-${suffix}`, image: IMAGE, limits, rounds: 3, iterationsPerRound: 4, maxTimeMs: 60_000}, deps);
		// Two alternations of the two modes. What is asserted below is how rqc applies the overhead it
		// calibrated, never what this machine measured: its vCPUs are time-sliced with other
		// machines', and in noisy spells 10-50% of the iterations take ×1.4-1.8 the CPU time (CI at
		// load 2: bare metal 38-40k and 58-64k µs). Two CI runs of session 7's rule (new attempts
		// while the raw interval was wider than 12 points, for 150 s) measured the busybox sh's
		// overhead anywhere from -8..+43% to +64..+95%, and the one accepted read +5.1% [-0.7, +9.1]:
		// "no significant change", where the test expected "regression". Whether a 10% overhead can
		// be seen through that is a fact of the host, shown in the figures printed below, not of rqc.
		for (let i = 0; i < 2; i++) {
			expect((await runBenchmark({suite, mode: 'bare_metal', release}, deps)).status).toBe('completed');
			expect((await runBenchmark({suite, mode: 'docker', release, image: IMAGE, limits}, deps)).status).toBe('completed');
		}
	}, 360_000);

	afterAll(async () => {
		await store?.close();
		await database?.drop();
		temp.cleanup();
	});

	// CPU time (user + system): wall time is not asserted; on this shared 2-core box (load average
	// 10-20) a cpus=1 container's wall overhead moved from ×1.3 during calibration to ×1.75 minutes
	// later.
	it('the adjustment is applied with the case\'s own overhead and widens the interval; raw comparisons warn', async () => {
		const describe = (report: Awaited<ReturnType<typeof loadComparison>>) => JSON.stringify(report.result.cases[0], (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v));
		const adjusted = await loadComparison(store, {base: `${release}@bare-metal`, candidate: `${release}@docker`, metric: 'cpu'});
		expect(adjusted.isAdjusted).toBe(true);
		const [calibration] = await store.listCalibrations();
		expect(adjusted.candidate.calibrationId).toBe(calibration!.id);
		const row = adjusted.result.cases[0]!;
		// The case's own overhead, as calibrated: the cpu-loop case of this calibration, bare metal 1.
		const own = calibration!.cases['cpu-loop']!.cpu!;
		expect(row.adjustment, describe(adjusted)).toMatchObject({source: 'case', calibrationIds: [calibration!.id]});
		expect(row.adjustment!.factor).toBeCloseTo(own.ratio, 10);

		const raw = await loadComparison(store, {base: `${release}@bare-metal`, candidate: `${release}@docker`, metric: 'cpu', noAdjust: true});
		expect(raw.isRawAcrossEnvironments).toBe(true);
		expect(raw.warnings.join(' ')).toContain('raw numbers across different environments');
		expect(adjusted.warnings.join(' ')).not.toContain('raw numbers across different environments');
		const rawRow = raw.result.cases[0]!;
		expect(rawRow.adjustment).toBeUndefined();
		// The same samples, the candidate's divided by the factor: the adjusted change is the raw one
		// over the overhead, and so is the candidate's median.
		expect(row.candidate!.median).toBe(rawRow.candidate!.median);
		expect(row.adjustedCandidateMedian! / (row.candidate!.median / row.adjustment!.factor), describe(adjusted)).toBeCloseTo(1, 3);
		expect((1 + row.changePct! / 100) / ((1 + rawRow.changePct! / 100) / row.adjustment!.factor), `${describe(adjusted)} ${describe(raw)}`).toBeCloseTo(1, 3);
		// The calibration's own uncertainty is carried into the adjusted change's interval (as a ratio).
		const logWidth = (r: typeof row) => Math.log((1 + r.changeHighPct! / 100) / (1 + r.changeLowPct! / 100));
		expect(logWidth(row), describe(adjusted)).toBeGreaterThan(logWidth(rawRow));
		// One line with the figures, for the record of runs on this shared machine (issue 15: busybox's
		// sh in the image costs about ×1.10 the host's dash in CPU time, when the host is quiet).
		process.stderr.write(`[issue 15] shell loop: raw ${rawRow.changePct?.toFixed(2)}% [${rawRow.changeLowPct?.toFixed(2)}, ${rawRow.changeHighPct?.toFixed(2)}] ${rawRow.verdict}; own-case overhead ×${row.adjustment!.factor.toFixed(3)} [${row.adjustment!.low.toFixed(3)}, ${row.adjustment!.high.toFixed(3)}]; adjusted ${row.changePct?.toFixed(2)}% [${row.changeLowPct?.toFixed(2)}, ${row.changeHighPct?.toFixed(2)}] ${row.verdict}\n`);
	});

	it('refuses without a matching calibration and names the rqc calibrate to run', async () => {
		for (const calibration of await store.listCalibrations()) await store.deleteCalibration(calibration.id);
		const error = await loadComparison(store, {base: `${release}@bare-metal`, candidate: `${release}@docker`}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(2);
		expect((error as UserError).hint).toContain(`rqc calibrate --cpus 1 --memory 256m --image ${IMAGE}`);
		expect((error as UserError).hint).toContain('--no-adjust');
	});
});
