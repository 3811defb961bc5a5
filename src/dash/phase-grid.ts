/**
 * The phase map as a grid: per (axis value, step-ratio column), the
 * fraction of trials that left the minimum and whether that contradicts
 * linear stability (leave iff ρ > 1).
 */
import { formatRatio } from './format.js';
import type { PhaseData, RatioColumns } from './types.js';

export interface PhaseCell {
  /**
   * Left the minimum, as the run summary counts it: passed δ (an escape
   * step is stored) whatever the outcome, or escaped, or diverged.
   */
  left: number;
  /** Did not fail and did not leave, by outcome. */
  stayed: number;
  unconverged: number;
  failed: number;
  /** `left / (trials that did not fail)`; null when none. */
  fraction: number | null;
  /** ρ ≤ 1 but some left, or ρ > 1 but some stayed. */
  disagrees: boolean;
}

export interface PhaseColumn {
  /** The ratio, or the lowest ratio of a column that covers a range… */
  label: string;
  /** …and then the highest, as `–hi` (null: one ratio). */
  upper: string | null;
  /** Linear stability predicts leaving (ρ > 1). */
  unstable: boolean;
}

export interface PhaseRow {
  label: string;
  cells: PhaseCell[];
}

export interface PhaseGrid {
  columns: PhaseColumn[];
  /** Index of the first ρ > 1 column: where the line ρ = 1 is drawn. */
  split: number;
  rows: PhaseRow[];
  /** Every axis value together. */
  all: PhaseRow;
  /** Trials stored without a step ratio (most are failures). */
  withoutRatio: number;
}

export function buildPhaseGrid(data: PhaseData): PhaseGrid {
  const columns = columnHeaders(data.columns);
  const byValue = new Map<string, { sort: string | number; row: PhaseRow }>();
  const all: PhaseRow = { label: 'all', cells: columns.map(emptyCell) };
  let withoutRatio = 0;

  for (const count of data.counts) {
    if (count.column === null) {
      withoutRatio += count.count;
      continue;
    }

    const label = count.value === null ? '—' : String(count.value);
    let entry = byValue.get(label);
    if (entry === undefined) {
      entry = {
        sort: count.value ?? '\uffff',
        row: { label, cells: columns.map(emptyCell) },
      };
      byValue.set(label, entry);
    }

    for (const row of [entry.row, all]) {
      const target = row.cells[count.column];
      if (count.outcome === 'failed') {
        target.failed += count.count;
      } else if (count.left) {
        target.left += count.count;
      } else if (count.outcome === 'stayed') {
        target.stayed += count.count;
      } else {
        target.unconverged += count.count;
      }
    }
  }

  const rows = [...byValue.values()]
    .sort((a, b) => compare(a.sort, b.sort))
    .map((entry) => entry.row);
  for (const row of [...rows, all]) {
    row.cells.forEach((target, i) => settle(target, columns[i].unstable));
  }

  return { columns, split: data.columns.split, rows, all, withoutRatio };
}

function columnHeaders(columns: RatioColumns): PhaseColumn[] {
  if (columns.kind === 'distinct') {
    return columns.values.map((value, i) => ({
      label: formatRatio(value),
      upper: null,
      unstable: i >= columns.split,
    }));
  }

  // A column that covers several ratios says which: lowest and highest
  // (for a bin, its edges).
  const ranges = columns.kind === 'grouped'
    ? columns.groups.map((group) => [group[0], group[group.length - 1]])
    : columns.bins;
  return ranges.map(([lo, hi], i) => ({
    label: rangeEnd(lo, 6),
    upper: lo === hi ? null : `–${rangeEnd(hi, 5)}`,
    unstable: i >= columns.split,
  }));
}

/** A ratio in at most `chars` characters: 4 significant digits, or 3. */
function rangeEnd(value: number, chars: number): string {
  const full = formatRatio(value);
  return full.length <= chars ? full : String(Number(value.toPrecision(3)));
}

function settle(target: PhaseCell, unstable: boolean): void {
  const decided = target.left + target.stayed + target.unconverged;
  target.fraction = decided > 0 ? target.left / decided : null;
  target.disagrees = unstable ? target.stayed > 0 : target.left > 0;
}

function emptyCell(): PhaseCell {
  return {
    left: 0,
    stayed: 0,
    unconverged: 0,
    failed: 0,
    fraction: null,
    disagrees: false,
  };
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;

  return String(a).localeCompare(String(b));
}
