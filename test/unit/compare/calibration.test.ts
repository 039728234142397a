import {describe, expect, test} from 'vitest';
import {computeCalibration, computeRoundInterval, estimateDrift, type CalibrationPoint} from '../../../source/compare/calibration.js';
import {createRng} from '../../../source/stats/random.js';

function points(n: number, wall: number, cpu: number, rss: number, seed: number): CalibrationPoint[] {
	const random = createRng(seed);
	const jitter = () => 1 + 0.02 * (random() * 2 - 1);
	return Array.from({length: n}, () => ({wall: wall * jitter(), cpu: cpu * jitter(), rss: rss * jitter()}));
}

describe('computeCalibration', () => {
	test('per-case overhead = docker / bare metal per dimension, with an interval around it', () => {
		const result = computeCalibration(new Map([
			['a', {bare: points(20, 100, 50, 1000, 1), docker: points(20, 120, 55, 1000, 2)}],
			['b', {bare: points(20, 200, 80, 2000, 3), docker: points(20, 240, 88, 2000, 4)}],
		]));
		expect(result.cases.a!.wall!.ratio).toBeCloseTo(1.2, 1);
		expect(result.cases.a!.cpu!.ratio).toBeCloseTo(1.1, 1);
		expect(result.cases.a!.rss!.ratio).toBeCloseTo(1, 1);
		for (const estimate of [result.cases.a!.wall!, result.summary.wall!]) {
			expect(estimate.low).toBeLessThan(estimate.ratio);
			expect(estimate.high).toBeGreaterThan(estimate.ratio);
		}

		expect(result.summary.wall!.ratio).toBeCloseTo(Math.sqrt((120 / 100) * (240 / 200)), 1);
		expect(result.summary.wall!.n).toBe(2);
	});

	test('a dimension nobody measured (zeros) is left out; same inputs, same result', () => {
		const measured = new Map([['a', {bare: points(10, 100, 0, 1000, 1), docker: points(10, 110, 0, 1000, 2)}]]);
		const result = computeCalibration(measured);
		expect(result.cases.a!.cpu).toBeUndefined();
		expect(result.summary.cpu).toBeUndefined();
		expect(computeCalibration(measured)).toEqual(result);
	});

	test('drift between rounds widens the interval beyond the within-round bootstrap', () => {
		const rounds = [1.2, 1.26, 1.32].map((factor, i) => ({bare: points(6, 100, 50, 1000, 10 + i), docker: points(6, 100 * factor, 50, 1000, 20 + i)}));
		const all = {bare: rounds.flatMap((r) => r.bare), docker: rounds.flatMap((r) => r.docker)};
		const pooled = computeCalibration(new Map([['a', all]]));
		const withRounds = computeCalibration(new Map([['a', {...all, rounds}]]));
		expect(withRounds.cases.a!.wall!.ratio).toBe(pooled.cases.a!.wall!.ratio);
		expect(withRounds.cases.a!.wall!.low).toBeLessThan(pooled.cases.a!.wall!.low);
		expect(withRounds.cases.a!.wall!.high).toBeGreaterThan(pooled.cases.a!.wall!.high);
	});

	// Student t: mean ± t(0.975, k-1)·sd/√k on the logs; for ratios e^-1, e^0, e^1: mean 0, sd 1, k 3 → ±4.303/√3.
	test('round interval uses the t table (df = 2: 4.303)', () => {
		const interval = computeRoundInterval([Math.exp(-1), 1, Math.exp(1)])!;
		expect(Math.log(interval.high)).toBeCloseTo(4.303 / Math.sqrt(3), 10);
		expect(Math.log(interval.low)).toBeCloseTo(-4.303 / Math.sqrt(3), 10);
		expect(computeRoundInterval([1.2])).toBeUndefined();
	});
});

describe('estimateDrift: how far the overhead itself moves between rounds (issue 15)', () => {
	// Log-normal iterations: each round's true ratio is 1.03 · e^(drift·z), each iteration e^(noise·z).
	function simulate(seed: number, options: {rounds: number; perSide: number; noise: number; drift: number}) {
		const random = createRng(seed);
		const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
		return Array.from({length: options.rounds}, () => {
			const ratio = 1.03 * Math.exp(options.drift * gauss());
			const side = (scale: number) => Array.from({length: options.perSide}, () => 100 * scale * Math.exp(options.noise * gauss()));
			return {bare: side(1), docker: side(ratio)};
		});
	}

	const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

	test.each([2, 3, 5])('noise alone (5%% an iteration, %i a side) is not drift: the estimates centre on 0', (perSide) => {
		const estimates = Array.from({length: 200}, (_, seed) => estimateDrift(simulate(seed + 1, {rounds: 40, perSide, noise: 0.05, drift: 0}))!);
		// Clipped at 0, so about half are exactly 0 and the rest small.
		expect(estimates.filter((d) => d === 0).length).toBeGreaterThan(70);
		expect(medianOf(estimates)).toBeLessThan(0.01);
	});

	test.each([2, 3])('a 3%% drift under 5%% noise (%i a side) is found, and under none exactly', (perSide) => {
		const estimates = Array.from({length: 200}, (_, seed) => estimateDrift(simulate(seed + 1, {rounds: 40, perSide, noise: 0.05, drift: 0.03}))!);
		expect(medianOf(estimates)).toBeGreaterThan(0.024);
		expect(medianOf(estimates)).toBeLessThan(0.036);
		// A calibration that does not drift, measured precisely (CPU-bound work): nothing to add.
		expect(estimateDrift(simulate(7, {rounds: 40, perSide, noise: 0.001, drift: 0}))!).toBeLessThan(0.001);
	});

	test('fewer than three rounds with two points a side: unknown', () => {
		expect(estimateDrift([{bare: [1, 1.1], docker: [1.2, 1.3]}, {bare: [1, 1.1], docker: [1.2, 1.3]}])).toBeUndefined();
		expect(estimateDrift(Array.from({length: 5}, () => ({bare: [1], docker: [1.2]})))).toBeUndefined();
	});

	test('computeCalibration stores it beside the interval', () => {
		const rounds = simulate(3, {rounds: 20, perSide: 2, noise: 0.01, drift: 0.05}).map((round) => ({
			bare: round.bare.map((v) => ({wall: v, cpu: v, rss: 1000})),
			docker: round.docker.map((v) => ({wall: v, cpu: v, rss: 1000})),
		}));
		const result = computeCalibration(new Map([['a', {bare: rounds.flatMap((r) => r.bare), docker: rounds.flatMap((r) => r.docker), rounds}]]));
		expect(result.cases.a!.cpu!.drift).toBeGreaterThan(0.03);
		expect(result.cases.a!.rss!.drift).toBe(0);
	});
});
