/**
 * `rqc calibrate`'s work: rqc's own static workloads (or, with --suite, the user's suite) measured
 * on the host and in a container with the given limits, interleaved round by round until precise
 * enough or out of time (bench/calibration-rounds.ts), reduced to overheads and saved, tied to the
 * host fingerprint, the limits, the image and the engine version.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {createDockerClient, verifyEngine} from '../docker/engine.js';
import {ExternalError, UserError} from '../errors.js';
import {BareMetalExecutor} from '../bench/bare-metal-executor.js';
import {measureInterleavedRounds} from '../bench/calibration-rounds.js';
import {CONTAINER_SCRATCH_DIR, DockerExecutor, removeStaleBenchContainers} from '../bench/docker-executor.js';
import {computeHostFingerprint, readHostFacts} from '../bench/environment.js';
import type {Executor} from '../bench/executor.js';
import {ensureHelper} from '../bench/helper.js';
import {parseNofileHardLimit, resolveLimits, type LimitInputs} from '../bench/limits.js';
import {acquireBenchLock} from '../bench/lock.js';
import type {Suite} from '../bench/suite.js';
import {CONTAINER_WORK, ensureWorkBinary, getWorkloadSuite, toContainerArgv} from '../bench/workloads.js';
import type {Calibration} from '../store/records.js';
import type {Store} from '../store/store.js';

export interface CalibrateOptions {
	/** The user's suite, calibrated case by case (with `release`); absent: rqc's own workloads. */
	readonly suite?: Suite;
	/** Only these of rqc's workloads (default all). */
	readonly workloads?: readonly string[];
	/** The release the suite's calibration is for (`rqc calibrate --suite S --release R`). */
	readonly release?: string;
	readonly image: string;
	readonly limits: LimitInputs;
	/** At least this many interleaved rounds (default 3); each measures every case on both sides. */
	readonly rounds?: number;
	/** Stop once every wall and cpu interval is within ±this % (default 1)... */
	readonly targetPct?: number;
	/** ...or when this time budget ends (default 5 minutes). */
	readonly maxTimeMs?: number;
	/** Iterations per case per side per round (default 3). */
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

/** Runs the calibration and saves it; returns what was saved. */
export async function runCalibration(options: CalibrateOptions, deps: CalibrateDeps): Promise<Calibration> {
	const {signal} = deps;
	const progress = deps.onProgress ?? (() => {});
	const lock = await acquireBenchLock(deps.cache, deps.config.dataDir, {
		suite: options.suite?.name ?? 'rqc-workloads',
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
		// Issue 15: rqc's own static workloads, mounted beside the helper, unless the user's suite is calibrated.
		const work = await ensureWorkBinary(deps.config.dataDir, deps.env ?? process.env);
		const suite = options.suite ?? getWorkloadSuite(work, {only: options.workloads});
		const suiteDir = suite.file === '<inline>' ? process.cwd() : path.dirname(suite.file);
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
			extraBinds: [`${work}:${CONTAINER_WORK}`],
			scratchCommand: [CONTAINER_WORK, 'mkdir', CONTAINER_SCRATCH_DIR],
		});

		if (suite.setup) {
			for (const executor of [bare, docker]) {
				const done = await executor.run(suite.setup, {cwd: executor.scratchDir, env: {}, timeoutMs: 600_000}, signal);
				if (done.exitCode !== 0) throw new ExternalError(suite.setup.join(' '), `the suite's setup failed ${executor.mode === 'docker' ? 'in the container' : 'on the host'}: ${done.output.trim()}`);
			}
		}

		const measured = await measureInterleavedRounds({
			cases: suite.cases,
			bare,
			docker,
			dockerArgv: (argv) => toContainerArgv(argv, work),
			minRounds: options.rounds,
			targetPct: options.targetPct,
			maxTimeMs: options.maxTimeMs,
			iterationsPerRound: options.iterationsPerRound,
			seed: options.seed,
			cores: facts.cores,
			signal,
			onProgress: progress,
		});
		const {result} = measured;
		return await deps.store.saveCalibration({
			hostFingerprint: computeHostFingerprint(facts),
			image: options.image,
			engineVersion: engine.version ?? 'unknown',
			limits: {cpus: resolved.limits.cpus, memoryBytes: resolved.limits.memoryBytes},
			cases: result.cases,
			summary: result.summary,
			...(options.suite ? {suite: options.suite.name} : {}),
			...(options.release === undefined ? {} : {release: options.release}),
			details: {kind: options.suite ? 'suite' : 'workloads', profiles: measured.profiles, quality: measured.quality},
		});
	} finally {
		await docker?.close();
		await bare?.close();
		await lock.release();
	}
}
