/**
 * `rqc calibrate`'s work: the calibration suite's cases measured on the host and in a container
 * with the given limits, interleaved round by round (bare, docker, then docker, bare: drift
 * hits both sides alike), reduced to overheads and saved, tied to the host fingerprint, the
 * limits, the image and the engine version.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {createDockerClient, verifyEngine} from '../docker/engine.js';
import {ExternalError, UserError} from '../errors.js';
import {BareMetalExecutor} from '../bench/bare-metal-executor.js';
import {DockerExecutor, removeStaleBenchContainers} from '../bench/docker-executor.js';
import {computeHostFingerprint, readHostFacts} from '../bench/environment.js';
import type {Executor} from '../bench/executor.js';
import {ensureHelper} from '../bench/helper.js';
import {parseNofileHardLimit, resolveLimits, type LimitInputs} from '../bench/limits.js';
import {acquireBenchLock} from '../bench/lock.js';
import type {Suite, SuiteCase} from '../bench/suite.js';
import type {Calibration} from '../store/records.js';
import type {Store} from '../store/store.js';
import {computeCalibration, type CalibrationPoint, type CaseMeasurements} from './calibration.js';

export interface CalibrateOptions {
	readonly suite: Suite;
	readonly image: string;
	readonly limits: LimitInputs;
	/** Rounds of interleaving (default 5); each round measures every case on both sides. */
	readonly rounds?: number;
	/** Iterations per case per side per round (default: the case's iterations / rounds, at least 2). */
	readonly iterationsPerRound?: number;
	readonly seed?: number;
}

export interface CalibrateDeps {
	readonly store: Store;
	readonly cache?: Cache | undefined;
	readonly config: Pick<Config, 'dataDir' | 'dockerHost'>;
	readonly signal: AbortSignal;
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly docker?: Docker;
	/** One line per step, for people. */
	readonly onProgress?: (text: string) => void;
}

async function measureCase(executor: Executor, spec: SuiteCase, iterations: number, signal: AbortSignal): Promise<CalibrationPoint[]> {
	const points: CalibrationPoint[] = [];
	let failure: string | undefined;
	const cwd = spec.cwd === undefined ? executor.scratchDir : (path.posix.isAbsolute(spec.cwd) ? spec.cwd : path.posix.join(executor.suiteDir, spec.cwd));
	const outcome = await executor.measure({argv: spec.argv, iterations, timeoutMs: spec.timeoutMs, cwd, env: spec.env, shouldStopOnFailure: true}, (batch) => {
		for (const it of batch) {
			if (it.exitCode !== 0 || it.isTimedOut || it.isOomKilled) {
				failure ??= it.isOomKilled ? 'killed for memory (OOM)' : (it.isTimedOut ? 'timed out' : `exit ${it.exitCode ?? `signal ${it.signal}`}`);
				continue;
			}

			points.push({wall: it.wallNs, cpu: it.userUs + it.systemUs, rss: it.maxRssBytes});
		}
	}, signal);
	const where = executor.mode === 'docker' ? 'in the container' : 'on the host';
	if (failure ?? outcome.error) {
		throw new ExternalError(spec.display, `calibration case ${spec.name} failed ${where}: ${failure ?? outcome.error}`, '', 'check the case runs there: rqc bench run calibration --mode docker (or bare-metal)');
	}

	return points;
}

/** Runs the calibration and saves it; returns what was saved. */
export async function runCalibration(options: CalibrateOptions, deps: CalibrateDeps): Promise<Calibration> {
	const {signal} = deps;
	const progress = deps.onProgress ?? (() => {});
	const rounds = options.rounds ?? 5;
	const lock = await acquireBenchLock(deps.cache, deps.config.dataDir, {
		suite: options.suite.name,
		mode: 'calibration',
		shouldWait: true,
		signal,
		onWait: () => progress('waiting for the benchmark run already on this host'),
	});
	let bare: Executor | undefined;
	let docker: DockerExecutor | undefined;
	try {
		const facts = await readHostFacts();
		const client = deps.docker ?? createDockerClient(deps.config);
		const engine = await verifyEngine(client, deps.config.dockerHost);
		await removeStaleBenchContainers(client).catch(() => []);
		const ownLimits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
		const resolved = resolveLimits(options.limits, {cores: facts.cores, memoryBytes: facts.memoryBytes, nofileHardLimit: parseNofileHardLimit(ownLimits)});
		if (resolved.problems.length > 0) throw new UserError(resolved.problems.join('; '), 'e.g. rqc calibrate --cpus 1 --memory 512m');
		const hasImage = await client.getImage(options.image).inspect().then(() => true, () => false);
		if (!hasImage) throw new UserError(`image ${options.image} is not on this engine`, 'build it (scripts/ci/build-images.sh) or pass --image with a local one');

		const helper = await ensureHelper(deps.config.dataDir, deps.env ?? process.env);
		const suiteDir = options.suite.file === '<inline>' ? process.cwd() : path.dirname(options.suite.file);
		bare = await BareMetalExecutor.create(helper, suiteDir, deps.env ?? process.env);
		docker = await DockerExecutor.create({
			docker: client,
			helper,
			image: options.image,
			limits: resolved.limits,
			suiteDir,
			engineVersion: engine.version,
			cgroupVersion: engine.cgroupVersion,
			name: `rqc-calibrate-${process.pid}-${Date.now().toString(36)}`,
		});

		const measurements = new Map<string, {bare: CalibrationPoint[]; docker: CalibrationPoint[]; rounds: Array<{bare: CalibrationPoint[]; docker: CalibrationPoint[]}>}>();
		for (const spec of options.suite.cases) {
			measurements.set(spec.name, {bare: [], docker: [], rounds: []});
			// Warm both sides once, unmeasured for the result.
			if (spec.warmup > 0) {
				await measureCase(bare, spec, spec.warmup, signal);
				await measureCase(docker, spec, spec.warmup, signal);
			}
		}

		for (let round = 0; round < rounds; round++) {
			for (const spec of options.suite.cases) {
				if (signal.aborted) throw new UserError('calibration interrupted; nothing was saved');
				const iterations = options.iterationsPerRound ?? Math.max(2, Math.ceil(spec.iterations / rounds));
				const target = measurements.get(spec.name)!;
				const thisRound = {bare: [] as CalibrationPoint[], docker: [] as CalibrationPoint[]};
				const order: Array<[Executor, CalibrationPoint[]]> = round % 2 === 0 ? [[bare, thisRound.bare], [docker, thisRound.docker]] : [[docker, thisRound.docker], [bare, thisRound.bare]];
				for (const [executor, into] of order) into.push(...await measureCase(executor, spec, iterations, signal));
				target.rounds.push(thisRound);
				target.bare.push(...thisRound.bare);
				target.docker.push(...thisRound.docker);
			}

			progress(`round ${round + 1}/${rounds} done`);
		}

		const result = computeCalibration(measurements as ReadonlyMap<string, CaseMeasurements>, {seed: options.seed});
		return await deps.store.saveCalibration({
			hostFingerprint: computeHostFingerprint(facts),
			image: options.image,
			engineVersion: engine.version ?? 'unknown',
			limits: {cpus: resolved.limits.cpus, memoryBytes: resolved.limits.memoryBytes},
			cases: result.cases,
			summary: result.summary,
		});
	} finally {
		await docker?.close();
		await bare?.close();
		await lock.release();
	}
}
