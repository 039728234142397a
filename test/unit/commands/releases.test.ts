import {describe, expect, it} from 'vitest';
import {formatReleases, releasesJson, summarizeReleases, toReleaseListing, type ReleaseListing} from '../../../source/commands/releases.js';
import {toJson} from '../../../source/json.js';
import type {ExecutionEnvironment, ReleaseSummary, Run} from '../../../source/store/records.js';
import {displayWidth} from '../../../source/text/text.js';

function listing(name: string, runCount: number): ReleaseListing {
	return {
		id: runCount, name, createdAt: '2026-11-01T00:00:00.000Z', gitSha: undefined, isDemo: false,
		runCount, sampleCount: runCount * 100, suites: ['api'], modes: ['bare_metal'], lastRunAt: '2026-11-02T10:30:00.000Z',
		environments: ['bare metal'], runs: [],
	};
}

// issue 10: the releases table measures display width, so a wide release name keeps the columns straight.
describe('formatReleases', () => {
	it('keeps the same output for ASCII names', () => {
		expect(formatReleases([listing('v1.2.0', 3), listing('v1.10.0-rc1', 12)], false)).toBe([
			'release      runs  samples  suites  environments  last run (UTC)',
			'v1.2.0          3      300  api     bare metal    2026-11-02 10:30',
			'v1.10.0-rc1    12     1200  api     bare metal    2026-11-02 10:30',
		].join('\n'));
	});

	it('aligns the columns after a wide (CJK) release name', () => {
		const lines = formatReleases([listing('发布版本', 3), listing('v1', 12)], false).split('\n');
		const suitesColumn = lines.map((line) => displayWidth(line.slice(0, line.indexOf(line.startsWith('release') ? 'suites' : 'api'))));
		expect(new Set(suitesColumn).size).toBe(1);
	});
});

// issue 13: rqc releases builds its listing from one query's releases-with-runs; the JSON must be
// the one summarizeReleases gives from listReleases and listRuns, key order included.
describe('toReleaseListing', () => {
	it('gives what summarizeReleases gives, byte for byte as JSON', () => {
		const docker: ExecutionEnvironment = {runtime: 'docker', image: 'runner:2', limits: {cpus: 2, memoryBytes: 2 ** 30}};
		const bare: ExecutionEnvironment = {runtime: 'bare_metal'};
		const releases: ReleaseSummary[] = [
			{id: 1, name: 'v1', createdAt: new Date('2026-11-01T00:00:00Z'), gitSha: 'abc', isDemo: false, runCount: 3, sampleCount: 30, suites: ['api', 'web'], modes: ['bare_metal', 'docker'], lastRunAt: new Date('2026-11-03T00:00:00Z')},
			{id: 2, name: 'v2', createdAt: new Date('2026-11-02T00:00:00Z'), gitSha: undefined, isDemo: true, runCount: 0, sampleCount: 0, suites: [], modes: [], lastRunAt: undefined},
		];
		const run = (id: number, suite: string, mode: Run['mode'], environment: ExecutionEnvironment, day: number): Run => ({
			id, releaseId: 1, releaseName: 'v1', suite, mode, status: 'completed', statusReason: undefined, startedAt: new Date(Date.UTC(2026, 10, day)),
			endedAt: undefined, environment, isDemo: false,
		});
		// An imported run's environment may have no runtime: its mode decides, even where runs of
		// both modes share the one object (toReleaseListing describes each environment object once).
		const imported = {source: {tool: 'hyperfine'}} as unknown as ExecutionEnvironment;
		const runs = [run(7, 'web', 'docker', docker, 3), run(6, 'api', 'docker', docker, 2), run(5, 'api', 'bare_metal', bare, 1), run(4, 'cli', 'docker', imported, 1), run(3, 'cli', 'bare_metal', imported, 1)];
		// The store gives times as ISO text.
		const withRuns = releases.map((release) => ({
			...release,
			createdAt: release.createdAt.toISOString(),
			lastRunAt: release.lastRunAt?.toISOString(),
			runs: runs.filter((r) => r.releaseId === release.id).map(({id, suite, mode, status, environment, startedAt}) => ({id, suite, mode, status, environment, startedAt: startedAt.toISOString()})),
		}));
		const expected = summarizeReleases(releases, runs);
		expect(expected[0]!.environments).toEqual(['docker 2 cpus 1g runner:2', 'bare metal', 'docker']);
		expect(toReleaseListing(withRuns)[0]!.runs.map((r) => r.environment)).toEqual(['docker 2 cpus 1g runner:2', 'docker 2 cpus 1g runner:2', 'bare metal', 'docker', 'bare metal']);
		expect(JSON.stringify(toReleaseListing(withRuns))).toBe(JSON.stringify(expected));
		// The JSON text without toJson's replacer: the same bytes, absent values as null.
		const text = releasesJson(toReleaseListing(withRuns));
		expect(text).toBe(toJson({releases: expected}));
		expect(JSON.parse(text).releases[1]).toMatchObject({gitSha: null, lastRunAt: null});
		// Dates as their toJSON writes them: the JSON of the earlier listing of Date objects.
		expect(text).toBe(toJson({releases: expected.map((r) => ({...r, createdAt: new Date(r.createdAt), lastRunAt: r.lastRunAt === undefined ? undefined : new Date(r.lastRunAt), runs: r.runs.map((u) => ({...u, startedAt: new Date(u.startedAt)}))}))}));
	});
});
