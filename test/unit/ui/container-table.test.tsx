/**
 * The container table draws the name column as a text node of its own (issue 10 point 7: the
 * name's padding is left to Ink's blank background); the rows must read exactly as one joined
 * row would. (The selected row's unbroken inverse bar was checked on tmux captures: tests draw
 * without colour.)
 */
import React from 'react';
import {renderToString} from 'ink';
import {describe, expect, it} from 'vitest';
import {fitColumns, formatCells, getContainerMark, renderHeader, renderRow} from '../../../source/docker/present.js';
import {ContainerTable} from '../../../source/ui/services/container-table.js';
import {makeRecord, makeSample} from '../../helpers/fake-services-source.js';
import {plain} from '../../helpers/ink.js';

const NOW = 1_120_000;
const views = Array.from({length: 6}, (_, i) => ({record: makeRecord({id: `svc-${i}`, health: i === 2 ? 'unhealthy' : 'healthy'}), sample: makeSample({cpuPercent: 10 * i})}));

describe('ContainerTable', () => {
	for (const width of [120, 80, 50]) {
		// issue 10: the split name column must not change what the table shows
		it(`reads as the joined rows at ${width} columns`, () => {
			const frame = plain(renderToString(<ContainerTable views={views} selectedId="svc-1" scrollTop={0} rows={10} width={width} now={NOW}/>, {columns: width}));
			const columns = fitColumns(width).filter((c) => c.key !== 'mark');
			const expected = [`  ${renderHeader(columns)}`.trimEnd(), ...views.map((view) => `${getContainerMark(view.record).symbol} ${renderRow(formatCells(view, NOW), columns)}`.trimEnd())];
			expect(frame.split('\n').map((line) => line.trimEnd())).toEqual(expected);
		});
	}

});
