// issue 15: rqc calibrate's flags are checked together, and a calibration wider than its target says so and why.
import {describe, expect, test} from 'vitest';
import {formatCalibrationCases, formatCalibrations, formatQuality, readPrecisionFlags} from '../../../source/commands/calibrate.js';
import {verifyWorkloadNames} from '../../../source/bench/workloads.js';
import type {Calibration, CalibrationQuality} from '../../../source/store/records.js';

function calibrationWith(quality: CalibrationQuality | undefined): Calibration {
	return {
		id: 4, createdAt: new Date('2026-01-01'), hostFingerprint: 'h', image: 'i', engineVersion: 'e', limits: {}, cases: {}, summary: {}, isDemo: false,
		...(quality ? {details: {kind: 'workloads', quality}} : {}),
	};
}

const quality: CalibrationQuality = {
	targetPct: 1, widestPct: 0.84, widest: {case: 'spawn', dimension: 'wall'}, isWithinTarget: true, rounds: 6, elapsedMs: 61_000, loadAverage: [0.4, 0.6], reasons: [],
};

describe('rqc calibrate', () => {
	test('--suite needs --release and the other way round; --target is a sane percentage', () => {
		expect(readPrecisionFlags({})).toEqual({suite: undefined, release: undefined, targetPct: 1});
		expect(readPrecisionFlags({suite: 'api', release: 'v1', target: 0.5})).toEqual({suite: 'api', release: 'v1', targetPct: 0.5});
		expect(() => readPrecisionFlags({suite: 'api'})).toThrow(/--suite api needs --release/);
		expect(() => readPrecisionFlags({release: 'v1'})).toThrow(/--release v1 needs --suite/);
		expect(() => readPrecisionFlags({target: 0})).toThrow(/--target 0: must be a percentage/);
		expect(() => readPrecisionFlags({target: Number.NaN})).toThrow(/--target/);
	});

	test('--workloads names known workloads only', () => {
		expect(verifyWorkloadNames('cpu-int, file-io')).toEqual(['cpu-int', 'file-io']);
		expect(() => verifyWorkloadNames('cpu-int,gpu')).toThrow(/unknown workload\(s\) gpu/);
		expect(() => verifyWorkloadNames(',')).toThrow(/names no workload/);
	});

	test('the list names a suite calibration\'s suite and release', () => {
		const text = formatCalibrations([{...calibrationWith(quality), suite: 'api', release: 'v1.5.0'}, {...calibrationWith(quality), id: 5}], false);
		expect(text).toContain('#4 suite api@v1.5.0');
		expect(text).toMatch(/^#5 {2}/m);
	});

	test('within the target: one line of figures', () => {
		expect(formatQuality(calibrationWith(quality), false)).toBe('6 round(s) in 61 s, load average 0.40 → 0.60; widest interval ±0.84% (spawn wall): within the target ±1%');
		expect(formatQuality(calibrationWith(undefined), false)).toBe('');
	});

	test('an overhead that drifted more than the target between rounds is named, with what compare does about it', () => {
		const drifting = {...calibrationWith(quality), cases: {
			'file-io': {cpu: {ratio: 1.038, low: 1.028, high: 1.05, drift: 0.0332}, wall: {ratio: 1.01, low: 1, high: 1.02, drift: 0.004}},
			'cpu-float': {cpu: {ratio: 1, low: 0.999, high: 1.002, drift: 0.004}},
		}};
		const text = formatQuality(drifting, false);
		expect(text.split('\n')[0]).toContain('within the target ±1%');
		expect(text).toContain('! the overhead itself moved between rounds, beyond the measurement noise: file-io cpu ±3.3%;');
		// Drifts within the target are not listed.
		expect(text).not.toContain('cpu-float');
		expect(text).not.toContain('file-io wall');
		expect(formatCalibrationCases(drifting)).toContain('cpu ×1.038 [1.028, 1.050] drift ±3.3%');
	});

	test('wider than the target: says so, why, and what rqc compare will do with it', () => {
		const wide = {...quality, widestPct: 7.5, isWithinTarget: false, loadAverage: [14, 17] as const, reasons: ['the host was busy: load average 14.00 ...', 'noisiest: spawn wall ±7.5%']};
		const text = formatQuality(calibrationWith(wide), false);
		expect(text.split('\n')[0]).toContain('widest interval ±7.50% (spawn wall): wider than the target ±1%');
		expect(text).toContain('! the host was busy');
		expect(text).toContain('! noisiest: spawn wall ±7.5%');
		expect(text).toContain('undecided: calibration too coarse');
	});
});
