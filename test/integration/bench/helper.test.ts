/**
 * The measuring helper itself, on the host: per-iteration peak RSS (not a running high-water
 * mark), exit codes, stop on failure, and a timeout that kills the whole process tree.
 */
import {spawn} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureHelper, type HelperBinary} from '../../../source/bench/helper.js';
import {UserError} from '../../../source/errors.js';
import {readHelperOutput, type HelperIteration} from '../../../source/bench/measure.js';
import {createTempDir} from '../../helpers/postgres.js';
import {isPidRunning, waitFor} from './fixtures.js';

let helper: HelperBinary;
let temp: {dir: string; cleanup: () => void};

beforeAll(async () => {
	temp = createTempDir('rqc-helper-test-');
	helper = await ensureHelper(temp.dir);
});
afterAll(() => temp.cleanup());

async function measure(args: readonly string[], argv: readonly string[]): Promise<{iterations: HelperIteration[]; isComplete: boolean; error: string | undefined}> {
	const child = spawn(helper.path, [...args, '--', ...argv], {stdio: ['ignore', 'pipe', 'inherit']});
	const iterations: HelperIteration[] = [];
	const outcome = await readHelperOutput(child.stdout, (batch) => iterations.push(...batch));
	await new Promise((resolve) => child.once('close', resolve));
	return {iterations, isComplete: outcome.isComplete, error: outcome.error};
}

describe('rqc-measure (native helper)', () => {
	it('is built statically, so it can be mounted into any container', () => {
		expect(helper.isStatic).toBe(true);
	});

	it('reports the peak RSS of each iteration, not the high-water mark of all children so far', async () => {
		// Iteration 0 allocates a 64 MiB buffer; iteration 1 only runs `true`.
		const flag = path.join(temp.dir, 'rss-flag');
		const script = `if [ -e ${flag} ]; then true; else touch ${flag}; dd if=/dev/zero of=/dev/null bs=67108864 count=1 2>/dev/null; fi`;
		const {iterations} = await measure(['--iterations', '2'], ['sh', '-c', script]);
		expect(iterations).toHaveLength(2);
		expect(iterations[0]!.maxRssBytes).toBeGreaterThan(64 * 1024 * 1024);
		expect(iterations[1]!.maxRssBytes).toBeLessThan(16 * 1024 * 1024);
	});

	it('reports CPU time and the exit code of every iteration', async () => {
		const {iterations, isComplete} = await measure(['--iterations', '3'], ['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3']);
		expect(isComplete).toBe(true);
		expect(iterations.map((i) => i.exitCode)).toEqual([3, 3, 3]);
		for (const iteration of iterations) {
			expect(iteration.userUs + iteration.systemUs).toBeGreaterThan(1000);
			expect(iteration.wallNs).toBeGreaterThan(0);
		}
	});

	it('stops at the first failure with --stop-on-failure', async () => {
		const {iterations, isComplete} = await measure(['--iterations', '5', '--stop-on-failure'], ['false']);
		expect(isComplete).toBe(true);
		expect(iterations).toHaveLength(1);
	});

	it('says when the command cannot be started', async () => {
		const {iterations, error} = await measure(['--iterations', '2'], ['/no/such/program']);
		expect(iterations).toHaveLength(0);
		expect(error).toMatch(/cannot start \/no\/such\/program: No such file/);
	});

	it('on timeout kills the whole process tree of the iteration', async () => {
		const pidFile = path.join(temp.dir, 'tree.pid');
		const script = `sleep 60 & echo $! > ${pidFile}; sh -c 'sleep 60' & wait`;
		const {iterations} = await measure(['--iterations', '3', '--timeout-ms', '400'], ['sh', '-c', script]);
		expect(iterations).toHaveLength(1); // a timeout ends the case
		expect(iterations[0]).toMatchObject({isTimedOut: true, signal: 9, exitCode: undefined});
		const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
		expect(grandchild).toBeGreaterThan(0);
		await waitFor(async () => !(await isPidRunning(grandchild)), 5000, `pid ${grandchild} to be gone`);
	});

	it('names the fix when there is no C compiler, and takes a prebuilt helper from RQC_MEASURE_HELPER', async () => {
		const empty = createTempDir('rqc-helper-nocc-');
		try {
			const attempt = ensureHelper(empty.dir, {CC: '/no/such/cc'});
			await expect(attempt).rejects.toThrow(UserError);
			await expect(ensureHelper(empty.dir, {CC: '/no/such/cc'})).rejects.toThrow(/no C compiler \(\/no\/such\/cc\).*|apt-get install gcc/);
			expect(await ensureHelper(empty.dir, {RQC_MEASURE_HELPER: helper.path})).toEqual({path: helper.path, isStatic: true});
			await expect(ensureHelper(empty.dir, {RQC_MEASURE_HELPER: path.join(empty.dir, 'missing')})).rejects.toThrow(/is not an executable file/);
		} finally {
			empty.cleanup();
		}
	});

	// issue 11.7: the OOM-kill count the helper reads before and after each iteration, in both cgroup formats
	it.each([
		{format: 'cgroup v1 memory.oom_control', text: 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n', count: 3},
		{format: 'cgroup v1 before kernel 4.13 (no oom_kill line)', text: 'oom_kill_disable 0\nunder_oom 0\n', count: -1},
		{format: 'cgroup v2 memory.events', text: 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n', count: 2},
		{format: 'cgroup v2 memory.events, large count', text: 'low 0\nhigh 0\nmax 0\noom 9000000000\noom_kill 8589934592\n', count: 8_589_934_592},
		{format: 'a missing file', text: undefined, count: -1},
	])('reads the oom_kill count of $format', async ({text, count}) => {
		const file = path.join(temp.dir, `oom-${Math.random().toString(36).slice(2)}`);
		if (text !== undefined) await writeFile(file, text);
		const child = spawn(helper.path, ['--read-oom-kills', file], {stdio: ['ignore', 'pipe', 'inherit']});
		let output = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => {
			output += chunk;
		});
		await new Promise((resolve) => child.once('close', resolve));
		expect(output.trim()).toBe(String(count));
	});

	// issue 11.7: a child process killed for memory made its shell exit 137, reported as a plain failure
	it('marks a failed iteration OOM-killed when the count rose while it ran, and a clean one never', async () => {
		const counter = path.join(temp.dir, 'memory.events');
		await writeFile(counter, 'oom 0\noom_kill 0\n');
		// The "kernel" bumps the count during iteration 0, whose shell then exits 137 (its child was killed).
		const bump = `printf 'oom 1\\noom_kill 1\\n' > ${counter}; exit 137`;
		const failed = await measure(['--iterations', '1', '--oom-file', counter], ['sh', '-c', bump]);
		expect(failed.iterations.map((i) => [i.exitCode, i.isOomKilled])).toEqual([[137, true]]);
		await writeFile(counter, 'oom 0\noom_kill 0\n');
		const clean = await measure(['--iterations', '1', '--oom-file', counter], ['sh', '-c', `printf 'oom 1\\noom_kill 1\\n' > ${counter}`]);
		expect(clean.iterations.map((i) => [i.exitCode, i.isOomKilled])).toEqual([[0, false]]);
		const unchanged = await measure(['--iterations', '1', '--oom-file', counter], ['sh', '-c', 'exit 137']);
		expect(unchanged.iterations.map((i) => [i.exitCode, i.isOomKilled])).toEqual([[137, false]]);
	});
});
