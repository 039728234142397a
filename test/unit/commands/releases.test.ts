import {describe, expect, it} from 'vitest';
import {formatReleases, type ReleaseListing} from '../../../source/commands/releases.js';
import {displayWidth} from '../../../source/text/text.js';

function listing(name: string, runCount: number): ReleaseListing {
	return {
		id: runCount, name, createdAt: new Date('2026-11-01T00:00:00Z'), gitSha: undefined, isDemo: false,
		runCount, sampleCount: runCount * 100, suites: ['api'], modes: ['bare_metal'], lastRunAt: new Date('2026-11-02T10:30:00Z'),
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
