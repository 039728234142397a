/**
 * The malformed-input corpus (issue 11): bad suites, imports, names, URLs and flags given to the
 * built CLI. Each case asserts the exit code (2 for bad input, 3 for an unreachable service), a
 * one-line message naming the problem (plus at most one "→ fix" line), no stack trace, no
 * "internal error", no raw escape sequence, and nothing written to the store: the rows of a random
 * test database are counted before and after. `npm test` builds dist/ first.
 */
import {mkdirSync, readFileSync, statSync, writeFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {runCli, root} from '../helpers/cli.js';
import {createTempDir, createTestDatabase, type TestDatabase} from '../helpers/postgres.js';
import {describeWith, requirePostgres} from '../helpers/services.js';

const fixture = (name: string) => readFileSync(path.join(root, 'fixtures', 'importers', name), 'utf8');
const hyperfine = (patch: Record<string, unknown>) => JSON.stringify({results: [{command: 'sleep 0.1', times: [0.1, 0.2], exit_codes: [0, 0], ...patch}]});
const rqcExport = (sample: Record<string, unknown>, environment: Record<string, unknown> = {runtime: 'bare_metal'}) => JSON.stringify({
	format: 'rqc-export', formatVersion: 1, rqcVersion: '0.1.0', exportedAt: '2026-01-01T00:00:00.000Z', release: {name: 'v0'},
	runs: [{id: 1, suite: 's', mode: 'bare_metal', status: 'completed', startedAt: '2026-01-01T00:00:00.000Z', environment,
		samples: [{case: 'c', iteration: 0, time: '2026-01-01T00:00:00.000Z', wallNs: 1000, ...sample}]}],
});
const CSV_HEADER = 'release,run,suite,mode,status,status_reason,started_at,ended_at,case,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics,environment';
/** An rqc CSV export of `count` good rows (more than one write batch of an import), then `last`. */
const longCsv = (count: number, last: string) => `${CSV_HEADER}\n${Array.from({length: count}, (_, i) => `v-long,1,s,bare_metal,completed,,2026-01-01T00:00:00Z,,c${i % 50},${i},2026-01-01T00:00:00Z,${1000 + i},,,,,false,false,,"{""runtime"":""bare_metal""}"`).join('\n')}\n${last}\n`;
const suite = (casesYaml: string) => `name: s\ncases:\n${casesYaml}`;
const gbench = JSON.parse(fixture('google-benchmark.json')) as {benchmarks: Array<Record<string, unknown>>};

interface Case {
	readonly name: string;
	readonly args: readonly string[];
	/** Files written into the case's directory before it runs: name → content. */
	readonly files?: Readonly<Record<string, string>>;
	readonly env?: Readonly<Record<string, string>>;
	readonly exit?: 2 | 3;
	/** What the first line must say. */
	readonly message: RegExp;
	/** Text that must not appear anywhere in the output (a password). */
	readonly hidden?: string;
}

const BENCH = ['bench', 'run', 's.yaml', '--release', 'v-bad', '--mode', 'bare-metal'];
const IMPORT = (file = 'f.json') => ['import', file, '--release', 'v-bad'];

const cases: Case[] = [
	// Suites
	{name: 'YAML alias bomb', args: BENCH, files: {'s.yaml': `a: &a [x,x,x,x,x,x,x,x,x,x]\n${['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${k}: &${k} [${Array.from({length: 10}, () => `*${'abcdef'[i]}`).join(',')}]`).join('\n')}\nname: s\ncases: [{name: t, command: [/bin/true]}]\n`}, message: /too many aliases/},
	{name: 'NUL in an argv command', args: BENCH, files: {'s.yaml': suite('  - name: t\n    command: ["/bin/tr\\0ue"]\n')}, message: /cases\[0\]\.command\[0\]: holds a NUL character/},
	{name: 'NUL in a shell command', args: BENCH, files: {'s.yaml': suite('  - name: t\n    command: "echo \\0"\n')}, message: /cases\[0\]\.command: holds a NUL character/},
	{name: 'NUL in a suite env value', args: BENCH, files: {'s.yaml': suite('  - name: t\n    command: [/bin/true]\n    env: {X: "a\\0b"}\n')}, message: /cases\[0\]\.env\.X: holds a NUL character/},
	{name: 'NUL in defaults env', args: BENCH, files: {'s.yaml': 'name: s\ndefaults: {env: {Y: "\\0"}}\ncases: [{name: t, command: [/bin/true]}]\n'}, message: /defaults\.env\.Y: holds a NUL/},
	{name: 'cwd that does not exist', args: BENCH, files: {'s.yaml': suite('  - name: t\n    command: [/bin/pwd]\n    cwd: /nonexistent-rqc\n')}, message: /cwd "\/nonexistent-rqc" is not a directory that exists/},
	{name: 'suite file over 1 MB', args: BENCH, files: {'s.yaml': `name: s\ndescription: "${'x'.repeat(1024 * 1024)}"\ncases: [{name: t, command: [/bin/true]}]\n`}, message: /is 1\.0 MB; a suite file is at most 1 MB/},
	{name: 'more than 10000 cases', args: BENCH, files: {'s.yaml': `name: s\ncases:\n${Array.from({length: 10_001}, (_, i) => `- {name: c${i}, command: [t]}`).join('\n')}\n`}, message: /has 10001 cases; a suite holds at most 10000/},
	{name: 'iterations 0', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: [/bin/true], iterations: 0}\n')}, message: /cases\[0\]\.iterations: must be a positive integer/},
	{name: 'iterations 1e8', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: [/bin/true], iterations: 100000000}\n')}, message: /must be at most 10000000/},
	{name: 'iterations 2.5', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: [/bin/true], iterations: 2.5}\n')}, message: /iterations: must be a positive integer/},
	{name: 'unknown key', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: [/bin/true], iteration: 5}\n')}, message: /cases\[0\]\.iteration: unknown key/},
	{name: 'YAML syntax error', args: BENCH, files: {'s.yaml': 'name: s\ncases: [\n'}, message: /not a valid suite: line \d+/},
	{name: 'no cases', args: BENCH, files: {'s.yaml': 'name: s\n'}, message: /cases: is required/},
	{name: 'bad timeout', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: [/bin/true], timeout: fast}\n')}, message: /timeout: must be a positive duration/},
	{name: 'suite name with a space', args: BENCH, files: {'s.yaml': 'name: my suite\ncases: [{name: t, command: [/bin/true]}]\n'}, message: /name: must start with a letter or digit/},
	{name: 'empty command array', args: BENCH, files: {'s.yaml': suite('  - {name: t, command: []}\n')}, message: /command: must not be an empty array/},
	{name: 'suite file that does not exist', args: ['bench', 'run', './missing.yaml', '--release', 'v-bad'], message: /cannot read suite file \.\/missing\.yaml: no such file/},
	{name: 'a suite that is a list', args: BENCH, files: {'s.yaml': '- a\n- b\n'}, message: /must be a mapping with name and cases/},

	// Release names and bench flags
	{name: 'release name with @', args: [...BENCH.slice(0, 3), '--release', 'v1@docker'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--release "v1@docker" holds "@"/},
	{name: 'release name with an escape sequence', args: [...BENCH.slice(0, 3), '--release', 'v1\u001B[2J'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--release "v1\\u001b\[2J" holds a control character/},
	{name: 'release name of 100,000 characters', args: [...BENCH.slice(0, 3), '--release', 'v'.repeat(100_000)], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--release "v+…" is 100000 characters long/},
	{name: '--image with a space', args: [...BENCH.slice(0, 5), '--mode', 'docker', '--image', 'bad image'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--image "bad image" is not a Docker image reference/},
	{name: 'calibrate --image with a space', args: ['calibrate', '--image', 'bad image'], message: /--image "bad image" is not a Docker image reference/},
	{name: 'calibrate --memory 100t', args: ['calibrate', '--memory', '100t', '--cpus', '1'], message: /--memory 100t: must be at most the host's \d+m of memory/},
	{name: '--iterations abc', args: [...BENCH, '--iterations', 'abc'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--iterations needs a number/},
	{name: '--memory 100t', args: [...BENCH.slice(0, 5), '--mode', 'docker', '--memory', '100t'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--memory 100t: must be at most the host's \d+m of memory/},
	{name: '--cpus -1', args: [...BENCH.slice(0, 5), '--mode', 'docker', '--cpus', '-1'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--cpus -1: must be a positive number/},
	{name: '--mode sideways', args: [...BENCH.slice(0, 5), '--mode', 'sideways'], files: {'s.yaml': suite('  - {name: t, command: [/bin/true]}\n')}, message: /--mode sideways: must be auto, docker or bare-metal/},

	// Imports
	{name: 'hyperfine time 1e300', args: IMPORT(), files: {'f.json': hyperfine({times: [1e300, 0.1]})}, message: /case "sleep 0\.1" sample 0: wall time Infinity ns is not a time/},
	{name: 'hyperfine exit code 1e20', args: IMPORT(), files: {'f.json': hyperfine({exit_codes: [1e20, 0]})}, message: /sample 0: exit code 100000000000000000000 is not a whole number/},
	{name: 'hyperfine exit code 1.5', args: IMPORT(), files: {'f.json': hyperfine({exit_codes: [0, 1.5]})}, message: /sample 1: exit code 1\.5 is not a whole number/},
	{name: 'hyperfine memory 1e30', args: IMPORT(), files: {'f.json': hyperfine({memory_usage_byte: [1e30, 1]})}, message: /sample 0: maxRssBytes 1e\+30 is not a count/},
	{name: 'hyperfine negative time', args: IMPORT(), files: {'f.json': hyperfine({times: [-1, 0.1]})}, message: /times\[0\]: expected a number ≥ 0/},
	{name: 'hyperfine time as a string', args: IMPORT(), files: {'f.json': hyperfine({times: ['fast', 0.1]})}, message: /times\[0\]: expected a number, got the string "fast"/},
	{name: 'hyperfine empty results', args: IMPORT(), files: {'f.json': '{"results": []}'}, message: /field results: the export has no results/},
	{name: 'hyperfine command with an escape sequence', args: IMPORT(), files: {'f.json': hyperfine({command: 'a\u001B[2Jb'})}, message: /case name holds a terminal control character/},
	{name: 'hyperfine command with NUL', args: IMPORT(), files: {'f.json': hyperfine({command: 'a\u0000b'})}, message: /case name holds a NUL character/},
	{name: 'Google Benchmark real_time 1e300 s', args: IMPORT(), files: {'f.json': JSON.stringify({...gbench, benchmarks: [{...gbench.benchmarks[0], real_time: 1e300, time_unit: 's'}]})}, message: /wall time Infinity ns is not a time/},
	{name: 'pytest-benchmark data 1e300', args: IMPORT(), files: {'f.json': fixture('pytest-benchmark-data.json').replace(/"data": \[\s*[\d.e-]+/, '"data": [1e300')}, message: /wall time Infinity ns is not a time/},
	{name: 'rqc export iteration 2.5', args: IMPORT(), files: {'f.json': rqcExport({iteration: 2.5})}, message: /iteration 2\.5 is not a whole number/},
	{name: 'rqc export iteration 1e15', args: IMPORT(), files: {'f.json': rqcExport({iteration: 1e15})}, message: /iteration 1000000000000000 is not a whole number from 0 to 2147483647/},
	{name: 'rqc export userUs 1e30', args: IMPORT(), files: {'f.json': rqcExport({userUs: 1e30})}, message: /userUs 1e\+30 is not a count/},
	{name: 'rqc export wallNs 1e300', args: IMPORT(), files: {'f.json': rqcExport({wallNs: 1e300})}, message: /wall time 1e\+300 ns is not a time/},
	{name: 'rqc export case with NUL', args: IMPORT(), files: {'f.json': rqcExport({case: 'x\u0000y'})}, message: /case name holds a NUL character/},
	{name: 'rqc export environment with NUL', args: IMPORT(), files: {'f.json': rqcExport({}, {runtime: 'bare_metal', host: 'a\u0000'})}, message: /environment\.host holds a NUL character/},
	{name: 'rqc export metric that is not a number', args: IMPORT(), files: {'f.json': rqcExport({metrics: {x: 'y'}})}, message: /metrics\.x: expected a number/},
	{name: 'go test -3567 ns/op', args: IMPORT('f.txt'), files: {'f.txt': 'goos: linux\ngoarch: amd64\npkg: p\nBenchmarkFib-2   20000   -3567 ns/op\nPASS\n'}, message: /case "BenchmarkFib" sample 0: wall time -3567 ns is not a time/},
	// issue 13 point 4: a streamed import rolls back the batches it already wrote.
	{name: 'rqc CSV: a bad row after more rows than one write batch', args: ['import', 'f.csv'], files: {'f.csv': longCsv(12_000, 'v-long,1,s,bare_metal,completed,,2026-01-01T00:00:00Z,,c0,99999,2026-01-01T00:00:00Z,ten,,,,,false,false,,')}, message: /rqc: f\.csv: line 12002: column wall_ns: expected a number, got "ten"$/},
	{name: 'rqc CSV negative wall_ns', args: IMPORT('f.csv'), files: {'f.csv': 'release,run,suite,mode,status,status_reason,started_at,ended_at,case,iteration,time,wall_ns,user_us,system_us,max_rss_bytes,exit_code,is_warmup,is_outlier,metrics,environment\nv0,1,s,bare_metal,completed,,2026-01-01T00:00:00Z,,c,0,2026-01-01T00:00:00Z,-5,,,,,false,false,,"{""runtime"":""bare_metal""}"\n'}, message: /wall time -5 ns is not a time/},
	{name: 'hyperfine results and Google Benchmark benchmarks in one file', args: IMPORT(), files: {'f.json': JSON.stringify({results: JSON.parse(hyperfine({})).results, benchmarks: gbench.benchmarks, context: {}})}, message: /holds both hyperfine "results" and Google Benchmark "benchmarks"/},
	{name: 'empty file', args: IMPORT(), files: {'f.json': ''}, message: /f\.json: the file is empty/},
	{name: 'truncated JSON', args: IMPORT(), files: {'f.json': hyperfine({}).slice(0, 30)}, message: /the JSON ends early/},
	{name: 'unknown content', args: IMPORT('f.txt'), files: {'f.txt': 'hello\n'}, message: /cannot tell which tool wrote this file/},
	{name: '--format nonsense', args: [...IMPORT(), '--format', 'nonsense'], files: {'f.json': hyperfine({})}, message: /unknown import format "nonsense"/},
	{name: 'file that does not exist', args: IMPORT('nope.json'), message: /cannot read nope\.json: no such file/},
	{name: 'a directory as a file', args: IMPORT('dir'), files: {'dir/x': ''}, message: /cannot read dir: it is a directory/},
	{name: 'import release with @', args: ['import', 'f.json', '--release', 'a@b'], files: {'f.json': hyperfine({})}, message: /--release "a@b" holds "@"/},
	{name: 'import release with a newline', args: ['import', 'f.json', '--release', 'a\nb'], files: {'f.json': hyperfine({})}, message: /--release "a\\nb" holds a control character/},
	{name: 'import without --release', args: ['import', 'f.json'], files: {'f.json': hyperfine({})}, message: /a hyperfine file does not say which release it measured/},
	{name: 'import --mode sideways', args: [...IMPORT(), '--mode', 'sideways'], files: {'f.json': hyperfine({})}, message: /--mode sideways: must be bare-metal or docker/},
	{name: 'import without a file', args: ['import', '--release', 'v-bad'], message: /rqc import needs at least one FILE/},

	// compare and export
	{name: 'compare an unknown release', args: ['compare', 'v-nope', 'seed-1'], message: /unknown release "v-nope"/},
	{name: '--threshold -5%', args: ['compare', 'seed-1', 'seed-2', '--threshold', '-5%'], message: /--threshold -5%: must be a percentage/},
	{name: '--threshold abc', args: ['compare', 'seed-1', 'seed-2', '--threshold', 'abc'], message: /--threshold abc: must be a percentage/},
	{name: '--seed abc', args: ['compare', 'seed-1', 'seed-2', '--seed', 'abc'], message: /--seed needs a number/},
	{name: '--seed 1.5', args: ['compare', 'seed-1', 'seed-2', '--seed', '1.5'], message: /--seed 1\.5: must be a whole number/},
	{name: '--alpha 2', args: ['compare', 'seed-1', 'seed-2', '--alpha', '2'], message: /--alpha 2: must be between 0 and 0\.5/},
	{name: '--metric speed', args: ['compare', 'seed-1', 'seed-2', '--metric', 'speed'], message: /--metric speed: must be wall, cpu or rss/},
	{name: 'compare selector @nowhere', args: ['compare', 'seed-1@nowhere', 'seed-2'], message: /the part after @ must be docker or bare-metal/},
	{name: 'export an unknown release', args: ['export', '--release', 'v-nope'], message: /unknown release "v-nope"/},

	// URLs, endpoints, commands and flags
	{name: 'RQC_DATABASE_URL=garbage', args: ['releases'], env: {RQC_DATABASE_URL: 'garbage'}, message: /RQC_DATABASE_URL "garbage" \(from the environment\) is not a PostgreSQL URL/},
	{name: 'RQC_DATABASE_URL=mysql://', args: ['releases'], env: {RQC_DATABASE_URL: 'mysql://root:Zx81-hidden@db/x'}, message: /is not a PostgreSQL URL/, hidden: 'Zx81-hidden'},
	{name: '--database-url garbage', args: ['releases', '--database-url', 'garbage'], message: /--database-url "garbage" \(from the flag\) is not a PostgreSQL URL/},
	{name: 'REDIS_URL=http://', args: ['releases'], env: {REDIS_URL: 'http://127.0.0.1:6379'}, message: /REDIS_URL "http:\/\/127\.0\.0\.1:6379" .* is not a Redis URL/},
	{name: 'DOCKER_HOST=garbage', args: ['status'], env: {DOCKER_HOST: 'garbage'}, message: /DOCKER_HOST "garbage" .* is not a Docker endpoint/},
	{name: 'PostgreSQL that is not there', args: ['releases'], env: {RQC_DATABASE_URL: 'postgres://rqc:Qw12-hidden@127.0.0.1:1/x'}, exit: 3, message: /cannot reach PostgreSQL at postgres:\/\/rqc:\*\*\*@127\.0\.0\.1:1\/x: connection refused/, hidden: 'Qw12-hidden'},
	{name: 'unknown command', args: ['frobnicate'], message: /unknown command "frobnicate"/},
	{name: 'half a command', args: ['bench', 'walk'], message: /"bench walk" is not a command/},
	{name: 'status --watch --interval 0', args: ['status', '--watch', '--interval', '0'], message: /--interval 0 is not a number of seconds >= 0\.1/},
	{name: 'up --timeout -5', args: ['up', '--timeout', '-5'], message: /--timeout must be a positive number of seconds, not -5/},
];

async function countRows(url: string): Promise<Record<string, number>> {
	const client = new pg.Client({connectionString: url});
	await client.connect();
	try {
		const {rows} = await client.query<Record<string, string>>(`SELECT
			(SELECT count(*) FROM releases) AS releases, (SELECT count(*) FROM runs) AS runs,
			(SELECT count(*) FROM samples) AS samples, (SELECT count(*) FROM calibrations) AS calibrations`);
		return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
	} finally {
		await client.end();
	}
}

describeWith([requirePostgres()], 'malformed input: one line, the right exit code, nothing written', () => {
	let database: TestDatabase;
	const temp = createTempDir('rqc-corpus-');
	let env: Record<string, string>;
	let before: Record<string, number>;

	beforeAll(async () => {
		database = await createTestDatabase('rqc_corpus');
		env = {RQC_DATABASE_URL: database.url, RQC_DATA_DIR: path.join(temp.dir, 'data')};
		writeFileSync(path.join(temp.dir, 'ok.json'), fixture('hyperfine.json'));
		// Eight releases, so that hints for unknown ones have something (too much) to suggest.
		for (let i = 1; i <= 8; i++) {
			const seeded = await runCli(['import', 'ok.json', '--release', `seed-${i}`], env, {cwd: temp.dir});
			expect(seeded.exitCode, seeded.stderr).toBe(0);
		}

		before = await countRows(database.url);
		expect(before.samples).toBeGreaterThan(0);
	}, 180_000);

	afterAll(async () => {
		await database?.drop();
		temp.cleanup();
	});

	it('has at least 60 cases', () => {
		expect(cases.length).toBeGreaterThanOrEqual(60);
	});

	// issue 11: each of these was an "internal error", a raw stack, a silent acceptance or a multi-line dump.
	it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const dir = path.join(temp.dir, `case-${cases.indexOf(c)}`);
		mkdirSync(dir, {recursive: true});
		for (const [file, content] of Object.entries(c.files ?? {})) {
			mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
			writeFileSync(path.join(dir, file), content);
		}

		const result = await runCli(c.args, {...env, ...c.env}, {cwd: dir});
		// The docker-mode limits are checked against the host once the engine answered and the host
		// lock is held: the "running suite" notice, and a wait for another run on this shared host,
		// are the only other lines allowed.
		const lines = result.stderr.trimEnd().split('\n')
			.filter((line) => !/^rqc: running suite \S+ \(\d+ cases?\) in docker|^(?:rqc: )?waiting for the benchmark run already on this host/.test(line));
		expect(result.exitCode, result.stderr).toBe(c.exit ?? 2);
		expect(lines[0], result.stderr).toMatch(/^rqc: /);
		expect(lines[0]).toMatch(c.message);
		// One line naming the problem, and at most one line saying what to do.
		expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
		if (lines.length === 2) expect(lines[1]).toMatch(/^ {2}→ /);
		expect(result.stderr).not.toMatch(/internal error|^\s+at |\n\s+at /);
		// No raw escape or control character reaches the terminal.
		expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F]/);
		if (c.hidden) expect(result.stdout + result.stderr).not.toContain(c.hidden);
		expect(await countRows(database.url)).toEqual(before);
	}, 120_000);

	it('lists at most five known releases when one is unknown', async () => {
		const result = await runCli(['compare', 'v-nope', 'seed-1'], env, {cwd: temp.dir});
		const hint = result.stderr.split('\n')[1] ?? '';
		expect(hint).toMatch(/known releases: (?:seed-\d, ){4}seed-\d and 3 more \(rqc releases lists them\)/);
	});

	// issue 11: after rqc down, every command failed with exit 3 without saying the stack being down was why.
	it('says the stack may be down, and how to go back to the embedded store, when the stack settings point at nothing', async () => {
		const config = path.join(temp.dir, 'xdg-config');
		mkdirSync(path.join(config, 'rqc'), {recursive: true});
		writeFileSync(path.join(config, 'rqc', 'stack.env'), 'RQC_DATABASE_URL=postgres://rqc:Lm55-hidden@127.0.0.1:1/rqc\n');
		const result = await runCli(['releases'], {XDG_CONFIG_HOME: config, RQC_DATA_DIR: path.join(temp.dir, 'data-down')}, {cwd: temp.dir});
		expect(result.exitCode).toBe(3);
		const lines = result.stderr.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^rqc: cannot reach PostgreSQL at postgres:\/\/rqc:\*\*\*@127\.0\.0\.1:1\/rqc/);
		expect(lines[1]).toMatch(/stack settings \(.*xdg-config\/rqc\/stack\.env\): the stack may be down, rqc up starts it; or set RQC_DATABASE_URL= and REDIS_URL= \(empty\) there to use the embedded store/);
		expect(result.stderr).not.toContain('Lm55-hidden');
	});

	it('answers --json with valid JSON for bad input too', async () => {
		const result = await runCli(['import', 'nope.json', '--release', 'build password=abc', '--json'], env, {cwd: temp.dir});
		expect(result.exitCode).toBe(2);
		expect(JSON.parse(result.stdout)).toMatchObject({error: {kind: 'UserError', exitCode: 2}});
	});
});

describeWith([], 'the embedded store is private to its owner', () => {
	// issue 11: 968 of ~1,000 PGlite files were 0666 and the data directory world-readable.
	it('leaves every file 0600 and every directory 0700 after an import, and round-trips a release named with "password="', async () => {
		const temp = createTempDir('rqc-private-');
		try {
			writeFileSync(path.join(temp.dir, 'ok.json'), fixture('hyperfine.json'));
			const dataDir = path.join(temp.dir, 'data');
			const env = {RQC_DATA_DIR: dataDir};
			const imported = await runCli(['import', 'ok.json', '--release', 'build password=abc', '--json'], env, {cwd: temp.dir});
			expect(imported.exitCode, imported.stderr).toBe(0);
			expect((JSON.parse(imported.stdout) as {release: string}).release).toBe('build password=abc');
			const releases = await runCli(['releases', '--json'], env, {cwd: temp.dir});
			expect(releases.stdout).toContain('"build password=abc"');
			expect(() => JSON.parse(releases.stdout) as unknown).not.toThrow();

			const loose: string[] = [];
			const visit = (dir: string): void => {
				for (const entry of readdirSync(dir, {withFileTypes: true})) {
					const full = path.join(dir, entry.name);
					const mode = statSync(full).mode & 0o777;
					if (entry.isDirectory()) {
						if (mode !== 0o700) loose.push(`${full} ${mode.toString(8)}`);
						visit(full);
					} else if ((mode & 0o077) !== 0) {
						loose.push(`${full} ${mode.toString(8)}`);
					}
				}
			};

			expect(statSync(dataDir).mode & 0o777).toBe(0o700);
			visit(dataDir);
			expect(loose.slice(0, 5)).toEqual([]);
		} finally {
			temp.cleanup();
		}
	}, 120_000);
});
