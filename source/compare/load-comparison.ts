/**
 * Builds a release comparison from the store: resolves the two sides (release, optional
 * @mode), picks their runs, loads one metric per sample, finds the calibration when the sides
 * ran in different environments, and caches the result keyed by everything that can change it
 * (a new sample in either release changes the key, so a stale result is never served).
 */
import {createHash} from 'node:crypto';
import {UserError} from '../errors.js';
import {formatSuggestions, showName} from '../names.js';
import type {Cache} from '../cache/cache.js';
import type {Calibration, Release, Run, RunMode, Sample} from '../store/records.js';
import type {Store} from '../store/store.js';
import type {Correction} from '../stats/multiple-testing.js';
import {computeCaseAdjustment, getDriftWarning, getLoadWarning} from './adjustment.js';
import {compareSampleSets, getWideIntervalWarning, type FailureSummary, type SampleComparison} from './compare-samples.js';
import {
	describeEnvironment, findCalibrations, getCalibrateCommand, getEnvironmentKey,
	getEnvironmentWarnings, needsAdjustment, toSideEnvironment, type Metric, type SideEnvironment,
} from './environment.js';

export interface ComparisonRequest {
	/** "RELEASE" or "RELEASE@docker" / "RELEASE@bare-metal". */
	readonly base: string;
	readonly candidate: string;
	readonly suite?: string;
	readonly metric?: Metric;
	readonly alpha?: number;
	readonly thresholdPct?: number;
	/** Compare raw numbers even when the environments differ. */
	readonly noAdjust?: boolean;
	readonly seed?: number;
	readonly withShift?: boolean;
	/** A regression needs the whole change interval beyond the threshold. */
	readonly isStrict?: boolean;
	/** The correction across cases (default holm). */
	readonly correction?: Correction;
	/**
	 * Resample whole runs too when a side has several (default true). False resamples single
	 * samples only, as rqc did before: the peer of scripts/perf/probe-precision.mjs.
	 */
	readonly withRunIntervals?: boolean;
}

export interface ComparisonSide {
	readonly selector: string;
	readonly release: string;
	readonly mode: RunMode | undefined;
	readonly runIds: readonly number[];
	readonly suites: readonly string[];
	readonly sampleCount: number;
	readonly environment: SideEnvironment;
	readonly environmentLabel: string;
	/** The calibration used for this side's overhead, when one was. */
	readonly calibrationId: number | undefined;
}

export interface ComparisonReport {
	readonly base: ComparisonSide;
	readonly candidate: ComparisonSide;
	readonly metric: Metric;
	readonly unit: 'ns' | 'us' | 'bytes';
	/** The candidate was divided by a calibrated overhead. */
	readonly isAdjusted: boolean;
	/** The environments differ but --no-adjust asked for raw numbers. */
	readonly isRawAcrossEnvironments: boolean;
	readonly warnings: readonly string[];
	readonly result: SampleComparison;
	readonly hasRegression: boolean;
	/** This report came from the cache. */
	readonly isCached: boolean;
}

interface Selector {
	readonly release: string;
	readonly mode: RunMode | undefined;
}

/** Parses "v1.2", "v1.2@docker", "v1.2@bare-metal". */
export function parseSelector(text: string): Selector {
	const at = text.lastIndexOf('@');
	if (at <= 0) return {release: text, mode: undefined};
	const mode = text.slice(at + 1).toLowerCase().replace('-', '_');
	if (mode !== 'docker' && mode !== 'bare_metal') {
		throw new UserError(`"${text}": the part after @ must be docker or bare-metal`, 'e.g. rqc compare v1.2@bare-metal v1.2@docker');
	}

	return {release: text.slice(0, at), mode};
}

/** The release, or a UserError naming the known ones. */
async function verifyKnown(store: Store, selector: Selector): Promise<Release> {
	const found = await store.getRelease(selector.release);
	if (found) return found;
	const known = (await store.listReleases()).map((r) => r.name);
	throw new UserError(
		`unknown release "${showName(selector.release)}"`,
		known.length > 0 ? `known releases: ${formatSuggestions(selector.release, known)}` : 'no releases are stored yet: run rqc bench run or rqc import first',
	);
}

interface PickedRuns {
	readonly runs: readonly Run[];
	readonly environment: SideEnvironment;
	readonly warning: string | undefined;
}

/** The side's runs: matching suite and mode, all from one environment (the latest run's). */
function pickRuns(selector: Selector, runs: readonly Run[], suite: string | undefined, label: string): PickedRuns {
	const matching = runs.filter((r) => (suite === undefined || r.suite === suite) && (selector.mode === undefined || r.mode === selector.mode));
	if (matching.length === 0) {
		const what = [suite ? `suite "${suite}"` : '', selector.mode ? `mode ${selector.mode}` : ''].filter(Boolean).join(' and ');
		const suites = [...new Set(runs.map((r) => r.suite))];
		throw new UserError(
			`release "${selector.release}" has no finished runs${what ? ` for ${what}` : ''}`,
			suites.length > 0 ? `its runs are of suite(s) ${suites.join(', ')} in mode(s) ${[...new Set(runs.map((r) => r.mode))].join(', ')}` : 'run rqc bench run first',
		);
	}

	// listRuns returns the newest first.
	const latest = toSideEnvironment(matching[0]!.environment, matching[0]!.mode);
	const key = getEnvironmentKey(latest);
	const picked = matching.filter((r) => getEnvironmentKey(toSideEnvironment(r.environment, r.mode)) === key);
	const dropped = matching.length - picked.length;
	const warning = dropped > 0
		? `${label} "${selector.release}" has runs in several environments; using ${describeEnvironment(latest)} (${picked.length} run(s)), ignoring ${dropped}: pick with ${selector.release}@docker or @bare-metal`
		: undefined;
	return {runs: picked, environment: latest, warning};
}

/** One metric of a sample; undefined when the sample does not have it. */
export function getMetricValue(sample: Sample, metric: Metric): number | undefined {
	switch (metric) {
		case 'wall': {
			return sample.wallNs;
		}

		case 'cpu': {
			return sample.userUs === undefined && sample.systemUs === undefined ? undefined : (sample.userUs ?? 0) + (sample.systemUs ?? 0);
		}

		case 'rss': {
			return sample.maxRssBytes;
		}
	}
}

// v2: verdicts with failures, missing cases and the correction (issue 12); v1 reports lack them.
// v3: intervals of several runs a side resample whole runs too; v2 reports were narrower.
const CACHE_PREFIX = 'rqc:compare:v3:';
const CACHE_TTL_SECONDS = 24 * 3600;

/** A failed iteration's exit code in words: "exit code 1", "timed out (exit 124)", "killed by signal 9 (exit 137: OOM kill or timeout)". */
export function describeExitCode(code: number): string {
	if (code === 124) return 'timed out (exit 124)';
	if (code === 137) return 'killed by signal 9 (exit 137: OOM kill or timeout)';
	if (code > 128 && code < 160) return `killed by signal ${code - 128} (exit ${code})`;
	return `exit code ${code}`;
}

/** The cache key: changes whenever either release gains a sample or a run, or any option changes. */
export function getComparisonCacheKey(parts: unknown): string {
	return CACHE_PREFIX + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function reviveReport(text: string): ComparisonReport | undefined {
	try {
		const parsed = JSON.parse(text, (_key, value: unknown) => (value === '-Infinity' ? Number.NEGATIVE_INFINITY : (value === 'Infinity' ? Number.POSITIVE_INFINITY : value))) as ComparisonReport;
		return {...parsed, isCached: true};
	} catch {
		return undefined;
	}
}

/** JSON that keeps ±Infinity (an interval too wide to bound) as strings instead of null. */
export function serializeReport(report: ComparisonReport): string {
	return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value) ? String(value) : value));
}

/** Builds (or reads from the cache) the comparison of two releases. */
export async function loadComparison(store: Store, request: ComparisonRequest, cache?: Cache): Promise<ComparisonReport> {
	const metric = request.metric ?? 'wall';
	const baseSelector = parseSelector(request.base);
	const candidateSelector = parseSelector(request.candidate);
	const baseRelease = await verifyKnown(store, baseSelector);
	const candidateRelease = await verifyKnown(store, candidateSelector);

	// Failed runs too: their samples were taken, and their failed iterations are what makes a
	// case "failing" (issue 12); leaving them out made a failing benchmark disappear.
	const statuses = ['completed', 'aborted', 'failed'] as const;
	const [baseRuns, candidateRuns] = await Promise.all([
		store.listRuns({release: baseSelector.release, statuses}),
		store.listRuns({release: candidateSelector.release, statuses}),
	]);
	const base = pickRuns(baseSelector, baseRuns, request.suite, 'base');
	const candidate = pickRuns(candidateSelector, candidateRuns, request.suite, 'candidate');

	const warnings = [base.warning, candidate.warning, ...getEnvironmentWarnings(base.environment, candidate.environment)].filter((w): w is string => w !== undefined);
	const isDifferent = needsAdjustment(base.environment, candidate.environment);
	let calibrations: {base: Calibration | undefined; candidate: Calibration | undefined} = {base: undefined, candidate: undefined};
	let calibrationLists: {base: Calibration[]; candidate: Calibration[]} = {base: [], candidate: []};
	if (isDifferent && !request.noAdjust) {
		const all = await store.listCalibrations();
		calibrationLists = {base: findCalibrations(all, base.environment), candidate: findCalibrations(all, candidate.environment)};
		calibrations = {base: calibrationLists.base[0], candidate: calibrationLists.candidate[0]};
		for (const [side, calibration] of [[base, calibrations.base], [candidate, calibrations.candidate]] as const) {
			const warning = getLoadWarning(calibration, side.runs, metric);
			if (warning) warnings.push(warning);
		}

		for (const [side, calibration] of [[base, calibrations.base], [candidate, calibrations.candidate]] as const) {
			if (side.environment.runtime === 'docker' && !calibration) {
				throw new UserError(
					`the two sides ran in different environments (${describeEnvironment(base.environment)} vs ${describeEnvironment(candidate.environment)}) and no calibration matches ${describeEnvironment(side.environment)} on this host and engine`,
					`run \`${getCalibrateCommand(side.environment)}\` first, or pass --no-adjust to compare raw numbers`,
				);
			}
		}
	} else if (isDifferent) {
		warnings.push(`raw numbers across different environments (${describeEnvironment(base.environment)} vs ${describeEnvironment(candidate.environment)}): --no-adjust skips the overhead adjustment`);
	}

	const suites = [...new Set([...base.runs, ...candidate.runs].map((r) => r.suite))].sort();
	const isQualified = suites.length > 1;
	let cacheKey: string | undefined;
	if (cache) {
		// Run ids and their sample counts: a new run or a new sample in either release changes the key.
		const stamp = async (runs: readonly Run[]) => Promise.all(runs.map(async (r) => [r.id, r.status, await store.countSamples(r.id)]));
		cacheKey = getComparisonCacheKey({
			base: [baseRelease.id, await stamp(base.runs)],
			candidate: [candidateRelease.id, await stamp(candidate.runs)],
			calibrations: [calibrationLists.base.map((c) => c.id), calibrationLists.candidate.map((c) => c.id)],
			options: [request.suite, metric, request.alpha, request.thresholdPct, request.noAdjust, request.seed, request.withShift, request.base, request.candidate, request.isStrict ?? false, request.correction ?? 'holm', request.withRunIntervals ?? true],
		});
		const hit = await cache.get(cacheKey).catch(() => undefined);
		const report = hit === undefined ? undefined : reviveReport(hit);
		if (report) return report;
	}

	const suiteOfRun = new Map([...base.runs, ...candidate.runs].map((r) => [r.id, r.suite]));
	const [baseValues, candidateValues, baseFailed, candidateFailed] = await Promise.all([
		store.getSampleValues({runIds: base.runs.map((r) => r.id), metric}),
		store.getSampleValues({runIds: candidate.runs.map((r) => r.id), metric}),
		store.getFailedIterations({runIds: base.runs.map((r) => r.id)}),
		store.getFailedIterations({runIds: candidate.runs.map((r) => r.id)}),
	]);
	const groupFailures = (rows: Awaited<ReturnType<Store['getFailedIterations']>>): Map<string, FailureSummary> => {
		const groups = new Map<string, FailureSummary>();
		for (const row of rows) {
			const name = isQualified ? `${suiteOfRun.get(row.runId) ?? '?'}/${row.caseName}` : row.caseName;
			const known = groups.get(name);
			groups.set(name, {count: (known?.count ?? 0) + row.count, firstReason: known?.firstReason ?? describeExitCode(row.firstExitCode)});
		}

		return groups;
	};
	// Each case's values, and how many came from each run in turn: the interval resamples whole
	// runs too when a side has several (runs on a shared host differ by more than their samples show).
	const group = (rows: Awaited<ReturnType<Store['getSampleValues']>>): {values: Map<string, number[]>; runLengths: Map<string, number[]>} => {
		const groups = new Map<string, number[]>();
		const runLengths = new Map<string, number[]>();
		for (const row of rows) {
			const name = isQualified ? `${suiteOfRun.get(row.runId) ?? '?'}/${row.caseName}` : row.caseName;
			const list = groups.get(name);
			if (list) {
				for (const v of row.values) list.push(v);
				runLengths.get(name)!.push(row.values.length);
			} else {
				groups.set(name, row.values);
				runLengths.set(name, [row.values.length]);
			}
		}

		return {values: groups, runLengths};
	};

	// Issue 15: each case's profile, from the bare-metal side when there is one, to match it to a calibration workload.
	const profileRuns = isDifferent && !request.noAdjust ? (base.environment.runtime === 'bare_metal' || candidate.environment.runtime !== 'bare_metal' ? base.runs : candidate.runs) : [];
	const profiles = await store.getCaseProfiles(profileRuns.map((r) => r.id));
	const {values: baseGroups, runLengths: baseRunLengths} = group(baseValues);
	const {values: candidateGroups, runLengths: candidateRunLengths} = group(candidateValues);
	const count = (groups: Map<string, number[]>): number => [...groups.values()].reduce((sum, list) => sum + list.length, 0);
	const result = compareSampleSets(
		baseGroups,
		candidateGroups,
		{
			alpha: request.alpha,
			thresholdPct: request.thresholdPct,
			seed: request.seed,
			withShift: request.withShift,
			isStrict: request.isStrict,
			correction: request.correction,
			...(request.withRunIntervals === false ? {} : {runLengths: {base: baseRunLengths, candidate: candidateRunLengths}}),
			failures: {base: groupFailures(baseFailed), candidate: groupFailures(candidateFailed)},
			...(isDifferent && !request.noAdjust
				? {adjustmentFor: (caseName: string) => {
					const name = isQualified ? caseName.slice(caseName.indexOf('/') + 1) : caseName;
					return computeCaseAdjustment(name, metric, calibrationLists, profiles.get(name));
				}}
				: {}),
		},
	);

	const driftWarning = getDriftWarning(result.cases, result.thresholdPct);
	if (driftWarning) warnings.push(driftWarning);
	const wideWarning = getWideIntervalWarning(result.cases, result.thresholdPct);
	if (wideWarning) warnings.push(wideWarning);

	const side = (selector: Selector, picked: PickedRuns, samples: number, calibration: Calibration | undefined): ComparisonSide => ({
		selector: selector.mode ? `${selector.release}@${selector.mode}` : selector.release,
		release: selector.release,
		mode: selector.mode,
		runIds: picked.runs.map((r) => r.id),
		suites: [...new Set(picked.runs.map((r) => r.suite))].sort(),
		sampleCount: samples,
		environment: picked.environment,
		environmentLabel: describeEnvironment(picked.environment),
		calibrationId: calibration?.id,
	});
	const report: ComparisonReport = {
		base: side(baseSelector, base, count(baseGroups), calibrations.base),
		candidate: side(candidateSelector, candidate, count(candidateGroups), calibrations.candidate),
		metric,
		unit: metric === 'wall' ? 'ns' : (metric === 'cpu' ? 'us' : 'bytes'),
		isAdjusted: isDifferent && !request.noAdjust,
		isRawAcrossEnvironments: isDifferent && Boolean(request.noAdjust),
		warnings,
		result,
		hasRegression: result.counts.regression > 0,
		isCached: false,
	};
	if (cache && cacheKey) await cache.set(cacheKey, serializeReport(report), {ttlSeconds: CACHE_TTL_SECONDS}).catch(() => undefined);
	return report;
}
