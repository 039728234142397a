/**
 * The --fail-on-regression gate through the built binary on the embedded store (real PGlite),
 * from imported hyperfine exports (issue 12, issue 11 point 10): failing iterations, a removed
 * case, a zero base, a comparison with nothing in common; the same exit code in every format.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';
import {createTempDir} from '../helpers/postgres.js';
import {uniqueSuffix} from '../helpers/services.js';

const temp = createTempDir('rqc-e2e-gate-');
const env = {RQC_DATA_DIR: temp.dir};
const base = `gate-a-${uniqueSuffix()}`;
const candidate = `gate-b-${uniqueSuffix()}`;
const renamed = `gate-c-${uniqueSuffix()}`;

/** A hyperfine export: per command, times in seconds and exit codes. */
function writeHyperfine(name: string, results: Record<string, {times: number[]; exitCodes?: number[]}>): string {
	const file = path.join(temp.dir, `${name}.json`);
	writeFileSync(file, JSON.stringify({results: Object.entries(results).map(([command, r]) => ({command, times: r.times, exit_codes: r.exitCodes ?? r.times.map(() => 0)}))}));
	return file;
}

const around = (seconds: number, n = 20): number[] => Array.from({length: n}, (_, i) => seconds * (1 + ((i * 7) % 11 - 5) / 500));

describe('rqc compare --fail-on-regression through the built binary', () => {
	beforeAll(async () => {
		const imports: Array<[string, string]> = [
			[base, writeHyperfine('base', {work: {times: around(0.01)}, gone: {times: around(0.01)}, zero: {times: Array.from({length: 20}, () => 0)}, steady: {times: around(0.02)}})],
			// issue 12: 15 of 20 candidate iterations exit 1.
			[candidate, writeHyperfine('candidate', {work: {times: around(0.01), exitCodes: Array.from({length: 20}, (_, i) => (i < 15 ? 1 : 0))}, zero: {times: around(0.01)}, steady: {times: around(0.02)}})],
			[renamed, writeHyperfine('renamed', {'work-v2': {times: around(0.01)}, 'steady-v2': {times: around(0.02)}})],
		];
		for (const [release, file] of imports) {
			const result = await runCli(['import', file, '--release', release], env);
			expect(result.exitCode, result.stderr).toBe(0);
		}
	}, 120_000);

	afterAll(() => temp.cleanup());

	it('failing, missing and a zero base each get their verdict; without the flag the exit is 0', async () => {
		const {exitCode, stdout, stderr} = await runCli(['compare', base, candidate, '--json'], env);
		expect(exitCode, stderr).toBe(0);
		const report = JSON.parse(stdout) as {cases: Array<{case: string; verdict: string; symbol: string; failures: unknown; changeBasis: string; changePct: number | null; shift: {estimate: number}}>; gate: {isFailing: boolean; reasons: string[]}; correction: {method: string; cases: number}; geomeanExcluded: string[]};
		const byName = Object.fromEntries(report.cases.map((c) => [c.case, c]));
		expect(byName.work).toMatchObject({verdict: 'failing', symbol: '!', failures: {base: 0, candidate: 15, firstReason: 'exit code 1'}});
		expect(byName.gone).toMatchObject({verdict: 'missing', symbol: '∅'});
		// issue 12: a zero base read "no significant change", +∞% and null; now the shift decides.
		expect(byName.zero).toMatchObject({verdict: 'regression', changeBasis: 'shift'});
		expect(byName.zero!.changePct ?? null).toBeNull();
		expect(byName.zero!.shift.estimate).toBeGreaterThan(9e6);
		expect(report.geomeanExcluded).toEqual(['zero']);
		expect(report.correction).toEqual({method: 'holm', cases: 2});
		expect(report.gate.reasons).toEqual(['1 failing', '1 missing (--allow-missing accepts removed cases)', '1 regression']);
	});

	it('exit 1 in every format when the gate fails; the table shows failing and missing first', async () => {
		for (const format of ['table', 'json', 'markdown', 'junit']) {
			const result = await runCli(['compare', base, candidate, '--format', format, '--fail-on-regression'], {...env, NO_COLOR: '1'});
			expect(result.exitCode, `${format}: ${result.stderr}`).toBe(1);
			if (format === 'table') {
				const rows = result.stdout.split('\n').filter((line) => /^[!∅✗=]/.test(line));
				expect(rows.map((line) => line.slice(0, 1))).toEqual(['!', '∅', '✗', '=']);
				expect(result.stdout).toContain('failing: 15/20 iterations failed (first: exit code 1)');
				expect(result.stdout).toContain('gate: fails');
			}
		}
	});

	it('--allow-missing accepts removals but not failures; the same release passes', async () => {
		expect((await runCli(['compare', base, candidate, '--fail-on-regression', '--allow-missing'], env)).exitCode).toBe(1);
		expect((await runCli(['compare', candidate, candidate, '--fail-on-regression'], env)).exitCode).toBe(0);
	});

	// issue 11 point 10: every case renamed passed the gate with "too few samples".
	it('no case in common fails the gate, even with --allow-missing', async () => {
		const result = await runCli(['compare', base, renamed, '--fail-on-regression', '--allow-missing', '--format', 'markdown'], env);
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toContain('no case in common between base and candidate');
	});

	it('bad format or correction: exit 2 with a one-line message', async () => {
		for (const args of [['--format', 'html'], ['--json', '--format', 'markdown'], ['--correction', 'bonferroni']]) {
			const result = await runCli(['compare', base, candidate, ...args], env);
			expect(result.exitCode).toBe(2);
			expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
			expect(result.stderr).not.toMatch(/\n\s+at /);
		}
	});
});
