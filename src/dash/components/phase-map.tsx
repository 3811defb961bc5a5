import { Box, Text } from 'ink';
import { useState } from 'react';

import { compactCount, fit } from '../format.js';
import { useLive } from '../hooks/use-live.js';
import { useViewKeys } from '../hooks/use-view-keys.js';
import {
  buildPhaseGrid,
  type PhaseCell,
  type PhaseGrid,
  type PhaseRow,
} from '../phase-grid.js';
import type { DashSource } from '../source.js';
import type { PhaseAxis, SweepInfo } from '../types.js';
import { Pending } from './pending.js';

/** Row labels: wide enough for "imbalanced" and "flattest". */
const LABEL = 10;
/** Each cell: "100%!" or "n=1.2k" and a space on each side. */
const CELL = 7;

export interface PhaseMapProps {
  source: DashSource;
  sweep: SweepInfo;
  axis: PhaseAxis;
  width: number;
  height: number;
  active: boolean;
}

/** Columns that fit in `width` beside the labels and the ρ = 1 line. */
export function phaseColumnsFor(width: number): number {
  return Math.max(2, Math.floor((width - LABEL - 2) / CELL));
}

/** Escape fraction per (axis value, step ratio), against ρ = 1. */
export function PhaseMap(props: PhaseMapProps) {
  const { source, sweep, axis, width, height, active } = props;
  const maxColumns = phaseColumnsFor(width);
  const live = useLive(
    () => source.call('phase', sweep.id, axis, maxColumns),
    `${sweep.id}|${axis}|${maxColumns}`,
    sweep.done,
    { minGapMs: 500 },
  );
  const [scroll, setScroll] = useState(0);

  const grid = live.value === null ? null : buildPhaseGrid(live.value);
  // Header 2 lines (3 with ranges), legend 2, the "all" row 2; each value
  // row 2.
  const ranged = grid?.columns.some((column) => column.upper !== null);
  const fits = Math.max(1, Math.floor((height - (ranged ? 7 : 6)) / 2));
  const hidden = grid === null ? 0 : Math.max(0, grid.rows.length - fits);

  useViewKeys((input, key) => {
    if (input === 'j' || key.downArrow) {
      setScroll((s) => Math.min(hidden, s + 1));
    } else if (input === 'k' || key.upArrow) {
      setScroll((s) => Math.max(0, s - 1));
    }
  }, active);

  if (grid === null || grid.columns.length === 0) {
    return (
      <Pending live={live} what="phase map" empty={grid !== null}
        emptyText="No trials with a step ratio yet." />
    );
  }

  const top = Math.min(scroll, hidden);
  const rows = grid.rows.slice(top, top + fits);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>{`rows: ${axis}`}</Text>
        <Text dimColor>
          {` (a: next axis) · % left of trials that did not fail` +
            (hidden > 0 ? ` · rows ${top + 1}–${top + rows.length}` +
              ` of ${grid.rows.length} (j/k)` : '')}
        </Text>
      </Text>
      <HeaderRow grid={grid} />
      {rows.map((row) => <GridRow key={row.label} row={row} grid={grid} />)}
      <GridRow row={grid.all} grid={grid} />
      <Text dimColor wrap="truncate-end">
        {'│ ρ = 1 · ! against linear stability ' +
          '(ρ ≤ 1 left, ρ > 1 stayed)' +
          (grid.withoutRatio > 0
            ? ` · ${grid.withoutRatio} without a ratio`
            : '')}
      </Text>
    </Box>
  );
}

/**
 * The ratio of each column; a column that merges several ratios shows
 * its lowest above its highest (`0.9` over `–0.99`).
 */
function HeaderRow({ grid }: { grid: PhaseGrid }) {
  const ranged = grid.columns.some((column) => column.upper !== null);
  const line = (first: boolean) => (
    <Text wrap="truncate-end">
      <Text bold>{fit(first ? 'ρ' : '', LABEL)}</Text>
      {grid.columns.map((column, i) => (
        <Text key={i}>
          {i === grid.split ? '│' : ''}
          <Text bold={column.unstable}>
            {pad(first ? column.label : column.upper ?? '')}
          </Text>
        </Text>
      ))}
      {grid.split === grid.columns.length ? '│' : ''}
    </Text>
  );

  return ranged
    ? <Box flexDirection="column">{line(true)}{line(false)}</Box>
    : line(true);
}

function GridRow({ row, grid }: { row: PhaseRow; grid: PhaseGrid }) {
  const separator = (i: number) => (i === grid.split ? '│' : '');
  const tail = grid.split === grid.columns.length ? '│' : '';

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{fit(row.label, LABEL)}</Text>
        {row.cells.map((c, i) => (
          <Text key={i}>
            {separator(i)}
            <Cell cell={c} />
          </Text>
        ))}
        {tail}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {' '.repeat(LABEL)}
        {row.cells.map((c, i) =>
          separator(i) + pad(countText(c))).join('')}
        {tail}
      </Text>
    </Box>
  );
}

function Cell({ cell }: { cell: PhaseCell }) {
  if (cell.fraction === null) {
    return <Text dimColor>{pad(cell.failed > 0 ? 'fail' : '·')}</Text>;
  }

  const percent = `${Math.round(cell.fraction * 100)}%`;
  const text = pad(percent, cell.disagrees ? '!' : ' ');
  if (cell.disagrees) {
    return <Text backgroundColor="yellow" color="black" bold>{text}</Text>;
  }

  return (
    <Text backgroundColor={shade(cell.fraction)} color="white">{text}</Text>
  );
}

/** Right-aligned in the cell, one character kept for the ! marker. */
function pad(text: string, marker = ' '): string {
  return fit(text, CELL - 1, true) + marker;
}

function countText(cell: PhaseCell): string {
  const n = cell.left + cell.stayed + cell.unconverged;

  return n === 0 && cell.failed === 0 ? '' : `n=${compactCount(n)}`;
}

/** Blue (all stayed) through purple to red (all left). */
function shade(fraction: number): string {
  const palette = ['#1f3f7a', '#3f4f9a', '#6f4f9f', '#a0407f', '#c0302f'];

  return palette[Math.round(fraction * (palette.length - 1))];
}
