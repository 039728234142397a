#!/usr/bin/env node
// Speed of change-point detection (issue 14): every case of 3,000 releases × 50 cases (target
// ≤ 2 s), one case (≤ 100 ms), beside a peer measured in the same run: the same series sorted
// (what any per-case view must at least do) and one Mann-Whitney test per release pair. Build
// first (`npm run build`). Prints the load average: on a shared machine the figures move with it.
// Usage: node scripts/perf/change-point-speed.mjs [releases=3000] [cases=50]
import {loadavg} from 'node:os';
import {performance} from 'node:perf_hooks';
import {computeChangePoints} from '../../dist/stats/change-points.js';
import {mannWhitneyU} from '../../dist/stats/mann-whitney.js';
import {makeSeries} from '../stats/change-point-rates.mjs';

const releases = Number(process.argv[2] ?? 3000);
const cases = Number(process.argv[3] ?? 50);
const series = Array.from({length: cases}, (_, i) => makeSeries({
	length: releases,
	cv: 0.01 + (i % 3) * 0.005,
	// One case in five has two steps; the rest are noise: a nightly suite's usual mix.
	steps: i % 5 === 0 ? [{at: Math.floor(releases / 3), change: 0.05}, {at: Math.floor((2 * releases) / 3), change: -0.04}] : [],
	seed: 7 + i,
}));

function time(label, fn) {
	const started = performance.now();
	const result = fn();
	const ms = performance.now() - started;
	console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms`);
	return {ms, result};
}

console.log(`${releases} releases × ${cases} cases; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
computeChangePoints(series[1]); // warm the JIT as a long-lived process would be
const all = time('change points, every case (target ≤ 2000 ms)', () => series.map((s) => computeChangePoints(s)));
const found = all.result.reduce((sum, points) => sum + points.length, 0);
console.log(`  ${found} change points found (${cases / 5 * 2} planted)`);
let slowest = 0;
for (const s of series.slice(0, 10)) {
	const started = performance.now();
	computeChangePoints(s);
	slowest = Math.max(slowest, performance.now() - started);
}

console.log(`${'slowest single case of 10 (target ≤ 100 ms)'.padEnd(58)} ${slowest.toFixed(0).padStart(7)} ms`);
time('peer: sort every case', () => series.map((s) => Float64Array.from(s).sort()));
time('peer: Mann-Whitney of each case\'s halves', () => series.map((s) => mannWhitneyU(s.slice(0, releases / 2), s.slice(releases / 2))));
