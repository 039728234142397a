// Shows that Node's event loop does not inflate rqc's numbers: the helper times each iteration
// itself, so a busy main thread (a TUI rendering, a stats stream) changes nothing. For contrast,
// the same command timed from Node (spawn + 'exit' event + process.hrtime) with the same load.
// Usage: node scripts/perf/harness-overhead-event-loop.mjs [iterations]   (after npm run build)
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {BareMetalExecutor} from '../../dist/bench/bare-metal-executor.js';
import {ensureHelper} from '../../dist/bench/helper.js';
import {median} from '../../dist/stats/descriptive.js';

const iterations = Number(process.argv[2] ?? 200);
const argv = ['sleep', '0.005'];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rqc-evloop-'));

/**
 * Blocks the main thread 8 ms out of every 10 ms while on: 'blocked' sleeps in Atomics.wait (the
 * event loop stalls, no CPU used: isolates the event loop), 'busy' spins (also takes a core).
 */
function startLoad(kind) {
	const cell = new Int32Array(new SharedArrayBuffer(4));
	const timer = setInterval(() => {
		if (kind === 'blocked') {
			Atomics.wait(cell, 0, 0, 8);
			return;
		}

		const until = performance.now() + 8;
		while (performance.now() < until) { /* busy */ }
	}, 10);
	return () => clearInterval(timer);
}

async function viaHelper(executor) {
	const walls = [];
	await executor.measure({argv, iterations, timeoutMs: 10_000, cwd: executor.scratchDir, env: {}, shouldStopOnFailure: true},
		(batch) => walls.push(...batch.map((i) => i.wallNs)), new AbortController().signal);
	return median(walls);
}

async function viaNode() {
	const walls = [];
	for (let i = 0; i < iterations; i++) {
		const start = process.hrtime.bigint();
		await new Promise((resolve) => spawn(argv[0], argv.slice(1), {stdio: 'ignore'}).once('exit', resolve));
		walls.push(Number(process.hrtime.bigint() - start));
	}

	return median(walls);
}

const executor = await BareMetalExecutor.create(await ensureHelper(dataDir), dataDir);
try {
	const ms = (ns) => (ns / 1e6).toFixed(3).padStart(9);
	const pct = (value, base) => `${(((value / base) - 1) * 100).toFixed(1).padStart(6)}%`;
	const rows = [];
	for (const [name, measure] of [['rqc helper (wait4)', () => viaHelper(executor)], ['timed from Node', viaNode]]) {
		const idle = await measure();
		let stop = startLoad('blocked');
		const blocked = await measure();
		stop();
		stop = startLoad('busy');
		const busy = await measure();
		stop();
		rows.push(`  ${name.padEnd(20)} ${ms(idle)} ${ms(blocked)} ${pct(blocked, idle)} ${ms(busy)} ${pct(busy, idle)}`);
	}

	console.log(`event loop check: median wall of \`${argv.join(' ')}\`, ${iterations} iterations each (ms); the main thread stalls 8 of every 10 ms`);
	console.log(`  ${''.padEnd(20)} ${'idle'.padStart(9)} ${'blocked'.padStart(9)} ${'(+%)'.padStart(7)} ${'busy'.padStart(9)} ${'(+%)'.padStart(7)}`);
	for (const row of rows) console.log(row);
	console.log('  blocked = Atomics.wait (event loop stalled, no CPU); busy = spinning (stalled and a core taken)');
} finally {
	await executor.close();
	rmSync(dataDir, {recursive: true, force: true});
}
