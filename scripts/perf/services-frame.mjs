#!/usr/bin/env node
/**
 * The Services pane's frame cost in-process (issue 10 point 7): 20 busy containers, the first one
 * selected (its charts shown), drawn by Ink into a terminal-sized stream at 120x40; every frame
 * has new numbers. Prints CPU per frame (median of rounds) and the bytes Ink wrote per frame.
 * Compare two builds in the same run: --dist dist-base (a copy of an older dist/) beside dist.
 * With --alloc: also what a frame allocates (V8's sampling heap profiler, objects the young and
 * old collections freed included) and where, the 15 largest sites; the profiler slows the frames,
 * so read CPU from a run without it.
 * Usage: npm run build && node scripts/perf/services-frame.mjs [--frames 200] [--rounds 5] [--dist dist,dist-base] [--dump prefix] [--alloc]
 */
import {writeFileSync} from 'node:fs';
import {Writable} from 'node:stream';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

process.env.NODE_ENV ??= 'production';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {values: args} = parseArgs({options: {frames: {type: 'string', default: '200'}, rounds: {type: 'string', default: '5'}, dist: {type: 'string', default: 'dist'}, dump: {type: 'string', default: ''}, alloc: {type: 'boolean', default: false}}});
const React = (await import('react')).default;
const {render} = await import('ink');

const N = 20;
const record = (i) => ({
	id: `c${i}`, name: `rqccost-busy-${i}`, service: `busy-${i}`, project: 'rqccost', image: 'rqc-busybox:test', state: 'running', health: 'none',
	healthOutput: undefined, healthExitCode: undefined, healthFailingStreak: 0, restartCount: 0, startedAt: 1_000_000, finishedAt: undefined,
	exitCode: undefined, oomKilled: false, pid: 100 + i, cpuLimit: undefined, memoryLimitBytes: undefined, ports: [],
});
const sample = (i, t) => ({
	at: 1_000_000 + t * 1000, cpuPercent: 40 + ((i * 7 + t * 13) % 50) + 0.1 * (t % 10), memoryBytes: (600 + ((i + t) % 40)) * 1024, memoryLimitBytes: 2 * 2 ** 30,
	memoryPercent: 0.03, netRxRate: (t * 31 + i) % 900, netTxRate: (t * 17 + i) % 500, blockReadRate: 0, blockWriteRate: 0, netRxBytes: 1e4 + t, netTxBytes: 5e3 + t,
	blockReadBytes: 0, blockWriteBytes: 0, pids: 2,
});

class Source {
	t = 0;
	listeners = new Set();
	histories = new Map();
	snapshot = this.make();
	make() {
		const containers = Array.from({length: N}, (_, i) => ({record: record(i), sample: sample(i, this.t)}));
		for (const c of containers) {
			const h = this.histories.get(c.record.id) ?? [];
			h.push(c.sample);
			if (h.length > 120) h.shift();
			this.histories.set(c.record.id, h);
		}
		return {engine: {state: 'ok', since: 0}, containers, samplingMode: 'cgroup', version: this.t};
	}
	tick() {
		this.t++;
		this.snapshot = this.make();
		for (const l of this.listeners) l();
	}
	getSnapshot() { return this.snapshot; }
	subscribe(l) { this.listeners.add(l); return () => this.listeners.delete(l); }
	getHistory(id) { return this.histories.get(id) ?? []; }
	async runAction() {}
	async *streamLogs() {}
	start() {}
}

/** The sampling heap profiler through the inspector, when --alloc asks for it. */
let post;
if (args.alloc) {
	const {Session} = await import('node:inspector');
	const session = new Session();
	session.connect();
	post = (method, params) => new Promise((resolve, reject) => {
		session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
	});
}

/** Bytes allocated by site (function, file, line) over a profile's whole tree. */
function allocationSites(profile) {
	const sites = new Map();
	let total = 0;
	const walk = (node) => {
		const frame = node.callFrame;
		const file = frame.url.replace(/.*node_modules\//, '').replace(/.*\/(dist[^/]*)\//, '$1/');
		const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
		total += node.selfSize;
		sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
		for (const child of node.children) walk(child);
	};
	walk(profile.head);
	return {total, sites};
}

const allocations = new Map();
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const FRAMES = Number(args.frames);
const results = new Map();
for (let round = 0; round < Number(args.rounds); round++) {
	for (const dist of args.dist.split(',')) {
		const {ServicesView} = await import(path.join(root, dist, 'ui/services/services-view.js'));
		const source = new Source();
		for (let i = 0; i < 60; i++) source.tick();
		let bytes = 0;
		let last = '';
		const stdout = new Writable({write(chunk, _e, cb) { bytes += chunk.length; if (chunk.length > 200) last = String(chunk); cb(); }});
		Object.assign(stdout, {columns: 120, rows: 40, isTTY: true});
		const instance = render(React.createElement(ServicesView, {source, isActive: false, width: 120, height: 38, renderIntervalMs: 1, initialState: {selectedId: 'c0'}, now: () => 1_000_000 + source.t * 1000}),
			{stdout, patchConsole: false, exitOnCtrlC: false, maxFps: 1000});
		await sleep(300);
		for (let i = 0; i < 20; i++) { source.tick(); await sleep(5); }
		await sleep(100);
		bytes = 0;
		if (post) await post('HeapProfiler.startSampling', {samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true});
		const c0 = process.cpuUsage();
		for (let i = 0; i < FRAMES; i++) { source.tick(); await sleep(3); }
		await sleep(50);
		const used = process.cpuUsage(c0);
		if (post) {
			const {profile} = await post('HeapProfiler.stopSampling');
			if (!allocations.has(dist)) allocations.set(dist, allocationSites(profile));
		}
		instance.unmount();
		if (args.dump) writeFileSync(`${args.dump}.${path.basename(dist)}.txt`, last);
		const ms = (used.user + used.system) / 1000 / FRAMES;
		const list = results.get(dist) ?? [];
		list.push({ms, bytes: bytes / FRAMES});
		results.set(dist, list);
	}
}
const os = await import('node:os');
console.log(`Services pane, ${N} busy containers, 120x40, ${FRAMES} frames x ${args.rounds} rounds; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [dist, list] of results) {
	const ms = list.map((r) => r.ms).sort((a, b) => a - b);
	console.log(`${dist.padEnd(10)} CPU per frame median ${ms[Math.floor(ms.length / 2)].toFixed(2)} ms (rounds ${ms.map((m) => m.toFixed(2)).join(' ')}); bytes per frame ${Math.round(list[0].bytes)}`);
}
for (const [dist, {total, sites}] of allocations) {
	console.log(`${dist}: ${Math.round(total / FRAMES / 1024).toLocaleString('en')} KB allocated a frame (first round, sampled); the largest sites, KB a frame:`);
	for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(bytes / FRAMES / 1024).toFixed(1).padStart(8)}  ${site}`);
}
