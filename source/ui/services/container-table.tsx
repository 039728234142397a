/**
 * The container table: a hand-rolled fixed-width table, one <Text> per row.
 *
 * Why not <Table> from @alcalzone/ink-table (its column API — key + align — is kept in
 * present.ts's COLUMNS): it draws a separator line between every row, which halves the rows that
 * fit in 24 lines; it sizes columns to their longest cell with no maximum, so a long name widens
 * the frame past the terminal instead of truncating; its cell component is told only the column
 * index, so a whole row cannot be coloured by the container's state; and it renders ~25
 * elements and an object-hash per row per frame, too slow for 50 containers every second.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {ContainerView} from '../../docker/monitor.js';
import {fitColumns, formatCells, getContainerMark, renderHeader, renderRow, type RowTone} from '../../docker/present.js';
import {fit} from '../../text/text.js';

export interface ContainerTableProps {
	/** The rows after the filter, in display order. */
	readonly views: readonly ContainerView[];
	readonly selectedId: string | undefined;
	readonly scrollTop: number;
	/** How many data rows fit (the header is extra). */
	readonly rows: number;
	readonly width: number;
	readonly now: number;
}

const toneColor: Record<RowTone, string | undefined> = {bad: 'red', warn: 'yellow', ok: 'green', off: 'gray', normal: undefined};

export function ContainerTable({views, selectedId, scrollTop, rows, width, now}: ContainerTableProps) {
	const columns = fitColumns(width);
	const textColumns = columns.filter((c) => c.key !== 'mark');
	// The name column (always kept, first after the mark) gets a text node of its own: its padding
	// up to the next column is then left to Ink's blank background instead of being tokenised and
	// measured as ~20 spaces a row every frame (issue 10 point 7). The selected row keeps its
	// padding and gap so its inverse bar still spans the whole row.
	const [nameColumn, ...restColumns] = textColumns;
	const nameWidth = nameColumn ? nameColumn.fittedWidth : 0;
	const visible = views.slice(scrollTop, scrollTop + Math.max(0, rows));
	const rowParts = visible.map((view) => {
		const cells = formatCells(view, now);
		const isSelected = view.record.id === selectedId;
		const name = fit(cells.name, nameWidth);
		return {
			view,
			isSelected,
			tone: getContainerMark(view.record).tone,
			name: isSelected ? `${name} ` : name.trimEnd(),
			rest: renderRow(cells, restColumns),
		};
	});
	// The state symbols get a text node of their own, the names one and the rest of the table one
	// more (rows as nested spans): every line is already fitted to the width, the rows stay plain
	// ASCII (Ink measures ASCII without grapheme segmentation), and three text nodes measure far
	// faster than one per row; the frame budget is 10 ms at 50 containers.
	return (
		<Box flexDirection="row" width={width}>
			<Box flexDirection="column" width={2}>
				<Text>
					{' '}
					{visible.map((view) => {
						const mark = getContainerMark(view.record);
						return (
							<React.Fragment key={view.record.id}>
								{'\n'}
								<Text color={toneColor[mark.tone]}>{mark.symbol}</Text>
							</React.Fragment>
						);
					})}
				</Text>
			</Box>
			<Box flexDirection="column" width={nameWidth + 1} flexShrink={0}>
				<Text>
					<Text bold>{nameColumn ? renderHeader([nameColumn]).trimEnd() : ''}</Text>
					{rowParts.map((part) => (
						<React.Fragment key={part.view.record.id}>
							{'\n'}
							<Text color={toneColor[part.tone]} inverse={part.isSelected}>{part.name}</Text>
						</React.Fragment>
					))}
				</Text>
			</Box>
			<Text>
				<Text bold>{renderHeader(restColumns)}</Text>
				{rowParts.map((part) => (
					<React.Fragment key={part.view.record.id}>
						{'\n'}
						<Text color={toneColor[part.tone]} inverse={part.isSelected}>{part.rest}</Text>
					</React.Fragment>
				))}
			</Text>
		</Box>
	);
}
