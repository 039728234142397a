import {describe, expect, it} from 'vitest';
import {parseHelperLine} from '../../../source/bench/measure.js';

describe('parseHelperLine', () => {
	it('reads an iteration', () => {
		expect(parseHelperLine('R\t3\t1234567\t800\t200\t1024\t0\t0\t0\t0\t1795714529173')).toEqual({
			kind: 'iteration',
			iteration: {index: 3, wallNs: 1_234_567, userUs: 800, systemUs: 200, maxRssBytes: 1024 * 1024, exitCode: 0, signal: 0, isTimedOut: false, isOomKilled: false, endedAt: new Date(1_795_714_529_173)},
		});
	});

	it('reads a killed iteration: no exit code, the signal, timeout and OOM flags', () => {
		const line = parseHelperLine('R\t0\t5\t1\t1\t66276\t-1\t9\t1\t1\t1');
		expect(line?.kind === 'iteration' && line.iteration).toMatchObject({exitCode: undefined, signal: 9, isTimedOut: true, isOomKilled: true});
	});

	const table: Array<[string, unknown]> = [
		['D\t5', {kind: 'done', count: 5}],
		['E\tcannot start nope: No such file or directory', {kind: 'error', message: 'cannot start nope: No such file or directory'}],
		['R\t1\t2', undefined],
		['R\t0\tx\t1\t1\t1\t0\t0\t0\t0\t1', undefined],
		['', undefined],
		['hello', undefined],
		['D\tmany', undefined],
	];
	for (const [input, expected] of table) {
		it(`${JSON.stringify(input)}`, () => {
			expect(parseHelperLine(input)).toEqual(expected);
		});
	}
});
