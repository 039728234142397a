// What resampling whole runs costs a comparison (issue 15: a side of several runs gets the wider
// of the sample and the run interval). Compares 50 cases a side, in-process, for several layouts
// of runs × samples, with the run lengths given (rqc now) and without them (samples only, the
// peer: what rqc did before, on the same values in the same process). Prints the median of
// --repeat runs of each, after one uncounted warm-up. The target for a comparison of two
// releases is ≤ 1 s.
//
// Usage: npm run build && node scripts/perf/run-intervals-speed.mjs [--cases 50] [--repeat 5]
// Pure computation, no services. Prints the load average: the machine is shared.
import os from 'node:os';
import {parseArgs} from 'node:util';
import {compareSampleSets} from '../../dist/compare/compare-samples.js';
import {createRng} from '../../dist/stats/random.js';

const {values: args} = parseArgs({options: {cases: {type: 'string', default: '50'}, repeat: {type: 'string', default: '5'}}});
const CASES = Number(args.cases);
const REPEAT = Number(args.repeat);
const LAYOUTS = [[1, 300], [2, 30], [8, 4], [8, 30], [20, 30], [60, 10], [20, 300]];
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`${CASES} cases a side, median of ${REPEAT} (load ${load()})`);
for (const [runs, perRun] of LAYOUTS) {
	const random = createRng(runs * 1000 + perRun);
	// Each run at its own level (±3%), its samples ±2% about it: the runs differ by more than their spread.
	const side = () => new Map(Array.from({length: CASES}, (_, c) => [`case-${c}`, Array.from({length: runs}, () => 100 * (0.97 + random() * 0.06)).flatMap((level) => Array.from({length: perRun}, () => level * (0.98 + random() * 0.04)))]));
	const lengths = new Map(Array.from({length: CASES}, (_, c) => [`case-${c}`, Array.from({length: runs}, () => perRun)]));
	const base = side();
	const candidate = side();
	const time = (options) => {
		compareSampleSets(base, candidate, options);
		const times = [];
		let result;
		for (let i = 0; i < REPEAT; i++) {
			const t0 = performance.now();
			result = compareSampleSets(base, candidate, options);
			times.push(performance.now() - t0);
		}

		return {ms: medianOf(times), byRuns: result.cases.filter((c) => c.intervalBasis === 'runs').length};
	};

	const withRuns = time({runLengths: {base: lengths, candidate: lengths}});
	const samplesOnly = time({});
	console.log(`  ${String(runs).padStart(2)} runs × ${String(perRun).padStart(3)} samples a side: with runs ${withRuns.ms.toFixed(0).padStart(5)} ms (${withRuns.byRuns} of ${CASES} intervals from runs); samples only (the peer) ${samplesOnly.ms.toFixed(0).padStart(5)} ms; ×${(withRuns.ms / samplesOnly.ms).toFixed(2)}`);
}

console.log(`(load ${load()})`);
