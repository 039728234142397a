/**
 * `rqc calibrate`'s work: the calibration suite's cases measured on the host and in a container
 * with the given limits, interleaved round by round (bare, docker, then docker, bare: drift
 * hits both sides alike), reduced to overheads and saved, tied to the host fingerprint, the
 * limits, the image and the engine version.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import {computeCalibration, type CalibrationPoint, type CaseMeasurements} from '../compare/calibration.js';
import type {Config} from '../config.js';
import {ExternalError, UserError} from '../errors.js';
import type {Calibration} from '../store/records.js';
import type {Store} from '../store/store.js';
import {BenchHost} from './bench-setup.js';
import {computeHostFingerprint} from './environment.js';
import type {Executor} from './executor.js';
import type {LimitInputs} from './limits.js';
import type {Suite, SuiteCase} from './suite.js';

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

function appendAll<T>(into: T[], items: readonly T[]): void {
	for (const item of items) into.push(item);
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
	const host = await BenchHost.open({
		suite: options.suite,
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
		const docker = await host.openDockerExecutor({image: options.image, limits, name: `rqc-calibrate-${process.pid}-${Date.now().toString(36)}`});

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
				// issue 11: appended one by one; a spread push(...points) overflows the stack on a big round
				for (const [executor, into] of order) appendAll(into, await measureCase(executor, spec, iterations, signal));
				target.rounds.push(thisRound);
				appendAll(target.bare, thisRound.bare);
				appendAll(target.docker, thisRound.docker);
			}

			progress(`round ${round + 1}/${rounds} done`);
		}

		const result = computeCalibration(measurements as ReadonlyMap<string, CaseMeasurements>, {seed: options.seed});
		return await deps.store.saveCalibration({
			hostFingerprint: computeHostFingerprint(facts),
			image: options.image,
			engineVersion: engine.version ?? 'unknown',
			limits: {cpus: limits.cpus, memoryBytes: limits.memoryBytes},
			cases: result.cases,
			summary: result.summary,
		});
	} finally {
		await host.close();
	}
}
