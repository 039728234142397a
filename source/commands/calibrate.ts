/**
 * `rqc calibrate [--cpus N --memory M --image I]`: measures what the container costs on this
 * host (the calibration suite bare metal vs in a container, interleaved) and stores it, so
 * `rqc compare` can adjust a docker run against a bare-metal one. `rqc calibrate --list` shows
 * the stored calibrations. No Ink.
 */
import path from 'node:path';
import {getPackageRoot} from '../config.js';
import {EXIT, UserError} from '../errors.js';
import {verifyImageReference} from '../names.js';
import {toJson} from '../json.js';
import type {Calibration, RatioEstimate} from '../store/records.js';
import {formatTableLines} from '../text/table.js';
import {displayWidth, fit, formatBytes, paint} from '../text/text.js';
import type {CommandSpec} from './types.js';

function formatRatio(estimate: RatioEstimate | undefined): string {
	if (!estimate) return '-';
	return `×${estimate.ratio.toFixed(3)} [${estimate.low.toFixed(3)}, ${estimate.high.toFixed(3)}]`;
}

/** The stored calibrations as a table. Pure. */
export function formatCalibrations(calibrations: readonly Calibration[], hasColor: boolean): string {
	if (calibrations.length === 0) return 'no calibrations yet: run rqc calibrate (e.g. rqc calibrate --cpus 1 --memory 512m)';
	const headings = ['id', 'created (UTC)', 'host', 'image', 'engine', 'cpus', 'memory', 'wall', 'cpu', 'rss'];
	const rows = calibrations.map((c) => [
		`#${c.id}${c.isDemo ? ' (demo)' : ''}`,
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
	return names.map((name) => {
		const c = calibration.cases[name]!;
		return `${fit(name, width)}  wall ${formatRatio(c.wall)}  cpu ${formatRatio(c.cpu)}  rss ${formatRatio(c.rss)}`;
	}).join('\n');
}

export const calibrateCommand: CommandSpec = {
	name: 'calibrate',
	summary: 'Measure the container overhead on this host (calibration suite, bare metal vs docker, interleaved)',
	usage: 'rqc calibrate [--cpus N] [--memory M] [--image I] [--rounds R] [--list] [--json]',
	examples: ['rqc calibrate --cpus 2 --memory 1g', 'rqc calibrate --list', 'rqc calibrate --cpus 1 --memory 512m --image rqc-busybox:test --json'],
	flags: {
		list: {type: 'boolean', default: false, description: 'Show the stored calibrations instead of measuring'},
		cpus: {type: 'number', description: 'Container CPUs (default min(4, host cores), as rqc bench run)'},
		memory: {type: 'string', description: 'Container memory, e.g. 512m or 2g (default min(8g, half the host), as rqc bench run)'},
		image: {type: 'string', description: 'Container image (default $RQC_BENCH_IMAGE, else the first built runner image, as rqc bench run)'},
		rounds: {type: 'number', default: 5, description: 'Interleaved rounds (each measures every case on both sides)'},
		calibrationSuite: {type: 'string', description: 'Another calibration suite file (default benchmarks/calibration.yaml)'},
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

		const rounds = Number(flags.rounds ?? 5);
		if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new UserError(`--rounds ${String(flags.rounds)}: must be a whole number from 1 to 100`);
		const [{loadSuite}, {runCalibration}, {RUNNER_IMAGES, findBuiltRunnerImage}, {createDockerClient}] = await Promise.all([
			import('../bench/suite.js'),
			import('../bench/run-calibration.js'),
			import('../bench/runner.js'),
			import('../docker/engine.js'),
		]);
		const suiteFile = typeof flags.calibrationSuite === 'string' ? path.resolve(flags.calibrationSuite) : path.join(getPackageRoot(), 'benchmarks', 'calibration.yaml');
		const suite = await loadSuite(suiteFile);
		const docker = createDockerClient(context.config);
		let image = typeof flags.image === 'string' ? verifyImageReference(flags.image) : context.env.RQC_BENCH_IMAGE;
		image ||= await findBuiltRunnerImage(docker);

		if (!image) throw new UserError(`none of the runner images (${RUNNER_IMAGES.join(', ')}) is built`, 'build one with scripts/ci/build-images.sh, or pass --image');
		const cache = await context.openCache().catch(() => undefined);
		const calibration = await runCalibration({
			suite,
			image,
			rounds,
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
			context.stdout.write(`${formatCalibrations([calibration], context.hasColor)}\n\n${formatCalibrationCases(calibration)}\n`);
		}

		return EXIT.ok;
	},
};
