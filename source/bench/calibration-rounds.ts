/**
 * The measuring part of `rqc calibrate` (issue 15): the cases run on the host and in the
 * container, interleaved round by round (bare, docker, then docker, bare: drift hits both sides
 * alike), until every case's wall and cpu overhead interval is within the target (±1% by
 * default) or the time budget ends. Reports progress after each round.
 */
import os from 'node:os';
import path from 'node:path';
import {ExternalError, UserError} from '../errors.js';
import {computeCalibration, type CalibrationPoint, type CalibrationResult, type CaseMeasurements} from '../compare/calibration.js';
import {computeProfile, describeImprecision, getStopReason, listHalfWidths} from '../compare/calibration-quality.js';
import type {CalibrationQuality, CaseProfile} from '../store/records.js';
import type {Executor} from './executor.js';
import type {SuiteCase} from './suite.js';

/** A point with the system time kept apart (for the case's profile). */
export type ProfiledPoint = CalibrationPoint & {readonly system: number};

export interface RoundsOptions {
	readonly cases: readonly SuiteCase[];
	readonly bare: Executor;
	readonly docker: Executor;
	/** The case's command as the container sees it (a bind-mounted binary has another path there). */
	readonly dockerArgv?: (argv: readonly string[]) => readonly string[];
	/** At least this many rounds (default 3: the round-to-round spread needs a few). */
	readonly minRounds?: number;
	/** Stop once every interval's half-width is within this, in % (default 1). */
	readonly targetPct?: number;
	/** The time budget (default 5 minutes); a round that would not fit is not started. */
	readonly maxTimeMs?: number;
	/** Iterations per case, side and round (default 3). */
	readonly iterationsPerRound?: number;
	readonly seed?: number;
	readonly cores: number;
	readonly signal: AbortSignal;
	readonly onProgress?: (text: string) => void;
	/** For tests: the clock (default Date.now). */
	readonly now?: () => number;
}

export interface RoundsOutcome {
	readonly result: CalibrationResult;
	readonly profiles: Record<string, CaseProfile>;
	readonly quality: CalibrationQuality;
}

async function measureCase(executor: Executor, spec: SuiteCase, argv: readonly string[], iterations: number, signal: AbortSignal): Promise<ProfiledPoint[]> {
	const points: ProfiledPoint[] = [];
	let failure: string | undefined;
	const cwd = spec.cwd === undefined ? executor.scratchDir : (path.posix.isAbsolute(spec.cwd) ? spec.cwd : path.posix.join(executor.suiteDir, spec.cwd));
	const outcome = await executor.measure({argv, iterations, timeoutMs: spec.timeoutMs, cwd, env: spec.env, shouldStopOnFailure: true}, (batch) => {
		for (const it of batch) {
			if (it.exitCode !== 0 || it.isTimedOut || it.isOomKilled) {
				failure ??= it.isOomKilled ? 'killed for memory (OOM)' : (it.isTimedOut ? 'timed out' : `exit ${it.exitCode ?? `signal ${it.signal}`}`);
				continue;
			}

			points.push({wall: it.wallNs, cpu: it.userUs + it.systemUs, rss: it.maxRssBytes, system: it.systemUs});
		}
	}, signal);
	const where = executor.mode === 'docker' ? 'in the container' : 'on the host';
	if (failure ?? outcome.error) {
		throw new ExternalError(spec.display, `calibration case ${spec.name} failed ${where}: ${failure ?? outcome.error}`, '', 'check the case runs there: rqc bench run <suite> --mode docker (or bare-metal)');
	}

	return points;
}

/** Measures until precise enough or out of time; returns the overheads, profiles and precision reached. */
export async function measureInterleavedRounds(options: RoundsOptions): Promise<RoundsOutcome> {
	const {signal, bare, docker} = options;
	const now = options.now ?? Date.now;
	const progress = options.onProgress ?? (() => {});
	const minRounds = options.minRounds ?? 3;
	const targetPct = options.targetPct ?? 1;
	const maxTimeMs = options.maxTimeMs ?? 300_000;
	const iterations = options.iterationsPerRound ?? 3;
	const dockerArgv = options.dockerArgv ?? ((argv: readonly string[]) => argv);
	const started = now();
	const loadAtStart = os.loadavg()[0]!;
	const measurements = new Map<string, {bare: ProfiledPoint[]; docker: ProfiledPoint[]; rounds: Array<{bare: ProfiledPoint[]; docker: ProfiledPoint[]}>}>();
	for (const spec of options.cases) {
		measurements.set(spec.name, {bare: [], docker: [], rounds: []});
		// Warm both sides once, unmeasured.
		if (spec.warmup > 0) {
			await measureCase(bare, spec, spec.argv, spec.warmup, signal);
			await measureCase(docker, spec, dockerArgv(spec.argv), spec.warmup, signal);
		}
	}

	let rounds = 0;
	// The slowest round so far decides whether another fits: one round's time under a load spike is no promise.
	let slowestRoundMs = 0;
	let result: CalibrationResult | undefined;
	let stoppedBy: 'target' | 'time' | undefined;
	while (stoppedBy === undefined) {
		const roundStart = now();
		for (const spec of options.cases) {
			if (signal.aborted) throw new UserError('calibration interrupted; nothing was saved');
			const target = measurements.get(spec.name)!;
			const thisRound = {bare: [] as ProfiledPoint[], docker: [] as ProfiledPoint[]};
			const order: Array<[Executor, readonly string[], ProfiledPoint[]]> = rounds % 2 === 0
				? [[bare, spec.argv, thisRound.bare], [docker, dockerArgv(spec.argv), thisRound.docker]]
				: [[docker, dockerArgv(spec.argv), thisRound.docker], [bare, spec.argv, thisRound.bare]];
			for (const [executor, argv, into] of order) into.push(...await measureCase(executor, spec, argv, iterations, signal));
			target.rounds.push(thisRound);
			target.bare.push(...thisRound.bare);
			target.docker.push(...thisRound.docker);
		}

		rounds++;
		// Fewer resamples while deciding whether to go on; the saved result uses the full 2,000.
		result = computeCalibration(measurements as ReadonlyMap<string, CaseMeasurements>, {seed: options.seed, resamples: 500});
		const widest = listHalfWidths(result)[0];
		const elapsed = now() - started;
		slowestRoundMs = Math.max(slowestRoundMs, now() - roundStart);
		stoppedBy = getStopReason({rounds, minRounds, widestPct: widest?.halfWidthPct ?? 0, targetPct, elapsedMs: elapsed, maxTimeMs, lastRoundMs: slowestRoundMs});
		progress(`round ${rounds}: widest interval ±${formatPct(widest?.halfWidthPct)}${widest ? ` (${widest.case} ${widest.dimension})` : ''}, target ±${targetPct}%; ${Math.round(elapsed / 1000)} s of ${Math.round(maxTimeMs / 1000)} s`);
	}

	result = computeCalibration(measurements as ReadonlyMap<string, CaseMeasurements>, {seed: options.seed});
	const widths = listHalfWidths(result);
	const loadAverage: [number, number] = [loadAtStart, os.loadavg()[0]!];
	const widestPct = widths[0]?.halfWidthPct ?? 0;
	const profiles: Record<string, CaseProfile> = {};
	for (const [name, measured] of measurements) {
		const profile = computeProfile(measured.bare);
		if (profile) profiles[name] = profile;
	}

	return {
		result,
		profiles,
		quality: {
			targetPct,
			widestPct,
			widest: widths[0] ? {case: widths[0].case, dimension: widths[0].dimension} : undefined,
			isWithinTarget: widestPct <= targetPct,
			rounds,
			elapsedMs: now() - started,
			loadAverage,
			reasons: describeImprecision(widths, {targetPct, loadAverage, cores: options.cores, stoppedBy}),
		},
	};
}

function formatPct(value: number | undefined): string {
	if (value === undefined) return '-';
	return Number.isFinite(value) ? `${value.toFixed(2)}%` : '∞';
}
