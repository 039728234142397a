/**
 * The same tests on both drivers: the embedded PGlite store and a real PostgreSQL server.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openStore} from '../../../source/store/open-store.js';
import type {ExecutionEnvironment, NewSample} from '../../../source/store/records.js';
import type {Store} from '../../../source/store/store.js';
import {LATEST_SCHEMA_VERSION} from '../../../source/store/migrations.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../../helpers/postgres.js';
import {describeWith, requirePostgres} from '../../helpers/services.js';

function storeSuite(prepare: () => Promise<{open: () => Promise<Store>; cleanup: () => Promise<void>}>) {
	let store: Store;
	let open: () => Promise<Store>;
	let cleanup: () => Promise<void>;
	beforeAll(async () => {
		({open, cleanup} = await prepare());
		store = await open();
	});
	afterAll(async () => {
		await store?.close();
		await cleanup?.();
	});

	const samplesFor = (runId: number, n: number, time = new Date()): NewSample[] => Array.from({length: n}, (_, i) => ({
		runId, caseName: i % 2 === 0 ? 'even' : 'odd', iteration: i, time,
		wallNs: 1_000_000 + i, userUs: 10 + i, systemUs: 2, maxRssBytes: 4096 * (i + 1), exitCode: 0, isWarmup: i < 2,
		metrics: i === 3 ? {bytesPerOp: 64} : undefined,
	}));

	// issue 12: failed iterations are counted per case with the first one's exit code (by time).
	it('counts failed iterations per run and case, with the first failure\'s exit code', async () => {
		const run = await store.createRun({release: 'v-failures', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const start = Date.UTC(2026, 0, 1);
		const exitCodes = [0, 137, 1, 0, 1, 124];
		await store.insertSamples(exitCodes.map((exitCode, i) => ({runId: run.id, caseName: i < 3 ? 'a' : 'b', iteration: i, time: new Date(start + i * 1000), wallNs: 1000 + i, exitCode})));
		await store.insertSamples([{runId: run.id, caseName: 'clean', iteration: 0, time: new Date(start), wallNs: 5}]);
		expect(await store.getFailedIterations({runIds: [run.id]})).toEqual([
			{runId: run.id, caseName: 'a', count: 2, firstExitCode: 137},
			{runId: run.id, caseName: 'b', count: 2, firstExitCode: 1},
		]);
		expect(await store.getFailedIterations({runIds: []})).toEqual([]);
	});

	it('applies every migration on open and reports the schema version', async () => {
		const info = await store.getInfo();
		expect(info.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
		expect(info.latestSchemaVersion).toBe(LATEST_SCHEMA_VERSION);
		expect(info.hasTimescale).toBe(false);
		expect(info.serverVersion).toMatch(/^\d+/);
	});

	it('opens again without reapplying migrations', async () => {
		await store.createRun({release: 'v-before-reopen', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.close();
		store = await open();
		expect((await store.getInfo()).schemaVersion).toBe(LATEST_SCHEMA_VERSION);
		expect(await store.getRelease('v-before-reopen')).toBeDefined();
	});

	it('round-trips releases, runs with their environment, and samples', async () => {
		const environment = {
			runtime: 'docker' as const, containerId: 'abc123', image: 'runner:1', engineVersion: '27.1.0',
			limits: {cpus: 4, memoryBytes: 8 * 2 ** 30}, hostFingerprint: 'fp1', appliedOverhead: {wall: 1.02},
		};
		const run = await store.createRun({release: 'v1.0.0', suite: 'api', mode: 'docker', environment, gitSha: 'deadbeef'});
		expect(run).toMatchObject({releaseName: 'v1.0.0', suite: 'api', mode: 'docker', status: 'running', environment});
		expect(await store.insertSamples(samplesFor(run.id, 10))).toBe(10);
		await store.finishRun(run.id, 'completed', {environment: {host: {loadAvgEnd: [0.5, 0.4, 0.3]}}});

		const stored = await store.getRun(run.id);
		expect(stored?.status).toBe('completed');
		expect(stored?.endedAt).toBeInstanceOf(Date);
		expect(stored?.environment).toMatchObject({...environment, host: {loadAvgEnd: [0.5, 0.4, 0.3]}});

		const samples = await store.getSamples({release: 'v1.0.0'});
		expect(samples).toHaveLength(8); // warmups are left out unless asked for
		expect(await store.getSamples({release: 'v1.0.0', includeWarmup: true})).toHaveLength(10);
		const third = samples.find((s) => s.iteration === 3);
		expect(third).toMatchObject({caseName: 'odd', wallNs: 1_000_003, userUs: 13, systemUs: 2, maxRssBytes: 16_384, exitCode: 0, isWarmup: false, metrics: {bytesPerOp: 64}});
		expect((await store.getRelease('v1.0.0'))?.gitSha).toBe('deadbeef');
		const [summary] = (await store.listReleases()).filter((r) => r.name === 'v1.0.0');
		expect(summary).toMatchObject({runCount: 1, sampleCount: 10, suites: ['api'], modes: ['docker']});
	});

	it('keeps fractions of a nanosecond (imported micro-benchmarks report them)', async () => {
		const run = await store.createRun({release: 'v-sub-ns', suite: 'go', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.insertSamples([0.3125, 87.37, 1.5e12].map((wallNs, iteration) => ({runId: run.id, caseName: 'c', iteration, time: new Date(), wallNs})));
		await store.finishRun(run.id, 'completed');
		expect((await store.getSamples({release: 'v-sub-ns'})).map((s) => s.wallNs)).toEqual([0.3125, 87.37, 1.5e12]);
	});

	// issue 13: PostgreSQL writes a batch as COPY text in chunks of 5,000 rows; what COPY escapes
	// (tab, newline, carriage return, backslash) must come back as written, across the chunks.
	it('round-trips a batch of more rows than two COPY chunks, with COPY\'s special characters', async () => {
		const run = await store.createRun({release: 'v-copy-chunks', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const names = ['plain', 'tab\there', 'line\nbreak', 'back\\slash\\n', 'cr\rcase', 'ünï ✓'];
		const start = Date.UTC(2026, 1, 2, 3, 4, 5, 6);
		const batch: NewSample[] = Array.from({length: 10_007}, (_, i) => ({
			runId: run.id, caseName: names[i % names.length]!, iteration: i, time: new Date(start + i * 1001),
			wallNs: 1000 + i * 0.5, userUs: i % 7 === 0 ? undefined : i, systemUs: 3, maxRssBytes: 4096 + i, exitCode: i % 97 === 0 ? 2 : 0,
			isWarmup: i < 3, metrics: i % 1000 === 1 ? {'a\tb\nc\\d': i, n: i / 4} : undefined,
		}));
		expect(await store.insertSamples(batch)).toBe(batch.length);
		await store.finishRun(run.id, 'completed');
		const stored = await store.getSamples({release: 'v-copy-chunks', includeWarmup: true});
		expect(stored).toHaveLength(batch.length);
		const byKey = new Map(stored.map((s) => [`${s.caseName}\u0000${s.iteration}`, s]));
		for (const sample of batch) {
			const got = byKey.get(`${sample.caseName}\u0000${sample.iteration}`);
			expect(got, `${JSON.stringify(sample.caseName)} #${sample.iteration}`).toMatchObject({
				wallNs: sample.wallNs, time: sample.time, systemUs: 3, maxRssBytes: sample.maxRssBytes, exitCode: sample.exitCode, isWarmup: sample.isWarmup,
			});
			expect(got!.userUs ?? undefined).toBe(sample.userUs);
			expect(got!.metrics ?? undefined).toEqual(sample.metrics);
		}
	});

	it('writes a replayed batch exactly once', async () => {
		const run = await store.createRun({release: 'v-replay', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const batch = samplesFor(run.id, 500);
		expect(await store.insertSamples(batch)).toBe(500);
		expect(await store.insertSamples(batch)).toBe(0);
		// Half old, half new: only the new half lands.
		const mixed = [...batch.slice(250), ...samplesFor(run.id, 750).slice(500)];
		expect(await store.insertSamples(mixed)).toBe(250);
		expect(await store.countSamples(run.id)).toBe(750);
	});

	// issue 11.1: a long case's samples are written while it runs, its outliers flagged when it ends
	it('flags outliers on samples already written, only those of the given run and case', async () => {
		const run = await store.createRun({release: 'v-outliers', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const other = await store.createRun({release: 'v-outliers', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.insertSamples(samplesFor(run.id, 10));
		await store.insertSamples(samplesFor(other.id, 10));
		expect(await store.markSampleOutliers(run.id, 'even', [4, 8, 9])).toBe(2); // 9 is an odd iteration
		expect(await store.markSampleOutliers(run.id, 'even', [])).toBe(0);
		await store.finishRun(run.id, 'completed');
		await store.finishRun(other.id, 'completed');
		const samples = await store.getSamples({release: 'v-outliers', includeWarmup: true});
		const flagged = samples.filter((sample) => sample.isOutlier).map((sample) => [sample.runId, sample.caseName, sample.iteration]);
		expect(flagged.sort()).toEqual([[run.id, 'even', 4], [run.id, 'even', 8]].sort());
	});

	it('writes nothing when a transaction fails half way', async () => {
		await expect(store.transaction(async (tx) => {
			const run = await tx.createRun({release: 'v-half', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
			await tx.insertSamples(samplesFor(run.id, 100));
			await tx.insertSamples([{runId: run.id, caseName: 'bad', iteration: 0, time: new Date(), wallNs: -1}]);
		})).rejects.toThrow();
		expect(await store.getRelease('v-half')).toBeUndefined();
	});

	// issue 13: the run check moved after the COPY on a batch's own transaction; nothing may stay
	it('writes nothing of a batch that names an unknown run, alone or in a transaction that goes on after the error', async () => {
		const run = await store.createRun({release: 'v-unknown-run', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		const batch = [...samplesFor(run.id, 4), {runId: 987_655, caseName: 'c', iteration: 0, time: new Date(), wallNs: 1}];
		await expect(store.insertSamples(batch)).rejects.toThrow(/runs that do not exist: 987655/);
		await store.transaction(async (tx) => {
			await expect(tx.insertSamples(batch)).rejects.toThrow(/runs that do not exist: 987655/);
		});
		expect(await store.countSamples(run.id)).toBe(0);
		expect(await store.getRunSummaries([run.id])).toEqual([]);
		expect((await store.listReleases()).find((r) => r.name === 'v-unknown-run')?.sampleCount).toBe(0);
	});

	it('refuses samples of a run that does not exist, and deletes a release with its samples', async () => {
		await expect(store.insertSamples([{runId: 987_654, caseName: 'c', iteration: 0, time: new Date(), wallNs: 1}])).rejects.toThrow(/runs that do not exist: 987654/);
		const run = await store.createRun({release: 'v-delete', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.insertSamples(samplesFor(run.id, 20));
		expect(await store.deleteRelease('v-delete')).toBe(true);
		expect(await store.countSamples(run.id)).toBe(0);
		expect(await store.getRun(run.id)).toBeUndefined();
		expect(await store.deleteRelease('v-delete')).toBe(false);
	});

	it('names an unknown release in the error', async () => {
		await expect(store.getSamples({release: 'no-such-release'})).rejects.toThrow(/unknown release "no-such-release"/);
	});

	it('stores container samples, calibrations, and removes exactly the demo data', async () => {
		const run = await store.createRun({release: 'v-demo', suite: 's', mode: 'docker', environment: {runtime: 'docker'}, isDemo: true});
		const t = new Date();
		expect(await store.insertContainerSamples([{time: t, runId: run.id, containerId: 'c1', name: 'runner', cpuPercent: 50.5, memoryBytes: 1024, pids: 3}])).toBe(1);
		expect((await store.getContainerSamples(run.id))[0]).toMatchObject({cpuPercent: 50.5, memoryBytes: 1024, pids: 3, name: 'runner'});
		const limits = {cpus: 2, memoryBytes: 2 ** 30};
		const demoCal = await store.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits, cases: {cpu: {wall: {ratio: 1.02, low: 1.01, high: 1.03}}}, summary: {wall: {ratio: 1.02, low: 1.01, high: 1.03}}, isDemo: true});
		const realCal = await store.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits, cases: {}, summary: {}});
		expect(demoCal.cases.cpu?.wall?.ratio).toBe(1.02);
		await store.insertSamples(samplesFor(run.id, 5));
		expect(await store.removeDemoData()).toEqual({releases: 1, calibrations: 1});
		expect(await store.countSamples(run.id)).toBe(0);
		expect(await store.getRelease('v-demo')).toBeUndefined();
		expect((await store.listCalibrations()).map((c) => c.id)).toContain(realCal.id);
		expect(await store.getRelease('v1.0.0')).toBeDefined();
	});

	// issue 15: a suite calibration keeps its suite, release and details; profiles come from the samples.
	it('stores a calibration\'s suite, release and details, and profiles the cases of runs', async () => {
		const details = {kind: 'suite' as const, profiles: {a: {cpuPerWall: 0.9, systemShare: 0.1, peakRssBytes: 2048}}, quality: {targetPct: 1, widestPct: 0.8, widest: {case: 'a', dimension: 'cpu'}, isWithinTarget: true, rounds: 4, elapsedMs: 1000, loadAverage: [0.5, 0.7] as const, reasons: []}};
		const saved = await store.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits: {cpus: 1}, cases: {}, summary: {}, suite: 'api', release: 'v9', details});
		const listed = (await store.listCalibrations()).find((c) => c.id === saved.id)!;
		expect(listed).toMatchObject({suite: 'api', release: 'v9', details});
		const plain = await store.saveCalibration({hostFingerprint: 'fp', image: 'img', engineVersion: '27', limits: {}, cases: {}, summary: {}});
		expect(plain.suite).toBeUndefined();
		expect(plain.release).toBeUndefined();

		const run = await store.createRun({release: 'v-profile', suite: 's', mode: 'bare_metal', environment: {runtime: 'bare_metal'}});
		await store.insertSamples(samplesFor(run.id, 6));
		const profiles = await store.getCaseProfiles([run.id]);
		// Warmups (iterations 0 and 1) left out: "even" is iterations 2 and 4, "odd" 3 and 5.
		expect(profiles.get('even')!.cpuPerWall).toBeCloseTo((13 + 2) / (1_000_003 / 1000), 9);
		expect(profiles.get('even')!.systemShare).toBeCloseTo(2 / 15, 9);
		expect(profiles.get('odd')!.peakRssBytes).toBe(4096 * 6);
		expect((await store.getCaseProfiles([])).size).toBe(0);
	});

	// issue 13: rqc releases reads releases with their runs in one query; it must list what
	// listReleases and listRuns list, run limit included.
	it('lists releases with their runs in one query, as listReleases and listRuns give them', async () => {
		await store.ensureRelease('v-no-runs', {gitSha: 'cafe'});
		// Recorded whole; listed with only what the listing describes (runtime, image, CPUs, memory).
		const host = {hostname: 'bench-1', cpuModel: 'EPYC', cores: 2, loadAvgStart: [0.5, 0.4, 0.3]};
		const docker = {runtime: 'docker' as const, image: 'runner:2', imageId: 'sha256:1', containerId: 'c0ffee', hostFingerprint: 'f1', host, limits: {cpus: 2, memoryBytes: 2 ** 30, pidsLimit: 4096, network: 'host'}};
		const dockerListed = {runtime: 'docker', image: 'runner:2', limits: {cpus: 2, memoryBytes: 2 ** 30}};
		// Any run's listed part (other tests' runs share the store); JSON drops the absent fields.
		const listedPart = ({runtime, image, limits}: ExecutionEnvironment): unknown => {
			const described = limits?.cpus === undefined && limits?.memoryBytes === undefined ? undefined : {cpus: limits.cpus, memoryBytes: limits.memoryBytes};
			return JSON.parse(JSON.stringify({runtime, image, limits: described}));
		};
		const older = await store.createRun({release: 'v-many', suite: 'web', mode: 'docker', environment: docker, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 7))});
		await store.insertSamples(samplesFor(older.id, 4));
		await store.finishRun(older.id, 'completed');
		const newer = await store.createRun({release: 'v-many', suite: 'api', mode: 'docker', environment: docker, startedAt: new Date(Date.UTC(2026, 0, 2))});
		await store.finishRun(newer.id, 'failed', {reason: 'boom'});
		await store.createRun({release: 'v-many', suite: 'api', mode: 'bare_metal', environment: {runtime: 'bare_metal', hostFingerprint: 'f1', host}, startedAt: new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999))});

		const runs = await store.listRuns({limit: 100_000});
		const listed = await store.listReleasesWithRuns({runLimit: 100_000});
		// Times as ISO text, exactly as the Dates the other queries give write themselves.
		expect(listed.map(({runs: _runs, ...release}) => release)).toEqual((await store.listReleases())
			.map((release) => ({...release, createdAt: release.createdAt.toISOString(), lastRunAt: release.lastRunAt?.toISOString()})));
		for (const release of listed) {
			expect(release.runs).toEqual(runs.filter((run) => run.releaseId === release.id)
				.map(({id, suite, mode, status, environment, startedAt}) => ({id, suite, mode, status, environment: listedPart(environment), startedAt: startedAt.toISOString()})));
		}

		const many = listed.find((r) => r.name === 'v-many')!;
		expect(many).toMatchObject({runCount: 3, sampleCount: 4, suites: ['api', 'web'], modes: ['bare_metal', 'docker']});
		expect(many.runs.map((r) => r.id)).toEqual([newer.id, older.id, many.runs[2]!.id]);
		expect(many.runs[0]!.environment).toEqual(dockerListed);
		expect(many.runs[2]!.environment).toEqual({runtime: 'bare_metal'});
		expect(listed.find((r) => r.name === 'v-no-runs')).toMatchObject({gitSha: 'cafe', runCount: 0, sampleCount: 0, suites: [], runs: [], lastRunAt: undefined});

		// Only the newest runs of the store are listed; the counts still cover every run.
		const limited = await store.listReleasesWithRuns({runLimit: 2});
		const byId = (a: number, b: number) => a - b;
		expect(limited.flatMap((r) => r.runs.map((run) => run.id)).sort(byId)).toEqual(runs.slice(0, 2).map((run) => run.id).sort(byId));
		expect(limited.find((r) => r.name === 'v-many')!.runCount).toBe(3);

		// Equal environments share one object; unequal ones never do, whatever their image's name.
		await store.createRun({release: 'v-images', suite: 's', mode: 'docker', environment: {runtime: 'docker', image: 'x|1'}});
		await store.createRun({release: 'v-images', suite: 's', mode: 'docker', environment: {runtime: 'docker', image: 'x', limits: {cpus: 1}}});
		const images = (await store.listReleasesWithRuns({runLimit: 100_000})).find((r) => r.name === 'v-images')!;
		expect(images.runs.map((r) => r.environment).sort((a, b) => String(a.image).localeCompare(String(b.image)))).toEqual([{runtime: 'docker', image: 'x', limits: {cpus: 1}}, {runtime: 'docker', image: 'x|1'}]);
		const again = await store.listReleasesWithRuns({runLimit: 100_000});
		const dockerRuns = again.find((r) => r.name === 'v-many')!.runs.filter((r) => r.mode === 'docker');
		expect(dockerRuns[0]!.environment).toBe(dockerRuns[1]!.environment);
	});
}

describe('store on embedded PGlite', () => {
	storeSuite(async () => {
		const temp = createTempDir();
		const config = {databaseUrl: undefined, pgliteDir: temp.dir};
		return {open: async () => openStore(config), cleanup: async () => temp.cleanup()};
	});

	it('refuses a second process on the same directory with a clear error', async () => {
		const temp = createTempDir();
		const {writeFileSync} = await import('node:fs');
		// A live pid that is not ours: our parent.
		writeFileSync(`${temp.dir}/.rqc.lock`, String(process.ppid));
		try {
			await expect(openStore({databaseUrl: undefined, pgliteDir: temp.dir})).rejects.toThrow(/in use by another rqc process/);
		} finally {
			temp.cleanup();
		}
	});
});

describeWith([requirePostgres()], 'store on PostgreSQL', () => {
	let db: TestDatabase;
	storeSuite(async () => {
		db = await createTestDatabase();
		return {open: async () => openStore({databaseUrl: db.url, pgliteDir: ''}), cleanup: async () => db.drop()};
	});

	it('reports a wrong password as unreachable without showing it', async () => {
		const url = new URL(db?.url ?? process.env.RQC_TEST_DATABASE_URL!);
		url.password = 'Wrong-Pass-7781';
		const error = await openStore({databaseUrl: url.toString(), pgliteDir: ''}).catch((error_: unknown) => error_);
		expect(error).toMatchObject({name: 'ServiceError', exitCode: 3});
		expect(String((error as Error).message)).toMatch(/refused the credentials/);
		expect(String((error as Error).message)).not.toContain('Wrong-Pass-7781');
	});

	it('reports a dead server as unreachable', async () => {
		await expect(openStore({databaseUrl: 'postgres://rqc:x@127.0.0.1:1/none', pgliteDir: ''}, {connectTimeoutMs: 2000}))
			.rejects.toMatchObject({name: 'ServiceError', message: expect.stringMatching(/connection refused/)});
	});
});
