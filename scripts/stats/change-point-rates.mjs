#!/usr/bin/env node
// Detection and false-alarm rates of rqc's change-point detection on generated series with known
// truth, the figures behind the defaults of source/stats/change-points.ts. Build first
// (`npm run build`); options as JSON in argv[2] override the defaults.
// Usage: node scripts/stats/change-point-rates.mjs ['{"minChange":0.01}'] [series per kind]
import {performance} from 'node:perf_hooks';
import {computeChangePoints, DEFAULT_CHANGE_POINT_OPTIONS} from '../../dist/stats/change-points.js';
import {createRng} from '../../dist/stats/random.js';

const options = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const perKind = Number(process.argv[3] ?? 30);

function gaussian(random) {
	const u = 1 - random();
	const v = random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A series of `length` release medians around 100 with relative noise `cv` and the given steps. */
export function makeSeries({length, cv, steps = [], drift = 0, seed, spreadAt, spreadFactor = 1}) {
	const random = createRng(seed);
	const values = [];
	let level = 100;
	for (let i = 0; i < length; i++) {
		for (const step of steps) if (step.at === i) level *= 1 + step.change;
		level *= 1 + drift;
		const noise = spreadAt !== undefined && i >= spreadAt ? cv * spreadFactor : cv;
		values.push(level * (1 + noise * gaussian(random)));
	}

	return values;
}

export const kinds = [
	{name: 'noise 1%, 400', length: 400, cv: 0.01, steps: []},
	{name: 'noise 2%, 400', length: 400, cv: 0.02, steps: []},
	{name: 'step +3% at 1%', length: 200, cv: 0.01, steps: [{at: 120, change: 0.03}]},
	{name: 'step +3% at 2%', length: 200, cv: 0.02, steps: [{at: 120, change: 0.03}]},
	{name: 'step -5% at 2%', length: 200, cv: 0.02, steps: [{at: 80, change: -0.05}]},
	{name: 'step +10% at 2%', length: 200, cv: 0.02, steps: [{at: 150, change: 0.1}]},
	{name: 'two steps +3%/-3% at 1%', length: 300, cv: 0.01, steps: [{at: 100, change: 0.03}, {at: 200, change: -0.03}]},
	{name: 'two steps +5%/+5% at 2%', length: 300, cv: 0.02, steps: [{at: 90, change: 0.05}, {at: 210, change: 0.05}]},
	{name: 'step +5% 3 releases from the end, 1%', length: 100, cv: 0.01, steps: [{at: 96, change: 0.05}]},
	{name: 'drift +0.02%/release at 1%', length: 400, cv: 0.01, steps: [], drift: 0.0002},
	{name: 'spread x4 at 0.5% (noisier)', length: 200, cv: 0.005, steps: [], spreadAt: 100, spreadFactor: 4, truth: [100]},
];

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) main();

function main() {
console.log(`options: ${JSON.stringify({...DEFAULT_CHANGE_POINT_OPTIONS, ...options})}; ${perKind} series per kind`);
console.log('kind'.padEnd(40), 'found'.padStart(7), 'missed'.padStart(7), 'false'.padStart(6), 'series w/ false'.padStart(16), 'ms/series'.padStart(10));
for (const kind of kinds) {
	let found = 0;
	let missed = 0;
	let falsePoints = 0;
	let seriesWithFalse = 0;
	let time = 0;
	for (let s = 0; s < perKind; s++) {
		const values = makeSeries({...kind, seed: 1000 + s * 7919 + kind.length});
		const started = performance.now();
		const points = computeChangePoints(values, options);
		time += performance.now() - started;
		const truth = kind.truth ?? kind.steps.map((step) => step.at);
		const matched = new Set();
		let falseHere = 0;
		for (const point of points) {
			const hit = truth.findIndex((at, i) => !matched.has(i) && Math.abs(point.index - at) <= 2);
			if (hit === -1) falseHere++;
			else matched.add(hit);
		}

		found += matched.size;
		missed += truth.length - matched.size;
		falsePoints += falseHere;
		if (falseHere > 0) seriesWithFalse++;
	}

	console.log(kind.name.padEnd(40), String(found).padStart(7), String(missed).padStart(7), String(falsePoints).padStart(6), `${seriesWithFalse}/${perKind}`.padStart(16), (time / perKind).toFixed(1).padStart(10));
}
}
