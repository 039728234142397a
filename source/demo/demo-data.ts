/**
 * The demo data set (fixtures/demo/, made by scripts/demo/make-demo-data.sh): real hyperfine
 * measurements of three releases of a tiny program on one machine, bare metal and in a
 * container, and the docker-vs-bare-metal calibration measured there. Reading and shaping it is
 * here; writing it is loadDemo. Everything it writes is flagged isDemo, so
 * `rqc demo --remove` (store.removeDemoData) takes exactly it away.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {computeCalibration, type CaseMeasurements} from '../compare/calibration.js';
import {computeHostFingerprint} from '../bench/environment.js';
import {getPackageRoot} from '../config.js';
import {UserError} from '../errors.js';
import {parseImport, type ParsedImport} from '../importers/index.js';
import {JsonReader, parseJsonDocument, type JsonValue} from '../importers/json-document.js';
import {writeImports, type ParsedFile} from '../importers/write-imports.js';
import type {ExecutionEnvironment, NewCalibration, ResourceLimits, RunMode} from '../store/records.js';
import type {Store} from '../store/store.js';

export interface DemoRunEntry {
	readonly release: string;
	readonly mode: RunMode;
	readonly file: string;
	readonly startedAt: Date;
	readonly endedAt: Date;
	readonly loadAvgStart?: readonly number[];
	readonly loadAvgEnd?: readonly number[];
}

export interface DemoManifest {
	readonly description: string;
	readonly suite: string;
	readonly hyperfineVersion: string | undefined;
	readonly host: {readonly hostname: string; readonly cpuModel: string; readonly cores: number; readonly memoryBytes: number; readonly kernel: string};
	readonly docker: {readonly image: string; readonly imageId: string | undefined; readonly engineVersion: string; readonly limits: ResourceLimits};
	readonly releases: readonly string[];
	readonly runs: readonly DemoRunEntry[];
	readonly calibration: {readonly bareMetal: readonly string[]; readonly docker: readonly string[]; readonly measuredAt: Date};
}

export interface DemoData {
	readonly manifest: DemoManifest;
	/** One parsed hyperfine file per run, grouped by release in manifest order. */
	readonly releases: ReadonlyArray<{readonly name: string; readonly files: readonly ParsedFile[]}>;
	readonly calibration: NewCalibration;
}

export interface DemoSummary {
	readonly releases: readonly string[];
	readonly runs: number;
	readonly samples: number;
	readonly calibrations: number;
}

/** Where the shipped demo data lives. */
export function getDemoDir(): string {
	return path.join(getPackageRoot(), 'fixtures', 'demo');
}

/** Reads manifest.json. Pure apart from its input text. */
export function parseDemoManifest(text: string, fileName: string): DemoManifest {
	const read = new JsonReader(fileName);
	const root = read.object(parseJsonDocument(text, fileName), '(root)');
	const host = read.object(root.host, 'host');
	const docker = read.object(root.docker, 'docker');
	const limits = read.object(docker.limits, 'docker.limits');
	const calibration = read.object(root.calibration, 'calibration');
	const tools = read.optionalObject(root.tools, 'tools') ?? {};
	const files = (value: JsonValue | undefined, at: string) => read.array(value, at).map((f, i) => read.string(f, `${at}[${i}]`));
	const loads = (value: JsonValue | undefined, at: string) => (value === undefined ? undefined : read.array(value, at).map((v, i) => read.number(v, `${at}[${i}]`)));
	const date = (value: JsonValue | undefined, at: string) => {
		const d = read.optionalDate(value, at);
		return d ?? read.fail(at, 'expected a date');
	};

	return {
		description: read.string(root.description, 'description'),
		suite: read.string(root.suite, 'suite'),
		hyperfineVersion: read.optionalString(tools.hyperfine, 'tools.hyperfine'),
		host: {
			hostname: read.string(host.hostname, 'host.hostname'),
			cpuModel: read.string(host.cpuModel, 'host.cpuModel'),
			cores: read.number(host.cores, 'host.cores'),
			memoryBytes: read.number(host.memoryBytes, 'host.memoryBytes'),
			kernel: read.string(host.kernel, 'host.kernel'),
		},
		docker: {
			image: read.string(docker.image, 'docker.image'),
			imageId: read.optionalString(docker.imageId, 'docker.imageId'),
			engineVersion: read.string(docker.engineVersion, 'docker.engineVersion'),
			limits: {
				cpus: read.number(limits.cpus, 'docker.limits.cpus'),
				memoryBytes: read.number(limits.memoryBytes, 'docker.limits.memoryBytes'),
				...(limits.memorySwapBytes === undefined ? {} : {memorySwapBytes: read.number(limits.memorySwapBytes, 'docker.limits.memorySwapBytes')}),
			},
		},
		releases: read.array(root.releases, 'releases').map((r, i) => read.string(read.object(r, `releases[${i}]`).name, `releases[${i}].name`)),
		runs: read.array(root.runs, 'runs').map((raw, i) => {
			const at = `runs[${i}]`;
			const run = read.object(raw, at);
			const mode = read.string(run.mode, `${at}.mode`);
			if (mode !== 'bare_metal' && mode !== 'docker') read.fail(`${at}.mode`, 'expected bare_metal or docker');
			const loadAvgStart = loads(run.loadAvgStart, `${at}.loadAvgStart`);
			const loadAvgEnd = loads(run.loadAvgEnd, `${at}.loadAvgEnd`);
			return {
				release: read.string(run.release, `${at}.release`),
				mode: mode as RunMode,
				file: read.string(run.file, `${at}.file`),
				startedAt: date(run.startedAt, `${at}.startedAt`),
				endedAt: date(run.endedAt, `${at}.endedAt`),
				...(loadAvgStart ? {loadAvgStart} : {}),
				...(loadAvgEnd ? {loadAvgEnd} : {}),
			};
		}),
		calibration: {
			bareMetal: files(calibration.bareMetal, 'calibration.bareMetal'),
			docker: files(calibration.docker, 'calibration.docker'),
			measuredAt: date(calibration.measuredAt, 'calibration.measuredAt'),
		},
	};
}

/** The environment stored with a demo run: this data set's host, and the container for docker runs. */
export function getDemoEnvironment(manifest: DemoManifest, run: Pick<DemoRunEntry, 'mode' | 'loadAvgStart' | 'loadAvgEnd'>): Partial<ExecutionEnvironment> {
	return {
		hostFingerprint: computeHostFingerprint(manifest.host),
		host: {
			...manifest.host,
			...(run.loadAvgStart ? {loadAvgStart: run.loadAvgStart} : {}),
			...(run.loadAvgEnd ? {loadAvgEnd: run.loadAvgEnd} : {}),
		},
		...(run.mode === 'docker'
			? {image: manifest.docker.image, ...(manifest.docker.imageId ? {imageId: manifest.docker.imageId} : {}), engineVersion: manifest.docker.engineVersion, limits: manifest.docker.limits}
			: {}),
		demo: 'rqc demo data set (fixtures/demo): real measurements, removable with rqc demo --remove',
	};
}

/**
 * The calibration: per case, the ratio of medians docker / bare metal of the wall times of the
 * same binary measured in both places (hyperfine exports carry no per-run CPU time or RSS, so
 * only the wall dimension is calibrated). Pure.
 */
export function computeDemoCalibration(manifest: DemoManifest, bare: readonly ParsedImport[], docker: readonly ParsedImport[]): NewCalibration {
	const measurements = new Map<string, {bare: Array<{wall: number; cpu: number; rss: number}>; docker: Array<{wall: number; cpu: number; rss: number}>}>();
	const add = (side: 'bare' | 'docker', parsed: readonly ParsedImport[]) => {
		for (const sample of parsed.flatMap((p) => p.runs.flatMap((r) => r.samples))) {
			const entry = measurements.get(sample.caseName) ?? {bare: [], docker: []};
			entry[side].push({wall: sample.wallNs, cpu: 0, rss: 0});
			measurements.set(sample.caseName, entry);
		}
	};

	add('bare', bare);
	add('docker', docker);
	const result = computeCalibration(measurements as ReadonlyMap<string, CaseMeasurements>);
	return {
		createdAt: manifest.calibration.measuredAt,
		hostFingerprint: computeHostFingerprint(manifest.host),
		image: manifest.docker.image,
		engineVersion: manifest.docker.engineVersion,
		limits: manifest.docker.limits,
		cases: result.cases,
		summary: result.summary,
		isDemo: true,
	};
}

/** Reads the demo data set from dir (default: the shipped fixtures/demo). */
export async function readDemoData(dir = getDemoDir()): Promise<DemoData> {
	const load = async (file: string): Promise<string> => {
		try {
			return await readFile(path.join(dir, file), 'utf8');
		} catch {
			throw new UserError(`the demo data set is missing ${path.join(dir, file)}`, 'reinstall rqc, or make it again with scripts/demo/make-demo-data.sh');
		}
	};

	const manifest = parseDemoManifest(await load('manifest.json'), path.join(dir, 'manifest.json'));
	const parse = async (file: string) => parseImport(await load(file), {fileName: path.join(dir, file), format: 'hyperfine'});
	const releases = [];
	for (const name of manifest.releases) {
		const files: ParsedFile[] = [];
		for (const run of manifest.runs.filter((r) => r.release === name)) {
			files.push({
				fileName: run.file,
				parsed: await parse(run.file),
				startedAt: run.startedAt,
				endedAt: run.endedAt,
				environment: getDemoEnvironment(manifest, run),
				...(manifest.hyperfineVersion ? {toolVersion: manifest.hyperfineVersion} : {}),
			});
		}

		releases.push({name, files});
	}

	const bare = await Promise.all(manifest.calibration.bareMetal.map(parse));
	const docker = await Promise.all(manifest.calibration.docker.map(parse));
	return {manifest, releases, calibration: computeDemoCalibration(manifest, bare, docker)};
}

/** Whether any demo data is in the store. */
export async function hasDemoData(store: Store): Promise<boolean> {
	const [releases, calibrations] = await Promise.all([store.listReleases(), store.listCalibrations()]);
	return releases.some((r) => r.isDemo) || calibrations.some((c) => c.isDemo);
}

/** Writes the demo data set in one transaction, every row flagged as demo. */
export async function loadDemo(store: Store, data: DemoData, now: Date): Promise<DemoSummary> {
	for (const {name} of data.releases) {
		const existing = await store.getRelease(name);
		if (existing && !existing.isDemo) {
			throw new UserError(`a release named ${name} already exists and is not demo data`, 'rename it, or use another store (--data-dir) for the demo');
		}
	}

	return store.transaction(async (tx) => {
		let runs = 0;
		let samples = 0;
		for (const {name, files} of data.releases) {
			for (const file of files) {
				// One file at a time: each run keeps its own mode (bare metal or docker) from the manifest.
				const mode = data.manifest.runs.find((r) => r.file === file.fileName)?.mode ?? 'bare_metal';
				const summary = await writeImports(tx, [file], {release: name, suite: data.manifest.suite, mode, isDemo: true, now});
				runs += summary.runs.length;
				samples += summary.runs.reduce((n, r) => n + r.samples, 0);
			}
		}

		await tx.saveCalibration(data.calibration);
		return {releases: data.releases.map((r) => r.name), runs, samples, calibrations: 1};
	});
}
