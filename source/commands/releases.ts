/** `rqc releases`: every release with its runs, environments and sample counts. No Ink. */
import {EXIT} from '../errors.js';
import {describeEnvironment, toSideEnvironment} from '../compare/environment.js';
import type {ListedEnvironment, ReleaseRun, ReleaseSummary, ReleaseWithRuns, Run} from '../store/records.js';
import {formatTableLines} from '../text/table.js';
import {paint} from '../text/text.js';
import type {CommandSpec} from './types.js';

/** A release as `rqc releases` lists it; times as ISO 8601 UTC text, as its JSON writes them. */
export interface ReleaseListing extends Omit<ReleaseSummary, 'createdAt' | 'lastRunAt'> {
	readonly createdAt: string;
	readonly lastRunAt: string | undefined;
	/** Distinct environments of its runs: "bare metal", "docker 2 cpus 1g image". */
	readonly environments: readonly string[];
	readonly runs: ReadonlyArray<{readonly id: number; readonly suite: string; readonly mode: Run['mode']; readonly status: Run['status']; readonly environment: string; readonly startedAt: string}>;
}

/** A run as the listing shows it: its environment described in words (once per environment object when a cache is given). Pure. */
function toListedRun(r: ReleaseRun, descriptions?: Map<ListedEnvironment, string>) {
	let environment = descriptions?.get(r.environment);
	if (environment === undefined) {
		environment = describeEnvironment(toSideEnvironment(r.environment, r.mode));
		// Without a runtime of its own the run's mode decides: such an environment is not cached.
		if (r.environment.runtime !== undefined) descriptions?.set(r.environment, environment);
	}

	return {id: r.id, suite: r.suite, mode: r.mode, status: r.status, environment, startedAt: r.startedAt};
}

/** Joins release summaries with their runs (the listing from listReleases and listRuns). Pure. */
export function summarizeReleases(releases: readonly ReleaseSummary[], runs: readonly Run[]): ReleaseListing[] {
	// Grouped once: thousands of releases times thousands of runs must not be a nested scan.
	const byRelease = new Map<number, Run[]>();
	for (const run of runs) {
		const list = byRelease.get(run.releaseId);
		if (list) list.push(run);
		else byRelease.set(run.releaseId, [run]);
	}

	return releases.map((release) => {
		const own = (byRelease.get(release.id) ?? []).map((run) => toListedRun({...run, startedAt: run.startedAt.toISOString()}));
		return {...release, createdAt: release.createdAt.toISOString(), lastRunAt: release.lastRunAt?.toISOString(), environments: [...new Set(own.map((r) => r.environment))], runs: own};
	});
}

/** The listing of releases read with their runs (Store.listReleasesWithRuns): what summarizeReleases gives. Pure. */
export function toReleaseListing(releases: readonly ReleaseWithRuns[]): ReleaseListing[] {
	// The store gives runs of one environment one object: each is described once.
	const descriptions = new Map<ListedEnvironment, string>();
	return releases.map((release) => {
		const own = release.runs.map((run) => toListedRun(run, descriptions));
		return {
			id: release.id,
			name: release.name,
			createdAt: release.createdAt,
			gitSha: release.gitSha,
			isDemo: release.isDemo,
			runCount: release.runCount,
			sampleCount: release.sampleCount,
			suites: release.suites,
			modes: release.modes,
			lastRunAt: release.lastRunAt,
			environments: [...new Set(own.map((r) => r.environment))],
			runs: own,
		};
	});
}

/**
 * `{"releases": [...]}` exactly as toJson writes it, for thousands of releases at a fraction of
 * the time: the only absent values (gitSha, lastRunAt) become null here, so the plain
 * JSON.stringify needs no replacer (issue 13, point 2). Pure.
 */
export function releasesJson(listing: readonly ReleaseListing[]): string {
	const releases = listing.map((r) => ({...r, gitSha: r.gitSha ?? null, lastRunAt: r.lastRunAt ?? null}));
	return JSON.stringify({releases}, null, 2);
}

export function formatReleases(listing: readonly ReleaseListing[], hasColor: boolean): string {
	if (listing.length === 0) return 'no releases yet: run rqc bench run or rqc import';
	const rows = listing.map((r) => [
		r.name + (r.isDemo ? ' (demo)' : ''),
		String(r.runCount),
		String(r.sampleCount),
		r.suites.join(', '),
		r.environments.join('; '),
		r.lastRunAt ? r.lastRunAt.replace('T', ' ').slice(0, 16) : '-',
	]);
	const headings = ['release', 'runs', 'samples', 'suites', 'environments', 'last run (UTC)'];
	const [header = '', ...lines] = formatTableLines(headings, rows, {align: ['left', 'right', 'right']});
	return [paint(header, 'dim', hasColor), ...lines].join('\n');
}

export const releasesCommand: CommandSpec = {
	name: 'releases',
	summary: 'List releases with their runs, environments and sample counts',
	usage: 'rqc releases [--json]',
	examples: ['rqc releases', 'rqc releases --json'],
	flags: {},
	async run(context) {
		const store = await context.openStore();
		const listing = toReleaseListing(await store.listReleasesWithRuns({runLimit: 100_000}));
		if (context.isJson) context.stdout.write(releasesJson(listing) + '\n');
		else context.stdout.write(formatReleases(listing, context.hasColor) + '\n');
		return EXIT.ok;
	},
};
