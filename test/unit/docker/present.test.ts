import {describe, expect, it} from 'vitest';
import {
	describeEngine,
	filterViews,
	fitColumns,
	formatCells,
	formatUptime,
	getContainerMark,
	getDisplayName,
	renderContainerTable,
	toContainerJson,
} from '../../../source/docker/present.js';
import {makeRecord, makeSample} from '../../helpers/fake-services-source.js';

describe('fitColumns', () => {
	it.each([200, 120, 100, 80, 60, 40, 20])('never exceeds the width (%i)', (width) => {
		const columns = fitColumns(width);
		const total = columns.reduce((sum, c) => sum + c.fittedWidth, 0) + columns.length - 1;
		expect(total).toBeLessThanOrEqual(width);
		expect(columns.some((c) => c.key === 'name')).toBe(true);
	});

	it('drops block I/O first, and keeps state, health and CPU at 80 columns', () => {
		const keys = fitColumns(80).map((c) => c.key);
		expect(keys).not.toContain('block');
		expect(keys).toEqual(expect.arrayContaining(['mark', 'name', 'state', 'health', 'cpu', 'memory']));
		expect(fitColumns(200).map((c) => c.key)).toContain('block');
	});
});

describe('formatting', () => {
	it.each([[undefined, '-'], [5000, '5s'], [125_000, '2m'], [7_200_000, '2h'], [3 * 86_400_000, '3d']])('formatUptime(%s) = %s', (ms, text) => {
		expect(formatUptime(ms)).toBe(text);
	});

	it('marks states with symbols that survive NO_COLOR', () => {
		expect(getContainerMark(makeRecord({id: 'a', health: 'unhealthy'}))).toMatchObject({symbol: '✗', tone: 'bad'});
		expect(getContainerMark(makeRecord({id: 'a', state: 'restarting'}))).toMatchObject({symbol: '↻', tone: 'warn'});
		expect(getContainerMark(makeRecord({id: 'a', health: 'healthy'}))).toMatchObject({symbol: '✓', tone: 'ok'});
		expect(getContainerMark(makeRecord({id: 'a', state: 'exited', exitCode: 137}))).toMatchObject({symbol: '✗', tone: 'bad'});
		expect(getContainerMark(makeRecord({id: 'a', state: 'exited', exitCode: 0}))).toMatchObject({symbol: '■', tone: 'off'});
	});

	it('formats a running container\'s cells and blanks a stopped one\'s resources', () => {
		const cells = formatCells({record: makeRecord({id: 'db', startedAt: 0}), sample: makeSample({cpuPercent: 150.26})}, 90_000);
		expect(cells).toMatchObject({name: 'db', cpu: '150.3', memory: '64M/256M', uptime: '1m', net: '2.0K/1.0K', pids: '3'});
		const stopped = formatCells({record: makeRecord({id: 'db', state: 'exited', exitCode: 1}), sample: makeSample()}, 0);
		expect(stopped).toMatchObject({state: 'exited(1)', cpu: '-', memory: '-', uptime: '-'});
	});

	it('filters by name, service or image', () => {
		const views = [{record: makeRecord({id: 'db'}), sample: undefined}, {record: makeRecord({id: 'cache', image: 'redis:7'}), sample: undefined}];
		expect(filterViews(views, 'REDIS').map((v) => v.record.id)).toEqual(['cache']);
		expect(filterViews(views, ' ')).toHaveLength(2);
	});

	it('renders the status table with a header, one line per container and the CPU note', () => {
		const text = renderContainerTable([{record: makeRecord({id: 'db'}), sample: makeSample()}], {width: 100, now: 1_060_000});
		const lines = text.split('\n');
		expect(lines[0]).toMatch(/NAME\s+STATE\s+HEALTH\s+CPU%/);
		expect(lines[1]).toMatch(/▶ db\s+running/);
		expect(lines[2]).toContain('CPU% is of one core');
		expect(renderContainerTable([], {width: 80, now: 0})).toContain('(no containers)');
	});

	it('describes an unreachable engine with the retry time', () => {
		expect(describeEngine({state: 'unreachable', message: 'refused', retryAt: 5000, attempt: 2}, 2100)).toBe('Docker engine unreachable (refused); retrying in 3s (attempt 2)');
	});

	it('gives stable JSON with nulls', () => {
		const json = toContainerJson({record: makeRecord({id: 'db', state: 'exited', exitCode: 0}), sample: undefined});
		expect(json).toMatchObject({name: 'rqc-db-1', service: 'db', state: 'exited', healthOutput: null, resources: null, exitCode: 0});
		const running = toContainerJson({record: makeRecord({id: 'db'}), sample: makeSample({cpuPercent: 49.999})});
		expect(running.resources).toMatchObject({cpuPercent: 50, memoryBytes: 64 * 1024 * 1024, pids: 3});
	});
});

describe('getDisplayName', () => {
	it.each([
		[{id: 'a', name: 'rqc-db-1', service: 'db'}, 'db'],
		[{id: 'a', name: 'rqc_db_2', service: 'db'}, 'db-2'],
		[{id: 'a', name: 'rqc-try-idle-10', service: 'idle-10'}, 'idle-10'],
		[{id: 'a', name: 'plain', service: undefined}, 'plain'],
	])('%j → %s', (fields, expected) => {
		expect(getDisplayName(makeRecord(fields))).toBe(expected);
	});
});
