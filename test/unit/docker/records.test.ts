import {readFileSync} from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import {describe, expect, it} from 'vitest';
import {parseDockerTime, toContainerRecord, toContainerState, toHealthState} from '../../../source/docker/containers.js';
import {parseEngineEvent} from '../../../source/docker/events.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures/docker-stats');

describe('toContainerRecord on `docker inspect` recorded from this engine', () => {
	const info = JSON.parse(readFileSync(path.join(fixtures, 'inspect-unhealthy.json'), 'utf8')) as Docker.ContainerInspectInfo;

	it('reads state, health with the last probe output, limits, ports and labels', () => {
		const record = toContainerRecord(info);
		expect(record).toMatchObject({
			name: 'rqc-fx-inspect',
			service: 'api',
			project: 'rqc',
			image: 'rqc-busybox:test',
			state: 'running',
			health: 'unhealthy',
			healthOutput: 'probe-says-no',
			healthExitCode: 1,
			restartCount: 0,
			exitCode: undefined,
			cpuLimit: 1.5,
			memoryLimitBytes: 128 * 1024 * 1024,
			ports: [{containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32_768}],
		});
		expect(record.startedAt).toBe(Date.parse(info.State.StartedAt));
		expect(record.finishedAt).toBeUndefined();
		expect(record.pid).toBeGreaterThan(0);
	});

	it('derives the CPU limit from quota/period when --cpus was not used', () => {
		const record = toContainerRecord({...info, HostConfig: {...info.HostConfig, NanoCpus: 0, CpuQuota: 25_000, CpuPeriod: 100_000}});
		expect(record.cpuLimit).toBe(0.25);
		expect(toContainerRecord({...info, HostConfig: {...info.HostConfig, NanoCpus: 0, CpuQuota: 0}}).cpuLimit).toBeUndefined();
	});
});

describe('small parsers', () => {
	it.each([
		['0001-01-01T00:00:00Z', undefined], ['', undefined], [undefined, undefined], ['2026-11-26T17:33:11.345Z', Date.parse('2026-11-26T17:33:11.345Z')],
	])('parseDockerTime(%j)', (text, expected) => {
		expect(parseDockerTime(text)).toBe(expected);
	});

	it('maps states and health, unknown values included', () => {
		expect(toContainerState('Restarting')).toBe('restarting');
		expect(toContainerState('weird')).toBe('unknown');
		expect(toHealthState('unhealthy')).toBe('unhealthy');
		expect(toHealthState(undefined)).toBe('none');
	});

	it('parses engine event lines (recorded shapes), splitting health_status details', () => {
		const health = parseEngineEvent('{"status":"health_status: unhealthy","id":"abc","from":"rqc-busybox:test","Type":"container","Action":"health_status: unhealthy","Actor":{"ID":"abc","Attributes":{"image":"rqc-busybox:test","name":"rqc-probe-h"}},"scope":"local","time":1795714451,"timeNano":1795714451569444620}');
		expect(health).toMatchObject({type: 'container', action: 'health_status', detail: 'unhealthy', id: 'abc', name: 'rqc-probe-h', time: 1_795_714_451_569});
		expect(parseEngineEvent('{"Type":"container","Action":"start","Actor":{"ID":"x","Attributes":{}},"time":5}')).toMatchObject({action: 'start', detail: undefined, time: 5000});
		expect(parseEngineEvent('not json')).toBeUndefined();
		expect(parseEngineEvent('{"Type":"container"}')).toBeUndefined();
	});
});
