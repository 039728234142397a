/**
 * The overhead to adjust one case by, from the right calibration (issue 15). Pure.
 *
 * In order of faithfulness: the case's own overhead from a calibration of the user's suite
 * (`rqc calibrate --suite S --release R`); else the calibration workload whose measured profile
 * (CPU time over wall time, system share, peak memory) is nearest to the case's; else, for a
 * calibration without profiles (older ones), its geometric mean over all cases.
 */
import type {Calibration, CaseProfile, RatioEstimate, Run} from '../store/records.js';
import {UNDECIDED_COARSE, type CaseAdjustment} from './compare-samples.js';
import type {Metric} from './environment.js';
import {nameSome} from '../text/text.js';

const Z95 = 1.959_963_984_540_054;

/**
 * The distance between two profiles: CPU/wall and system share are fractions (0..1, CPU/wall
 * can exceed 1 for several threads), peak memory counts by its order of magnitude (a factor of
 * 10 weighs like 0.5 of CPU share), so a 600 KiB and a 1 MiB program are alike.
 */
export function computeProfileDistance(a: CaseProfile, b: CaseProfile): number {
	const rss = Math.log10(Math.max(a.peakRssBytes, 1) / Math.max(b.peakRssBytes, 1)) * 0.5;
	return Math.hypot(a.cpuPerWall - b.cpuPerWall, a.systemShare - b.systemShare, rss);
}

/** The workload whose profile is nearest; undefined when there is none. */
export function matchWorkload(profile: CaseProfile, profiles: Readonly<Record<string, CaseProfile>>): {name: string; distance: number} | undefined {
	let best: {name: string; distance: number} | undefined;
	for (const [name, candidate] of Object.entries(profiles)) {
		const distance = computeProfileDistance(profile, candidate);
		if (!best || distance < best.distance) best = {name, distance};
	}

	return best;
}

interface Overhead {
	readonly estimate: RatioEstimate;
	readonly source: CaseAdjustment['source'];
	readonly workload?: string;
	readonly calibrationId: number;
}

/**
 * The uncertainty of an overhead as applied to runs measured at another time, in log space: its
 * interval's (how precisely the calibration knew it) and its drift (how far it moved from round
 * to round while measured), combined. A prediction, not the calibration's confidence interval.
 */
function logSdOf(estimate: RatioEstimate): number {
	const width = Math.log(Math.max(estimate.high, estimate.ratio)) - Math.log(Math.min(estimate.low, estimate.ratio));
	const precision = Number.isFinite(width) && width > 0 ? width / (2 * Z95) : 0;
	return Math.hypot(precision, driftOf(estimate));
}

function driftOf(estimate: RatioEstimate): number {
	return typeof estimate.drift === 'number' && Number.isFinite(estimate.drift) && estimate.drift > 0 ? estimate.drift : 0;
}

/** One side's overhead for a case from its calibrations (newest first). */
export function getSideOverhead(calibrations: readonly Calibration[], caseName: string, metric: Metric, profile: CaseProfile | undefined): Overhead | undefined {
	// 1. The user's suite calibrated: the case's own overhead.
	for (const c of calibrations) {
		const own = c.suite === undefined ? undefined : c.cases[caseName]?.[metric];
		if (own) return {estimate: own, source: 'case', calibrationId: c.id};
	}

	// 2. rqc's workloads: the one that fits the case's profile.
	const workloads = calibrations.find((c) => c.suite === undefined && c.details?.profiles !== undefined && Object.keys(c.details.profiles).length > 0);
	if (workloads && profile) {
		const profiles = Object.fromEntries(Object.entries(workloads.details!.profiles!).filter(([name]) => workloads.cases[name]?.[metric] !== undefined));
		const match = matchWorkload(profile, profiles);
		if (match) return {estimate: workloads.cases[match.name]![metric]!, source: 'workload', workload: match.name, calibrationId: workloads.id};
	}

	// 3. An older calibration (or a case without a profile): a case of the same name, else the geometric mean.
	const newest = calibrations.find((c) => c.suite === undefined) ?? calibrations[0];
	if (!newest) return undefined;
	const same = newest.cases[caseName]?.[metric];
	if (same) return {estimate: same, source: 'case', calibrationId: newest.id};
	const summary = newest.summary[metric];
	return summary ? {estimate: summary, source: 'summary', calibrationId: newest.id} : undefined;
}

/**
 * The factor to divide the candidate by so it reads as if measured where the base was:
 * overhead(candidate) / overhead(base), bare metal being 1, the two uncertainties combined in
 * log space. Undefined when no calibration applies.
 */
export function computeCaseAdjustment(
	caseName: string,
	metric: Metric,
	sides: {readonly base: readonly Calibration[]; readonly candidate: readonly Calibration[]},
	profile: CaseProfile | undefined,
): CaseAdjustment | undefined {
	const candidate = getSideOverhead(sides.candidate, caseName, metric, profile);
	const base = getSideOverhead(sides.base, caseName, metric, profile);
	if (!candidate && !base) return undefined;
	const factor = (candidate?.estimate.ratio ?? 1) / (base?.estimate.ratio ?? 1);
	const logSd = Math.hypot(candidate ? logSdOf(candidate.estimate) : 0, base ? logSdOf(base.estimate) : 0);
	const drift = Math.hypot(candidate ? driftOf(candidate.estimate) : 0, base ? driftOf(base.estimate) : 0);
	const used = [candidate, base].filter((o): o is Overhead => o !== undefined);
	const source = used.some((o) => o.source === 'summary') ? 'summary' : (used.some((o) => o.source === 'workload') ? 'workload' : 'case');
	const workload = used.find((o) => o.workload !== undefined)?.workload;
	return {
		factor,
		low: factor * Math.exp(-Z95 * logSd),
		high: factor * Math.exp(Z95 * logSd),
		source,
		...(workload === undefined ? {} : {workload}),
		...(drift > 0 ? {driftPct: drift * 100} : {}),
		calibrationIds: used.map((o) => o.calibrationId),
		confidence: 0.95,
	};
}

/**
 * A warning when cases read "undecided: calibration too coarse" mostly because the overhead itself
 * moved between calibration rounds (its drift alone wider than half the threshold, the same test
 * as the verdict's): more rounds will not help, the host's own variability will not go away.
 * Undefined when no such case. Pure.
 */
export function getDriftWarning(cases: ReadonlyArray<{readonly caseName: string; readonly verdict: string; readonly adjustment?: CaseAdjustment}>, thresholdPct: number): string | undefined {
	const drifting = cases.filter((c) => c.verdict === UNDECIDED_COARSE && (c.adjustment?.driftPct ?? 0) * Z95 > thresholdPct / 2);
	if (drifting.length === 0) return undefined;
	const named = drifting.map((c) => `${c.caseName} (${c.adjustment!.source === 'workload' ? `as ${c.adjustment!.workload ?? 'a workload'}` : 'own case'}, ±${(c.adjustment!.driftPct! * Z95).toFixed(1)}%)`);
	return `${drifting.length} case(s) undecided because the container's overhead for them moved between calibration rounds by more than the threshold allows: ${nameSome(named)}; that movement is the host's (I/O on a shared disk, load), so a longer calibration will not narrow it: compare docker runs with docker runs, or calibrate your suite right before its runs on a quieter host`;
}

/**
 * A warning when wall time is compared across environments and the docker runs saw another load
 * than the calibration did: a CPU-limited container's wall-time overhead moves with the load, so
 * the calibrated factor (and its interval) may not hold for these runs. Undefined otherwise.
 */
export function getLoadWarning(calibration: Calibration | undefined, runs: readonly Run[], metric: Metric): string | undefined {
	const calibrated = calibration?.details?.quality?.loadAverage;
	if (metric !== 'wall' || !calibrated) return undefined;
	const loads = runs.flatMap((r) => [r.environment.host?.loadAvgStart?.[0], r.environment.host?.loadAvgEnd?.[0]]).filter((v): v is number => typeof v === 'number');
	if (loads.length === 0) return undefined;
	const runLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
	const calibrationLoad = (calibrated[0] + calibrated[1]) / 2;
	const cores = runs.find((r) => r.environment.host?.cores !== undefined)?.environment.host?.cores ?? 1;
	if (Math.abs(runLoad - calibrationLoad) <= cores * 0.5) return undefined;
	return `calibration #${calibration.id} ran at load average ${calibrationLoad.toFixed(1)} and the docker runs at ${runLoad.toFixed(1)} on ${cores} core(s): the wall-time overhead moves with the load, so the adjusted wall times may be off by more than the interval; --metric cpu is steadier, or calibrate under the load the runs see`;
}
