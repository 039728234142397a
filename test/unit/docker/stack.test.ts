import {describe, expect, it} from 'vitest';
import {describeFailure, describeProgress, judgeService, judgeStack, toServiceState, type InspectJson, type ServiceState} from '../../../source/docker/stack.js';

const inspect = (state: NonNullable<InspectJson['State']>, extra: Partial<InspectJson> = {}): InspectJson => ({
	Id: 'abc123',
	Name: '/rqc_redis_1',
	RestartCount: 0,
	Config: {Image: 'redis:7.4.11-alpine', Labels: {'com.docker.compose.project': 'rqc', 'com.docker.compose.service': 'redis'}},
	State: state,
	NetworkSettings: {Ports: {'6379/tcp': [{HostIp: '127.0.0.1', HostPort: '26379'}], '9999/udp': null}},
	...extra,
});

describe('toServiceState', () => {
	it('reads service, health, the last check output, ports and start time', () => {
		const state = toServiceState(inspect({
			Status: 'running',
			ExitCode: 0,
			StartedAt: '2026-11-26T17:36:42.676Z',
			Health: {Status: 'healthy', Log: [{Output: 'LOADING\n', ExitCode: 1}, {Output: 'PONG\n', ExitCode: 0}]},
		}));
		expect(state).toEqual({
			service: 'redis',
			containerId: 'abc123',
			name: 'rqc_redis_1',
			image: 'redis:7.4.11-alpine',
			state: 'running',
			health: 'healthy',
			lastHealthOutput: 'PONG',
			exitCode: undefined,
			restartCount: 0,
			startedAt: new Date('2026-11-26T17:36:42.676Z'),
			ports: [{containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 26379}],
		});
	});

	it.each([
		['no health check', {Status: 'running'}, 'none', undefined],
		['starting, no check run yet', {Status: 'running', Health: {Status: 'starting', Log: []}}, 'starting', undefined],
		['unhealthy', {Status: 'running', Health: {Status: 'unhealthy', Log: [{Output: 'no PONG\n'}]}}, 'unhealthy', 'no PONG'],
		['null health (engine JSON)', {Status: 'created', Health: null}, 'none', undefined],
	])('%s', (_name, state, health, output) => {
		const record = toServiceState(inspect(state as NonNullable<InspectJson['State']>));
		expect([record.health, record.lastHealthOutput]).toEqual([health, output]);
	});

	it('keeps the exit code of an exited container and ignores the zero start time of a never-started one', () => {
		const record = toServiceState(inspect({Status: 'exited', ExitCode: 137, StartedAt: '0001-01-01T00:00:00Z'}));
		expect([record.state, record.exitCode, record.startedAt]).toEqual(['exited', 137, undefined]);
	});
});

const state = (overrides: Partial<ServiceState>): ServiceState => ({
	service: 'redis', containerId: 'x', name: 'rqc_redis_1', image: 'i', state: 'running', health: 'healthy',
	lastHealthOutput: undefined, exitCode: undefined, restartCount: 0, startedAt: undefined, ports: [], ...overrides,
});

describe('judgeService', () => {
	it.each([
		[{state: 'running', health: 'healthy'}, 'ready'],
		[{state: 'running', health: 'none'}, 'ready'],
		[{state: 'running', health: 'starting'}, 'waiting'],
		[{state: 'created', health: 'none'}, 'waiting'],
		[{state: 'restarting', health: 'none', restartCount: 1}, 'waiting'],
		[{state: 'restarting', health: 'none', restartCount: 3}, 'failed'],
		[{state: 'running', health: 'unhealthy'}, 'failed'],
		[{state: 'exited', health: 'none'}, 'failed'],
		[{state: 'dead', health: 'none'}, 'failed'],
	] as const)('%j → %s', (input, expected) => {
		expect(judgeService(state(input))).toBe(expected);
	});
});

describe('judgeStack', () => {
	it.each([
		['all ready', [state({service: 'a'}), state({service: 'b', health: 'none'})], {isDone: true, ready: ['a', 'b'], waiting: [], failed: []}],
		['one waiting', [state({service: 'a'}), state({service: 'b', health: 'starting'})], {isDone: false, ready: ['a'], waiting: ['b'], failed: []}],
		['a failure ends the wait', [state({service: 'a', health: 'starting'}), state({service: 'b', health: 'unhealthy'})], {isDone: true, ready: [], waiting: ['a'], failed: ['b']}],
		['nothing yet', [], {isDone: true, ready: [], waiting: [], failed: []}],
	])('%s', (_name, states, expected) => {
		const verdict = judgeStack(states);
		expect({...verdict, failed: verdict.failed.map((s) => s.service)}).toEqual(expected);
	});
});

describe('describeFailure / describeProgress', () => {
	it.each([
		[state({health: 'unhealthy', lastHealthOutput: 'line 1\nline 2\n\nno PONG'}), 'redis is unhealthy: line 1 | line 2 | no PONG'],
		[state({health: 'unhealthy'}), 'redis is unhealthy'],
		[state({state: 'exited', health: 'none', exitCode: 1, lastHealthOutput: 'FATAL: bad config'}), 'redis exited with code 1: FATAL: bad config'],
		[state({state: 'restarting', health: 'none', restartCount: 4}), 'redis keeps restarting (4 restarts)'],
	])('failure %#', (input, expected) => {
		expect(describeFailure(input)).toBe(expected);
	});

	it.each([
		[state({}), 'healthy'],
		[state({health: 'none'}), 'running'],
		[state({health: 'starting'}), 'starting'],
		[state({state: 'created', health: 'none'}), 'created'],
		[state({state: 'exited', exitCode: 2}), 'exited (2)'],
	])('progress %#', (input, expected) => {
		expect(describeProgress(input)).toBe(expected);
	});
});
