#!/usr/bin/env node
/**
 * Error rates of rqc compare's verdict rules, measured by simulation (issue 12). Prints:
 *  1. the threshold rules: how often a true change of a given size is called a regression
 *     (default rule: the estimate beyond the threshold; --strict: the whole interval beyond it),
 *     or any significant slowdown, one case at a time, n a side, lognormal noise of a given CV;
 *  2. the corrections across cases (holm, bh, none) in a suite of 100 cases: the family-wise
 *     false-positive rate when nothing changed, and per-case power, false-discovery proportion
 *     when some cases slowed down, next to the power of the same case compared alone.
 * Runs the built code (npm run build first). Seeded: the same arguments print the same figures.
 *
 *   node scripts/stats/verdict-error-rates.mjs [--reps 1000] [--suites 200] [--n 20]
 */
import {parseArgs} from 'node:util';

const {compareSampleSets} = await import('../../dist/compare/compare-samples.js');
const {createRng} = await import('../../dist/stats/random.js');

const {values} = parseArgs({options: {reps: {type: 'string', default: '1000'}, suites: {type: 'string', default: '200'}, n: {type: 'string', default: '20'}}});
const reps = Number(values.reps);
const suites = Number(values.suites);
const n = Number(values.n);

/** n lognormal values around 1 ms with the given coefficient of variation, times factor. */
function sample(random, count, cv, factor) {
	const sigma = Math.sqrt(Math.log(1 + cv * cv));
	const out = new Array(count);
	for (let i = 0; i < count; i++) {
		// Box-Muller.
		const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
		out[i] = 1e6 * factor * Math.exp(sigma * z);
	}

	return out;
}

const percent = (x) => `${(100 * x).toFixed(1)}%`.padStart(6);
const isSlower = (v) => v === 'regression' || v === 'slower, within threshold';

console.log(`rqc compare verdict error rates: n = ${n} a side, alpha 0.05, threshold 2%, lognormal noise, seeded`);
console.log('');
console.log(`1. Threshold rules, one case, ${reps} repetitions per row: P(called regression) and P(any significant slowdown)`);
console.log('   CV    true change   regression (default)   regression (--strict)   significant slowdown');
const random = createRng(20_261_130);
for (const cv of [0.01, 0.05]) {
	for (const change of [0, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1]) {
		let loose = 0;
		let strict = 0;
		let slower = 0;
		for (let r = 0; r < reps; r++) {
			const base = new Map([['c', sample(random, n, cv, 1)]]);
			const candidate = new Map([['c', sample(random, n, cv, 1 + change)]]);
			const a = compareSampleSets(base, candidate, {withShift: false, seed: r});
			const b = compareSampleSets(base, candidate, {withShift: false, seed: r, isStrict: true});
			if (a.cases[0].verdict === 'regression') loose++;
			if (b.cases[0].verdict === 'regression') strict++;
			if (isSlower(a.cases[0].verdict)) slower++;
		}

		console.log(`   ${percent(cv)}   ${`+${(change * 100).toFixed(1)}%`.padStart(6)}        ${percent(loose / reps)}                 ${percent(strict / reps)}                  ${percent(slower / reps)}`);
	}
}

console.log('');
const cases = 100;
const changed = 10;
const slowdown = 0.05;
const cv = 0.05;
console.log(`2. Corrections across ${cases} cases, CV ${cv * 100}%, ${suites} suites per row`);
console.log(`   a) nothing changed: P(at least one case significant) (family-wise false-positive rate)`);
console.log(`   b) ${changed} cases ${slowdown * 100}% slower, ${cases - changed} unchanged: per-case power (slowdown found significant), false-discovery proportion`);
const counts = {holm: {fwer: 0, found: 0, false: 0, discoveries: 0, fdp: 0}, bh: {fwer: 0, found: 0, false: 0, discoveries: 0, fdp: 0}, none: {fwer: 0, found: 0, false: 0, discoveries: 0, fdp: 0}};
let alone = 0;
const suiteRandom = createRng(7_777);
for (let s = 0; s < suites; s++) {
	const nullBase = new Map();
	const nullCandidate = new Map();
	const mixedBase = new Map();
	const mixedCandidate = new Map();
	for (let c = 0; c < cases; c++) {
		const name = `c${String(c).padStart(3, '0')}`;
		nullBase.set(name, sample(suiteRandom, n, cv, 1));
		nullCandidate.set(name, sample(suiteRandom, n, cv, 1));
		mixedBase.set(name, sample(suiteRandom, n, cv, 1));
		mixedCandidate.set(name, sample(suiteRandom, n, cv, c < changed ? 1 + slowdown : 1));
	}

	for (const correction of ['holm', 'bh', 'none']) {
		const count = counts[correction];
		const nullResult = compareSampleSets(nullBase, nullCandidate, {withShift: false, seed: s, correction});
		if (nullResult.cases.some((row) => row.isSignificant)) count.fwer++;
		const mixed = compareSampleSets(mixedBase, mixedCandidate, {withShift: false, seed: s, correction});
		let discoveries = 0;
		let falseOnes = 0;
		for (const [index, row] of mixed.cases.entries()) {
			if (!row.isSignificant) continue;
			discoveries++;
			if (index < changed && row.changeLowPct > 0) count.found++;
			if (index >= changed) falseOnes++;
		}

		count.discoveries += discoveries;
		count.false += falseOnes;
		count.fdp += discoveries > 0 ? falseOnes / discoveries : 0;
	}

	// The same changed cases compared one at a time (no correction needed for one test).
	for (let c = 0; c < changed; c++) {
		const name = `c${String(c).padStart(3, '0')}`;
		const one = compareSampleSets(new Map([[name, mixedBase.get(name)]]), new Map([[name, mixedCandidate.get(name)]]), {withShift: false, seed: s});
		if (one.cases[0].isSignificant && one.cases[0].changeLowPct > 0) alone++;
	}
}

console.log('   correction   a) family-wise FP   b) power   b) false-discovery proportion (mean)');
for (const [name, count] of Object.entries(counts)) {
	console.log(`   ${name.padEnd(10)}      ${percent(count.fwer / suites)}        ${percent(count.found / (suites * changed))}     ${percent(count.fdp / suites)}`);
}

console.log(`   alone (1 case, no correction needed): power ${percent(alone / (suites * changed)).trim()}`);
