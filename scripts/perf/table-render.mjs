// Why the Services pane draws its own table instead of @alcalzone/ink-table's <Table> (the
// DESIGN.md default): both render the same 50 containers' cells at 80 columns, 100 frames each.
// Prints per-frame CPU time, the lines each frame takes and its widest line.
// Usage: npm run build && [NODE_ENV=production] node scripts/perf/table-render.mjs
import React from 'react';
import {renderToString} from 'ink';
import {Table} from '@alcalzone/ink-table';
import {ContainerTable} from '../../dist/ui/services/container-table.js';
import {formatCells} from '../../dist/docker/present.js';

const now = Date.now();
const views = Array.from({length: 50}, (_, i) => ({
	record: {
		id: `c${i}`, name: `rqc-service-with-a-long-name-${i}-1`, service: `service-${i}`, project: 'rqc', image: 'rqc-busybox:test',
		state: i % 17 === 3 ? 'restarting' : 'running', health: i % 11 === 5 ? 'unhealthy' : 'healthy', healthOutput: '', healthExitCode: 0,
		healthFailingStreak: 0, restartCount: i % 5, startedAt: now - (i * 60_000), finishedAt: undefined, exitCode: undefined, oomKilled: false,
		pid: 1000 + i, cpuLimit: 0.5, memoryLimitBytes: 256 * 2 ** 20, ports: [],
	},
	sample: {
		at: now, cpuPercent: (i * 7) % 100, memoryBytes: 64 * 2 ** 20, memoryLimitBytes: 256 * 2 ** 20, memoryPercent: 25, netRxRate: 1000,
		netTxRate: 500, blockReadRate: 0, blockWriteRate: 0, netRxBytes: 1e6, netTxBytes: 5e5, blockReadBytes: 0, blockWriteBytes: 0, pids: 3,
	},
}));
const cells = views.map((view) => formatCells(view, now));

function measure(name, element) {
	const cpu = [];
	let text = '';
	for (let i = 0; i < 110; i++) {
		const c0 = process.cpuUsage();
		text = renderToString(element(), {columns: 80});
		const used = process.cpuUsage(c0);
		if (i >= 10) cpu.push((used.user + used.system) / 1000);
	}

	cpu.sort((a, b) => a - b);
	const lines = text.split('\n');
	const widest = Math.max(...lines.map((line) => [...line.replace(/\u001B\[[0-9;]*m/g, '')].length));
	console.log(`${name.padEnd(34)} CPU per frame median ${cpu[Math.floor(cpu.length / 2)].toFixed(2)} ms, p95 ${cpu[Math.floor(cpu.length * 0.95)].toFixed(2)} ms; ${lines.length} lines for 50 rows; widest line ${widest} columns`);
}

console.log('50 containers at 80 columns, 100 frames (after 10 warm-up frames), NODE_ENV=' + (process.env.NODE_ENV ?? '(unset: React development build)'));
measure('rqc ContainerTable (rows: 50)', () => React.createElement(ContainerTable, {views, selectedId: 'c0', scrollTop: 0, rows: 50, width: 80, now}));
measure('@alcalzone/ink-table <Table>', () => React.createElement(Table, {data: cells}));
