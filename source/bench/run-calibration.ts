/**
 * `rqc calibrate`'s work: rqc's own static workloads (or, with --suite, the user's suite) measured
 * on the host and in a container with the given limits, interleaved round by round until precise
 * enough or out of time (bench/calibration-rounds.ts), reduced to overheads and saved, tied to the
 * host fingerprint, the limits, the image and the engine version.
 */
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {ExternalError, UserError} from '../errors.js';
import type {Calibration} from '../store/records.js';
import type {Store} from '../store/store.js';
import {BenchHost} from './bench-setup.js';
import {measureInterleavedRounds} from './calibration-rounds.js';
import {CONTAINER_SCRATCH_DIR} from './docker-executor.js';
import {computeHostFingerprint} from './environment.js';
import type {LimitInputs} from './limits.js';
import type {Suite} from './suite.js';
import {CONTAINER_WORK, ensureWorkBinary, getWorkloadSuite, toContainerArgv} from './workloads.js';

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
	// Issue 15: rqc's own static workloads, mounted beside the helper, unless the user's suite is calibrated.
	const work = await ensureWorkBinary(deps.config.dataDir, deps.env ?? process.env);
	const suite = options.suite ?? getWorkloadSuite(work, {only: options.workloads});
	const host = await BenchHost.open({
		suite,
		lockMode: 'calibration',
		config: deps.config,
		cache: deps.cache,
		signal,
		env: deps.env,
		docker: deps.docker,
		shouldWait: true,
		notice: progress,
		onWait: () => progress('waiting for the benchmark run already on this host'),
	});
	try {
		const {facts} = host;
		const engine = await host.verifyEngine();
		await host.removeStaleContainers();
		const limits = await host.resolveLimits(options.limits, 'e.g. rqc calibrate --cpus 1 --memory 512m');
		const hasImage = await host.docker.getImage(options.image).inspect().then(() => true, () => false);
		if (!hasImage) throw new UserError(`image ${options.image} is not on this engine`, 'build it (scripts/ci/build-images.sh) or pass --image with a local one');

		const bare = await host.openBareMetalExecutor();
		const docker = await host.openDockerExecutor({
			image: options.image,
			limits,
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
			limits: {cpus: limits.cpus, memoryBytes: limits.memoryBytes},
			cases: result.cases,
			summary: result.summary,
			...(options.suite ? {suite: options.suite.name} : {}),
			...(options.release === undefined ? {} : {release: options.release}),
			details: {kind: options.suite ? 'suite' : 'workloads', profiles: measured.profiles, quality: measured.quality},
		});
	} finally {
		await host.close();
	}
}
