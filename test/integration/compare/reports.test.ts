/**
 * The CI report formats of `rqc compare` (issue 12), checked by parsing: the markdown table by a
 * strict GFM table reader, the JUnit XML by python3's xml.etree with the structure of Jenkins'
 * junit-10.xsd (test/helpers/junit-check.py). python3 is a real parser, not a pattern match.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {compareSampleSets} from '../../../source/compare/compare-samples.js';
import {toSideEnvironment} from '../../../source/compare/environment.js';
import type {ComparisonReport} from '../../../source/compare/load-comparison.js';
import {escapeMarkdownCell, formatComparisonMarkdown} from '../../../source/compare/report-markdown.js';
import {formatComparisonJunit} from '../../../source/compare/report-junit.js';
import {createRng} from '../../../source/stats/random.js';

function noisy(center: number, n: number, seed: number): number[] {
	const random = createRng(seed);
	return Array.from({length: n}, () => center * (1 + 0.02 * (random() * 2 - 1)));
}

const ODD = 'odd|name <b>*x*</b> & `tick` [y]\\';
const CONTROL = 'bell\u0007tab\tnewline\nend';

/** A report with one case of each kind that matters to a gate. */
function makeReport(base: ReadonlyMap<string, number[]>, candidate: ReadonlyMap<string, number[]>, failures = new Map<string, {count: number; firstReason: string}>()): ComparisonReport {
	const result = compareSampleSets(base, candidate, {failures: {candidate: failures}});
	const env = toSideEnvironment({runtime: 'bare_metal'}, 'bare_metal');
	const side = (release: string) => ({selector: release, release, mode: undefined, runIds: [1, 2], suites: ['api'], sampleCount: 100, environment: env, environmentLabel: 'bare metal', calibrationId: undefined});
	return {base: side('v1'), candidate: side('v2 <rc>'), metric: 'wall', unit: 'ns', isAdjusted: false, isRawAcrossEnvironments: false, warnings: ['the two sides ran on different hosts'], result, hasRegression: result.counts.regression > 0, isCached: false};
}

function mixedReport(): ComparisonReport {
	return makeReport(
		new Map([['slow', noisy(100, 20, 1)], ['same', noisy(100, 20, 2)], ['flaky', noisy(100, 20, 3)], ['gone', noisy(100, 20, 4)], ['few', [1, 2, 3]], ['zero', Array.from({length: 20}, () => 0)], [ODD, noisy(50, 20, 5)], [CONTROL, noisy(50, 20, 6)]]),
		new Map([['slow', noisy(120, 20, 11)], ['same', noisy(100, 20, 12)], ['flaky', noisy(100, 5, 13)], ['added', noisy(100, 20, 14)], ['few', [1, 2, 3]], ['zero', noisy(10e6, 20, 15)], [ODD, noisy(50, 20, 16)], [CONTROL, noisy(50, 20, 17)]]),
		new Map([['flaky', {count: 15, firstReason: 'exit code 1'}]]),
	);
}

/** A strict reader of one GFM table: header, delimiter row, rows with as many cells; escapes undone. */
function parseMarkdownTable(text: string): {header: string[]; rows: string[][]} {
	const lines = text.split('\n').filter((line) => line.startsWith('|'));
	const split = (line: string): string[] => {
		expect(line.endsWith('|'), line).toBe(true);
		const cells: string[] = [];
		let current = '';
		for (let i = 1; i < line.length - 1; i++) {
			const c = line[i]!;
			if (c === '\\') {
				const next = line[i + 1]!;
				expect('\\|*_`[]'.includes(next), `stray backslash before ${next} in ${line}`).toBe(true);
				current += next;
				i++;
			} else if (c === '|') {
				cells.push(current.trim());
				current = '';
			} else {
				expect(c).not.toMatch(/[<>\n\p{Cc}]/u);
				current += c;
			}
		}

		cells.push(current.trim());
		return cells.map((cell) => cell.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'));
	};

	const [header, delimiter, ...rows] = lines.map(split);
	expect(delimiter!.every((cell) => /^:?-+:?$/.test(cell))).toBe(true);
	for (const row of rows) expect(row.length).toBe(header!.length);
	return {header: header!, rows};
}

function checkJunit(xml: string): {cases: Array<{name: string; classname: string; kind: string; type: string | null; message: string}>; properties: Record<string, string>} {
	const result = spawnSync('python3', [path.join(import.meta.dirname, '../../helpers/junit-check.py')], {input: xml, encoding: 'utf8'});
	expect(result.error, 'python3 is needed to parse the JUnit report').toBeUndefined();
	expect(result.status, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as ReturnType<typeof checkJunit>;
}

describe('rqc compare --format markdown', () => {
	test('a table with one row per case (failing and missing first), symbols, change, p, verdict, summary and environments', () => {
		const text = formatComparisonMarkdown(mixedReport(), {isGated: true});
		const {header, rows} = parseMarkdownTable(text);
		expect(header).toEqual(['', 'case', 'n', 'base', 'candidate', 'change', 'interval', 'p (holm)', 'verdict']);
		expect(rows.slice(0, 2).map((r) => [r[0], r[1]])).toEqual([['!', 'flaky'], ['∅', 'gone']]);
		const byName = new Map(rows.map((r) => [r[1], r]));
		expect(byName.get('flaky')![8]).toBe('failing: 15/20 iterations failed (first: exit code 1)');
		expect(byName.get('slow')![0]).toBe('✗');
		expect(byName.get('slow')![5]).toMatch(/^\+\d+\.\d%$/);
		// issue 12: a zero base shows the shift in the metric's unit, never ±∞%.
		expect(byName.get('zero')![5]).toMatch(/^\+\d+\.\d+ ms$/);
		expect(byName.get('zero')![8]).toBe('regression');
		// Names that would break a table or inject markup come back intact after unescaping.
		expect(byName.get(ODD)).toBeDefined();
		expect(byName.get('bell\uFFFDtab newline end')).toBeDefined();
		expect(rows.at(-1)![1]).toMatch(/^\*\*geomean \(\d cases, 1 left out: median 0\)\*\*$/);
		expect(text).toContain('**Gate: fails** (1 failing; 1 missing (--allow-missing accepts removed cases); 2 regression)');
		expect(text).toMatch(/\*\*Summary:\*\* 1 failing, 1 missing, 2 regression, .*Holm correction over \d case\(s\)/);
		expect(text).toContain('- **Base** v1: bare metal, runs #1, #2, 100 samples');
		expect(text).toContain('- **Candidate** v2 &lt;rc&gt;: bare metal');
		expect(text).toContain('- ⚠ the two sides ran on different hosts');
	});

	test('escaping: pipes, emphasis, backslashes, HTML and line breaks', () => {
		expect(escapeMarkdownCell('a|b*c_d`e\\f<g>&\nh')).toBe('a\\|b\\*c\\_d\\`e\\\\f&lt;g&gt;&amp; h');
	});
});

describe('rqc compare --format junit', () => {
	test('valid against the junit-10.xsd structure; regression and failing are failures, missing an error, too few skipped', () => {
		const xml = formatComparisonJunit(mixedReport());
		const {cases, properties} = checkJunit(xml);
		const byName = new Map(cases.map((c) => [c.name, c]));
		expect(byName.get('slow')).toMatchObject({kind: 'failure', type: 'regression', classname: 'rqc.compare.api'});
		expect(byName.get('slow')!.message).toMatch(/^regression: \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\], p <0\.001 \(holm\), base 100 ns → candidate 1\d\d ns, n 20\/20$/);
		expect(byName.get('flaky')).toMatchObject({kind: 'failure', type: 'failing'});
		expect(byName.get('flaky')!.message).toContain('15/20 iterations failed (first: exit code 1)');
		expect(byName.get('gone')).toMatchObject({kind: 'error', type: 'missing'});
		expect(byName.get('few')!.kind).toBe('skipped');
		expect(byName.get('added')!.kind).toBe('passed');
		expect(byName.get('same')!.kind).toBe('passed');
		expect(byName.get('zero')).toMatchObject({kind: 'failure', type: 'regression'});
		expect(byName.get(ODD)).toBeDefined();
		expect(byName.get('bell\uFFFDtab\tnewline\nend')).toBeDefined();
		expect(properties).toMatchObject({base: 'v1', candidate: 'v2 <rc>', metric: 'wall'});
		expect(cases).toHaveLength(9);
	});

	// issue 11 point 10 / issue 12: nothing in common is an error in the report too.
	test('no case in common adds an error; --allow-missing turns missing cases into skipped', () => {
		const report = makeReport(new Map([['old-name', noisy(100, 20, 1)]]), new Map([['new-name', noisy(100, 20, 2)]]));
		const strict = checkJunit(formatComparisonJunit(report));
		expect(strict.cases.map((c) => [c.name, c.kind])).toEqual([['new-name', 'passed'], ['old-name', 'error'], ['cases in common', 'error']]);
		const allowed = checkJunit(formatComparisonJunit(report, {allowMissing: true}));
		expect(allowed.cases.map((c) => [c.name, c.kind])).toEqual([['new-name', 'passed'], ['old-name', 'skipped'], ['cases in common', 'error']]);
	});

	test('the checker itself refuses what the schema forbids', () => {
		const bad = spawnSync('python3', [path.join(import.meta.dirname, '../../helpers/junit-check.py')], {input: '<testsuites><testsuite name="s" tests="2"><testcase name="a"/></testsuite></testsuites>', encoding: 'utf8'});
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('tests="2" but 1 testcases');
		const unknown = spawnSync('python3', [path.join(import.meta.dirname, '../../helpers/junit-check.py')], {input: '<testsuites><testsuite name="s" tests="1"><testcase name="a"><oops/></testcase></testsuite></testsuites>', encoding: 'utf8'});
		expect(unknown.status).toBe(1);
	});
});
