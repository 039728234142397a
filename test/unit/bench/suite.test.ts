import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {listSuites, parseDuration, parseSuiteText, SUITE_KEYS, validateSuite, type SuiteProblem} from '../../../source/bench/suite.js';
import {root} from '../../helpers/cli.js';

function problemsOf(text: string): SuiteProblem[] {
	const parsed = parseSuiteText(text);
	if (parsed.problems.length > 0) return parsed.problems;
	return validateSuite(parsed.document).problems;
}

const valid = 'name: ok\ncases:\n  - {name: a, command: "true"}\n';

describe('suite validator over broken files', () => {
	const table: Array<{name: string; text: string; expected: Array<[string, RegExp]>}> = [
		{name: 'not a mapping', text: '- a\n- b\n', expected: [['(root)', /must be a mapping/]]},
		{name: 'syntax error', text: 'name: x\ncases: [1,\n b: 2', expected: [['line 3, column 6', /Flow sequence|end with/i]]},
		{name: 'duplicate key', text: 'name: a\nname: b\ncases: []\n', expected: [['line 2, column 1', /unique/i]]},
		{name: 'missing name and cases', text: 'description: nothing\n', expected: [['name', /is required/], ['cases', /is required/]]},
		{name: 'empty cases', text: 'name: x\ncases: []\n', expected: [['cases', /non-empty list/]]},
		{name: 'bad suite name', text: 'name: "has space"\ncases:\n  - {name: a, command: "true"}\n', expected: [['name', /must start with/]]},
		{name: 'unknown top-level key', text: `${valid}iterations: 3\n`, expected: [['iterations', /unknown key/]]},
		{
			name: 'every case problem at once, with paths',
			text: [
				'name: broken',
				'cases:',
				'  - {name: a, command: "true"}',
				'  - {name: b, command: "true", iterations: 0}',
				'  - {name: c, command: [], warmup: -1}',
				'  - {name: a, command: 42, timeout: "soon"}',
				'  - {command: "true", env: {"1BAD": x, OK: [1]}}',
				'  - {name: f, command: ["ls", 3], cwd: "", bogus: 1}',
				'  - just-a-string',
			].join('\n'),
			expected: [
				['cases[1].iterations', /must be a positive integer/],
				['cases[2].command', /must not be an empty array/],
				['cases[2].warmup', /non-negative integer/],
				['cases[3].name', /duplicates cases\[0\]\.name "a"/],
				['cases[3].command', /argv array of strings or a shell string/],
				['cases[3].timeout', /positive duration/],
				['cases[4].name', /is required/],
				['cases[4].env.1BAD', /valid environment variable name/],
				['cases[4].env.OK', /string, number or boolean/],
				['cases[5].command[1]', /must be a string/],
				['cases[5].cwd', /non-empty string/],
				['cases[5].bogus', /unknown key/],
				['cases[6]', /must be a mapping/],
			],
		},
		{name: 'bad defaults', text: `${valid}defaults: {iterations: 1.5, timeout: 0, ignoreExitCode: "yes", shell: bash}\n`, expected: [
			['defaults.shell', /unknown key/], ['defaults.iterations', /positive integer/], ['defaults.timeout', /positive duration/], ['defaults.ignoreExitCode', /true or false/],
		]},
		{name: 'bad setup', text: `${valid}setup: {run: x}\nteardown: ""\n`, expected: [['setup', /argv array/], ['teardown', /must not be empty/]]},
		{name: 'iterations too large', text: 'name: x\ncases:\n  - {name: a, command: "true", iterations: 100000000}\n', expected: [['cases[0].iterations', /at most/]]},
	];

	for (const row of table) {
		it(`reports: ${row.name}`, () => {
			const problems = problemsOf(row.text);
			expect(problems.map((p) => p.path).sort()).toEqual(row.expected.map(([p]) => p).sort());
			for (const [at, message] of row.expected) {
				expect(problems.find((p) => p.path === at)?.message, at).toMatch(message);
			}
		});
	}
});

describe('suite validator on good files', () => {
	it('applies defaults and turns commands into argv', () => {
		const {suite} = validateSuite({
			name: 's',
			defaults: {iterations: 7, warmup: 0, timeout: '250ms', env: {A: 1}},
			setup: 'echo hi',
			cases: [
				{name: 'shell', command: 'echo $A | wc -c'},
				{name: 'argv', command: ['sleep', '0.1'], iterations: 3, env: {B: 'x'}, timeout: 2, ignoreExitCode: true},
			],
		});
		expect(suite?.setup).toEqual(['sh', '-c', 'echo hi']);
		expect(suite?.cases[0]).toMatchObject({argv: ['sh', '-c', 'echo $A | wc -c'], iterations: 7, warmup: 0, timeoutMs: 250, env: {A: '1'}, isExitCodeIgnored: false});
		expect(suite?.cases[1]).toMatchObject({argv: ['sleep', '0.1'], iterations: 3, timeoutMs: 2000, env: {A: '1', B: 'x'}, isExitCodeIgnored: true, display: 'sleep 0.1'});
	});

	it('takes the built-in defaults when the suite gives none', () => {
		const {suite} = validateSuite({name: 's', cases: [{name: 'a', command: 'true'}]});
		expect(suite?.cases[0]).toMatchObject({iterations: 10, warmup: 1, timeoutMs: 60_000});
	});

	it('validates every suite shipped in benchmarks/', async () => {
		const suites = await listSuites([path.join(root, 'benchmarks')]);
		expect(suites.map((s) => s.name)).toEqual(expect.arrayContaining(['calibration', 'example', 'smoke']));
		for (const suite of suites) expect(suite.problems, suite.file).toEqual([]);
	});

	it('ships a calibration suite with CPU, memory, I/O, syscall and spawn cases', async () => {
		const [calibration] = (await listSuites([path.join(root, 'benchmarks')])).filter((s) => s.name === 'calibration');
		for (const kind of ['cpu', 'memory', 'io', 'syscall', 'spawn']) {
			expect(calibration?.cases.some((c) => c.startsWith(kind)), kind).toBe(true);
		}
	});
});

describe('the published JSON Schema', () => {
	const schema = JSON.parse(readFileSync(path.join(root, 'benchmarks', 'suite.schema.json'), 'utf8')) as {
		required: string[];
		properties: Record<string, {properties?: Record<string, unknown>; items?: {properties: Record<string, unknown>; required: string[]}}>;
	};

	it('names the same keys the validator accepts', () => {
		expect(new Set(Object.keys(schema.properties))).toEqual(SUITE_KEYS.suite);
		expect(new Set(Object.keys(schema.properties.defaults?.properties ?? {}))).toEqual(SUITE_KEYS.defaults);
		expect(new Set(Object.keys(schema.properties.cases?.items?.properties ?? {}))).toEqual(SUITE_KEYS.case);
		expect(schema.required.sort()).toEqual(['cases', 'name']);
		expect(schema.properties.cases?.items?.required.sort()).toEqual(['command', 'name']);
	});
});

describe('parseDuration', () => {
	const table: Array<[unknown, number | undefined]> = [
		[1, 1000], [0.5, 500], ['500ms', 500], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1.5s', 1500], [' 7 ', 7000],
		[0, undefined], [-1, undefined], ['soon', undefined], ['5 minutes', undefined], [null, undefined], ['0ms', undefined], [Number.NaN, undefined],
	];
	for (const [input, expected] of table) {
		it(`${JSON.stringify(input)} → ${expected}`, () => {
			expect(parseDuration(input)).toBe(expected);
		});
	}
});
