import {describe, expect, test} from 'vitest';
import {
	describeEnvironment, findCalibration, getCalibrateCommand, getEnvironmentWarnings, needsAdjustment, toSideEnvironment,
} from '../../../source/compare/environment.js';
import {computeCaseAdjustment} from '../../../source/compare/adjustment.js';
import type {Calibration} from '../../../source/store/records.js';

const bare = toSideEnvironment({runtime: 'bare_metal', hostFingerprint: 'h1', host: {hostname: 'a'}}, 'bare_metal');
const docker = toSideEnvironment({runtime: 'docker', image: 'rqc-busybox:test', engineVersion: '20.10.24', limits: {cpus: 1, memoryBytes: 512 * 1024 * 1024}, hostFingerprint: 'h1'}, 'docker');

function calibration(overrides: Partial<Calibration>): Calibration {
	return {
		id: 1, createdAt: new Date('2026-01-01'), hostFingerprint: 'h1', image: 'rqc-busybox:test', engineVersion: '20.10.24',
		limits: {cpus: 1, memoryBytes: 512 * 1024 * 1024}, isDemo: false,
		cases: {'cpu-sha256': {wall: {ratio: 1.1, low: 1.08, high: 1.12}}},
		summary: {wall: {ratio: 1.05, low: 1.02, high: 1.08}},
		...overrides,
	};
}

describe('environments', () => {
	test('labels and the calibrate command to run', () => {
		expect(describeEnvironment(bare)).toBe('bare metal');
		expect(describeEnvironment(docker)).toBe('docker 1 cpus 512m rqc-busybox:test');
		expect(getCalibrateCommand(docker)).toBe('rqc calibrate --cpus 1 --memory 512m --image rqc-busybox:test');
	});

	test('adjustment is needed across runtimes or limits, not within one', () => {
		expect(needsAdjustment(bare, bare)).toBe(false);
		expect(needsAdjustment(docker, docker)).toBe(false);
		expect(needsAdjustment(bare, docker)).toBe(true);
		expect(needsAdjustment(docker, {...docker, cpus: 2})).toBe(true);
	});

	test('finds the newest calibration of the same host, image, limits and engine', () => {
		const older = calibration({id: 1, createdAt: new Date('2026-01-01')});
		const newer = calibration({id: 2, createdAt: new Date('2026-02-01')});
		const otherHost = calibration({id: 3, hostFingerprint: 'h2', createdAt: new Date('2026-03-01')});
		const otherLimits = calibration({id: 4, limits: {cpus: 2, memoryBytes: 512 * 1024 * 1024}, createdAt: new Date('2026-03-01')});
		const otherEngine = calibration({id: 5, engineVersion: '24.0.0', createdAt: new Date('2026-03-01')});
		expect(findCalibration([older, newer, otherHost, otherLimits, otherEngine], docker)?.id).toBe(2);
		expect(findCalibration([otherHost, otherLimits, otherEngine], docker)).toBeUndefined();
		expect(findCalibration([newer], bare)).toBeUndefined();
	});

	test('case adjustment: the case ratio when calibrated, else the summary; direction by side', () => {
		const c = calibration({});
		const candidateDocker = computeCaseAdjustment('cpu-sha256', 'wall', {base: [], candidate: [c]}, undefined)!;
		expect(candidateDocker.factor).toBeCloseTo(1.1, 12);
		expect(candidateDocker.source).toBe('case');
		expect(candidateDocker.low).toBeLessThan(1.1);
		expect(candidateDocker.high).toBeGreaterThan(1.1);
		const baseDocker = computeCaseAdjustment('other', 'wall', {base: [c], candidate: []}, undefined)!;
		expect(baseDocker.factor).toBeCloseTo(1 / 1.05, 12);
		expect(baseDocker.source).toBe('summary');
		expect(computeCaseAdjustment('x', 'wall', {base: [], candidate: []}, undefined)).toBeUndefined();
	});

	test('warnings for different hosts and engine versions', () => {
		expect(getEnvironmentWarnings(bare, docker)).toEqual([]);
		const warnings = getEnvironmentWarnings({...docker, hostFingerprint: 'h2', hostname: 'b', engineVersion: '24.0'}, {...docker, hostname: 'a'});
		expect(warnings).toHaveLength(2);
		expect(warnings[0]).toContain('different hosts (b vs a)');
		expect(warnings[1]).toContain('engine versions (24.0 vs 20.10.24)');
	});
});
