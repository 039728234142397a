/**
 * `rqc calibrate [--cpus N --memory M --image I]`: measures what the container costs on this
 * host (rqc's own static workloads, or your suite with --suite/--release, bare metal vs in a
 * container, interleaved until precise enough or --max-time) and stores it, so `rqc compare` can
 * adjust a docker run against a bare-metal one. `rqc calibrate --list` shows the stored
 * calibrations. No Ink.
 */
import {EXIT, UserError} from '../errors.js';
import {verifyImageReference} from '../names.js';
import {toJson} from '../json.js';
import type {Calibration, RatioEstimate} from '../store/records.js';
import {listDrifts} from '../compare/calibration-quality.js';
import {formatTableLines} from '../text/table.js';
import {displayWidth, fit, formatBytes, nameSome, paint} from '../text/text.js';
import type {CommandSpec} from './types.js';

function formatRatio(estimate: RatioEstimate | undefined, withDrift = false): string {
	if (!estimate) return '-';
	const drift = withDrift && estimate.drift !== undefined && estimate.drift >= 0.0005 ? ` drift ±${(estimate.drift * 100).toFixed(1)}%` : '';
	return `×${estimate.ratio.toFixed(3)} [${estimate.low.toFixed(3)}, ${estimate.high.toFixed(3)}]${drift}`;
}

/** The stored calibrations as a table. Pure. */
export function formatCalibrations(calibrations: readonly Calibration[], hasColor: boolean): string {
	if (calibrations.length === 0) return 'no calibrations yet: run rqc calibrate (e.g. rqc calibrate --cpus 1 --memory 512m)';
	const headings = ['id', 'created (UTC)', 'host', 'image', 'engine', 'cpus', 'memory', 'wall', 'cpu', 'rss'];
	const rows = calibrations.map((c) => [
		`#${c.id}${c.isDemo ? ' (demo)' : ''}${c.suite === undefined ? '' : ` suite ${c.suite}${c.release === undefined ? '' : `@${c.release}`}`}`,
		c.createdAt.toISOString().replace('T', ' ').slice(0, 16),
		c.hostFingerprint.slice(0, 8),
		c.image,
		c.engineVersion,
		c.limits.cpus === undefined ? '-' : String(c.limits.cpus),
		c.limits.memoryBytes === undefined ? '-' : formatBytes(c.limits.memoryBytes, 'flag'),
		formatRatio(c.summary.wall),
		formatRatio(c.summary.cpu),
		formatRatio(c.summary.rss),
	]);
	const [header = '', ...lines] = formatTableLines(headings, rows);
	return [paint(header, 'dim', hasColor), ...lines, 'overhead = docker / bare metal (geometric mean over the calibration cases, 95% interval)'].join('\n');
}

/** Per-case overheads of one calibration. Pure. */
export function formatCalibrationCases(calibration: Calibration): string {
	const names = Object.keys(calibration.cases);
	const width = Math.max(4, ...names.map((n) => displayWidth(n)));
	const title = calibration.suite === undefined ? '' : `suite ${calibration.suite}${calibration.release === undefined ? '' : ` at ${calibration.release}`}, per case:\n`;
	return title + names.map((name) => {
		const c = calibration.cases[name]!;
		return `${fit(name, width)}  wall ${formatRatio(c.wall, true)}  cpu ${formatRatio(c.cpu, true)}  rss ${formatRatio(c.rss)}`;
	}).join('\n');
}

/** --suite/--release/--target, checked together (issue 15). Pure. */
export function readPrecisionFlags(flags: Readonly<Record<string, unknown>>): {suite: string | undefined; release: string | undefined; targetPct: number} {
	const suite = typeof flags.suite === 'string' && flags.suite !== '' ? flags.suite : undefined;
	const release = typeof flags.release === 'string' && flags.release !== '' ? flags.release : undefined;
	if (suite !== undefined && release === undefined) throw new UserError(`--suite ${suite} needs --release: a suite's overheads are measured for one release`, `e.g. rqc calibrate --suite ${suite} --release v1.5.0`);
	if (release !== undefined && suite === undefined) throw new UserError(`--release ${release} needs --suite: without one rqc calibrates its own workloads, which have no release`, `e.g. rqc calibrate --suite <your suite> --release ${release}`);
	const targetPct = Number(flags.target ?? 1);
	if (!Number.isFinite(targetPct) || targetPct <= 0 || targetPct > 50) throw new UserError(`--target ${String(flags.target)}: must be a percentage above 0 and at most 50`, 'e.g. --target 1');
	return {suite, release, targetPct};
}

/**
 * The precision a calibration reached and, when it is wider than its target, why and what it
 * means for comparisons (issue 15). Pure.
 */
export function formatQuality(calibration: Calibration, hasColor: boolean): string {
	const quality = calibration.details?.quality;
	if (!quality) return '';
	const widest = Number.isFinite(quality.widestPct) ? `±${quality.widestPct.toFixed(2)}%` : '±∞';
	const where = quality.widest ? ` (${quality.widest.case} ${quality.widest.dimension})` : '';
	const head = `${quality.rounds} round(s) in ${Math.round(quality.elapsedMs / 1000)} s, load average ${quality.loadAverage[0].toFixed(2)} → ${quality.loadAverage[1].toFixed(2)}; widest interval ${widest}${where}`;
	// An overhead that moved between rounds by more than the target will not hold for runs made
	// at another time: compare widens each adjustment by it (issue 15).
	const drifts = listDrifts(calibration.cases, quality.targetPct);
	const drifted = drifts.length === 0 ? [] : [paint(`! the overhead itself moved between rounds, beyond the measurement noise: ${nameSome(drifts.map((d) => `${d.case} ${d.dimension} ±${d.driftPct.toFixed(1)}%`))}; rqc compare widens the adjustments by it, so cases of that kind may read "undecided: calibration too coarse" (calibrate your own suite right before its runs for those)`, 'yellow', hasColor)];
	if (quality.isWithinTarget) return [`${head}: within the target ±${quality.targetPct}%`, ...drifted].join('\n');
	return [
		`${head}: wider than the target ±${quality.targetPct}%`,
		...quality.reasons.map((reason) => paint(`! ${reason}`, 'yellow', hasColor)),
		...drifted,
		paint(`! stored with its intervals: rqc compare carries them into each change, and says "undecided: calibration too coarse" where they hide a change of the threshold's size`, 'yellow', hasColor),
	].join('\n');
}

export const calibrateCommand: CommandSpec = {
	name: 'calibrate',
	summary: 'Measure the container overhead on this host (rqc\'s own workloads or your suite, bare metal vs docker, interleaved)',
	usage: 'rqc calibrate [--cpus N] [--memory M] [--image I] [--suite S --release R] [--max-time T] [--target PCT] [--rounds R] [--list] [--json]',
	examples: ['rqc calibrate --cpus 2 --memory 1g', 'rqc calibrate --cpus 2 --memory 1g --suite api --release v1.5.0 --max-time 10m', 'rqc calibrate --list', 'rqc calibrate --cpus 1 --memory 512m --image rqc-busybox:test --json'],
	flags: {
		list: {type: 'boolean', default: false, description: 'Show the stored calibrations instead of measuring'},
		cpus: {type: 'number', description: 'Container CPUs (default min(4, host cores), as rqc bench run)'},
		memory: {type: 'string', description: 'Container memory, e.g. 512m or 2g (default min(8g, half the host), as rqc bench run)'},
		image: {type: 'string', description: 'Container image (default $RQC_BENCH_IMAGE, else the first built runner image, as rqc bench run)'},
		rounds: {type: 'number', default: 3, description: 'At least this many interleaved rounds (each measures every case on both sides)'},
		maxTime: {type: 'string', default: '5m', description: 'Time budget: rounds go on until every interval is within --target or this ends (e.g. 90s, 10m)'},
		target: {type: 'number', default: 1, description: 'Aimed-for precision: the half-width of each overhead interval, in %'},
		suite: {type: 'string', description: 'Calibrate your own suite (name or file) case by case, with --release; default: rqc\'s own workloads'},
		release: {type: 'string', description: 'The release the suite calibration is for (with --suite)'},
		workloads: {type: 'string', description: 'Only these of rqc\'s workloads, comma-separated (default all: cpu-int, cpu-float, memory-bandwidth, page-faults, syscalls, spawn, file-io)'},
	},
	async run(context) {
		const {flags} = context;
		const store = await context.openStore();
		if (flags.list) {
			const calibrations = await store.listCalibrations();
			if (context.isJson) context.stdout.write(toJson({calibrations}) + '\n');
			else context.stdout.write(formatCalibrations(calibrations, context.hasColor) + '\n');
			return EXIT.ok;
		}

		const rounds = Number(flags.rounds ?? 3);
		if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new UserError(`--rounds ${String(flags.rounds)}: must be a whole number from 1 to 100`);
		const precision = readPrecisionFlags(flags);
		const [{getSuiteDirectories, parseDuration, resolveSuite}, {runCalibration}, {RUNNER_IMAGES, findBuiltRunnerImage}, {createDockerClient}] = await Promise.all([
			import('../bench/suite.js'),
			import('../bench/run-calibration.js'),
			import('../bench/runner.js'),
			import('../docker/engine.js'),
		]);
		const maxTimeMs = parseDuration(flags.maxTime ?? '5m');
		if (maxTimeMs === undefined) throw new UserError(`--max-time ${String(flags.maxTime)}: not a duration`, 'e.g. --max-time 90s or --max-time 10m');
		const suite = precision.suite === undefined ? undefined : await resolveSuite(precision.suite, getSuiteDirectories());
		if (suite && typeof flags.workloads === 'string') throw new UserError('--workloads and --suite exclude each other: a suite calibration measures your cases, not rqc\'s workloads', 'drop one of them');
		const workloads = typeof flags.workloads === 'string' ? (await import('../bench/workloads.js')).verifyWorkloadNames(flags.workloads) : undefined;
		const docker = createDockerClient(context.config);
		let image = typeof flags.image === 'string' ? verifyImageReference(flags.image) : context.env.RQC_BENCH_IMAGE;
		image ||= await findBuiltRunnerImage(docker);

		if (!image) throw new UserError(`none of the runner images (${RUNNER_IMAGES.join(', ')}) is built`, 'build one with scripts/ci/build-images.sh, or pass --image');
		const cache = await context.openCache().catch(() => undefined);
		const calibration = await runCalibration({
			suite,
			image,
			rounds,
			maxTimeMs,
			targetPct: precision.targetPct,
			...(workloads ? {workloads} : {}),
			...(suite ? {suite, release: precision.release} : {}),
			limits: {cpus: typeof flags.cpus === 'number' ? flags.cpus : undefined, memory: typeof flags.memory === 'string' ? flags.memory : undefined},
		}, {
			store,
			cache,
			config: context.config,
			signal: context.signal,
			env: context.env,
			docker,
			onProgress: (text) => {
				if (!context.isJson) context.stderr.write(`${text}\n`);
			},
		});
		if (context.isJson) {
			context.stdout.write(toJson({calibration}) + '\n');
		} else {
			context.stdout.write(`${formatCalibrations([calibration], context.hasColor)}\n\n${formatCalibrationCases(calibration)}\n${formatQuality(calibration, context.hasColor)}\n`);
		}

		return EXIT.ok;
	},
};
