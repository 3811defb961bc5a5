/**
 * The escape map: the fraction of trials that left their minimum
 * (escaped or diverged), over the step ratio ρ and one split axis.
 * Linear stability predicts a sharp change at ρ = 1, marked by a rule.
 */
import type { TopLevelSpec } from 'vega-lite';

import type { PlotTrial } from '../data.js';
import { titles } from '../theme.js';
import type { FigureSize, PlotAxis } from '../types.js';
import {
  axisSort,
  axisTitle,
  axisValue,
  noData,
  singleView,
} from './common.js';

/** More distinct ratios than this (a random or dense grid) are binned. */
const MAX_RATIO_COLUMNS = 40;
const BINS = 24;

export interface EscapeCell {
  /** The stored ratio of the column (its centre), or a bin's middle. */
  ratio: number;
  lo: number;
  hi: number;
  group: string | number;
  total: number;
  left: number;
  fraction: number;
}

/**
 * Counts per (ratio column, axis value). Failed trials carry no outcome,
 * so they are left out of both the numerator and the denominator.
 * `unconverged` trials count as not escaped even when they left the
 * minimum: the map shows escapes that ended somewhere definite, and the
 * results tables list the unconverged ones beside it.
 */
export function escapeCells(
  trials: PlotTrial[],
  axis: PlotAxis,
): EscapeCell[] {
  const usable = trials.filter(
    (trial) => trial.outcome !== 'failed' && trial.stepRatio !== null,
  );
  const columns = ratioColumns(usable.map((trial) => trial.stepRatio!));

  const cells = new Map<string, EscapeCell>();
  for (const trial of usable) {
    const column = columns.find(
      (c) => trial.stepRatio! >= c.lo && trial.stepRatio! <= c.hi,
    )!;
    const group = axisValue(trial, axis);
    const id = `${column.lo}|${group}`;
    const cell = cells.get(id) ??
      { ratio: column.ratio, lo: column.lo, hi: column.hi, group,
        total: 0, left: 0, fraction: 0 };
    cell.total += 1;
    if (trial.outcome === 'escaped' || trial.outcome === 'diverged') {
      cell.left += 1;
    }
    cells.set(id, cell);
  }

  return [...cells.values()].map((cell) => ({
    ...cell,
    fraction: cell.left / cell.total,
  }));
}

interface Column {
  ratio: number;
  lo: number;
  hi: number;
}

/**
 * Column edges: halfway between neighbouring ratios of the grid, so every
 * stored ratio sits in the middle of its own cell.
 */
function ratioColumns(ratios: number[]): Column[] {
  const distinct = [...new Set(ratios)].sort((a, b) => a - b);
  if (distinct.length === 0) return [];

  if (distinct.length > MAX_RATIO_COLUMNS) {
    const min = distinct[0];
    const step = (distinct[distinct.length - 1] - min) / BINS;

    return Array.from({ length: BINS }, (_, i) => {
      const lo = min + i * step;
      const hi = i === BINS - 1 ? distinct[distinct.length - 1] : lo + step;
      return { ratio: (lo + hi) / 2, lo, hi };
    });
  }

  if (distinct.length === 1) {
    const half = 0.05 * distinct[0];
    return [{ ratio: distinct[0], lo: distinct[0] - half,
      hi: distinct[0] + half }];
  }

  return distinct.map((ratio, i) => {
    const before = i > 0 ? distinct[i - 1] : 2 * ratio - distinct[i + 1];
    const after = i < distinct.length - 1
      ? distinct[i + 1]
      : 2 * ratio - distinct[i - 1];
    return { ratio, lo: (before + ratio) / 2, hi: (ratio + after) / 2 };
  });
}

export function escapeMapSpec(
  sweep: string,
  trials: PlotTrial[],
  axis: PlotAxis,
  size: FigureSize,
  title: string | undefined,
): TopLevelSpec {
  const cells = escapeCells(trials, axis);
  if (cells.length === 0) {
    throw noData(
      sweep,
      'trials with a step ratio and an outcome',
      'Every trial failed or was run by step size without a sharpness; ' +
        'check `sharpsweep status` and the error column.',
    );
  }
  const order = axisSort(axis, cells.map((cell) => cell.group));

  return singleView(size, title, [
    {
      data: { values: cells },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: {
          field: 'lo', type: 'quantitative', title: titles.stepRatio,
          scale: { zero: false, nice: false },
        },
        x2: { field: 'hi' },
        y: { field: 'group', type: 'ordinal', title: axisTitle(axis),
          sort: order },
        color: {
          field: 'fraction', type: 'quantitative',
          title: titles.escapeFraction,
          scale: { domain: [0, 1], scheme: 'viridis' },
          legend: { format: '.0%', gradientLength: 120 },
        },
        // Also the accessible description of each cell in the SVG.
        tooltip: [
          { field: 'ratio', type: 'quantitative', title: 'ρ' },
          { field: 'group', title: axisTitle(axis) },
          { field: 'fraction', type: 'quantitative',
            title: titles.escapeFraction, format: '.3f' },
          { field: 'total', type: 'quantitative', title: 'trials' },
        ],
      },
    },
    // The linear-stability boundary: a dark dashed line on a light
    // underlay, visible over both ends of the colour scale.
    boundaryRule('white', 3.5, []),
    boundaryRule('#111111', 1.5, [6, 3]),
  ]);
}

function boundaryRule(color: string, width: number, dash: number[]) {
  return {
    data: { values: [{ rho: 1 }] },
    mark: { type: 'rule', color, strokeWidth: width, strokeDash: dash },
    encoding: { x: { field: 'rho', type: 'quantitative' } },
  };
}
