/**
 * Which step-ratio columns a phase map shows. Linear stability splits the
 * axis at ρ = 1 (stable iff ρ ≤ 1), so every column lies on one side of it:
 * a column never mixes trials predicted to stay with ones predicted to
 * leave, and a disagreement is always visible as such.
 */
import type { RatioColumns, RatioExtremes } from './types.js';

/**
 * Up to this many distinct ratios are merged into groups of neighbours
 * when they do not fit one per column; beyond it, equal-width bins.
 */
export const GROUP_LIMIT = 64;

/**
 * The distinct ratios when at most `maxColumns` exist; else, when there
 * are at most GROUP_LIMIT, runs of neighbouring ratios merged into
 * `maxColumns` groups; else equal-width bins on each side of 1, shared by
 * span. `distinct` holds the smallest distinct ratios, GROUP_LIMIT + 1 of
 * them when there are more (one more than are ever grouped).
 */
export function chooseColumns(
  distinct: number[],
  maxColumns: number,
  extremes: () => RatioExtremes,
): RatioColumns {
  const limit = Math.max(2, maxColumns);
  if (distinct.length <= limit) {
    const stable = distinct.filter((value) => value <= 1).length;
    return { kind: 'distinct', values: distinct, split: stable };
  }
  if (distinct.length <= GROUP_LIMIT) {
    return groupColumns(distinct, limit);
  }

  const { min, max, highestStable, lowestUnstable } = extremes();
  const below = highestStable === null ? null : [min, highestStable];
  const above = lowestUnstable === null ? null : [lowestUnstable, max];
  const spanBelow = below === null ? 0 : below[1] - below[0];
  const spanAbove = above === null ? 0 : above[1] - above[0];

  let nBelow = 0;
  if (below !== null && above === null) {
    nBelow = limit;
  } else if (below !== null) {
    const share = spanBelow / (spanBelow + spanAbove || 1);
    nBelow = Math.min(limit - 1, Math.max(1, Math.round(limit * share)));
  }
  const nAbove = above === null ? 0 : limit - nBelow;

  const bins = [
    ...split(below, nBelow),
    ...split(above, nAbove),
  ];
  return { kind: 'binned', bins, split: nBelow };
}

/**
 * `limit` columns of neighbouring ratios, none across ρ = 1: each side
 * gets columns in proportion to its number of ratios (at least one), and
 * its ratios are dealt into runs whose sizes differ by one at most.
 */
function groupColumns(sorted: number[], limit: number): RatioColumns {
  const below = sorted.filter((value) => value <= 1);
  const above = sorted.filter((value) => value > 1);

  let nBelow = 0;
  if (below.length > 0 && above.length === 0) {
    nBelow = limit;
  } else if (below.length > 0) {
    const share = below.length / sorted.length;
    nBelow = Math.min(limit - 1, below.length,
      Math.max(1, Math.round(limit * share)));
  }
  const nAbove = Math.min(above.length, limit - nBelow);
  // A side with fewer ratios than its share hands the rest back.
  nBelow = Math.min(below.length, limit - nAbove);

  const groups = [...deal(below, nBelow), ...deal(above, nAbove)];
  return { kind: 'grouped', groups, split: nBelow };
}

/** `values` in `n` consecutive runs, the longer runs first. */
function deal(values: number[], n: number): number[][] {
  const runs: number[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(values.length / n) +
      (i < values.length % n ? 1 : 0);
    runs.push(values.slice(start, start + size));
    start += size;
  }

  return runs;
}

/** Parameters of the SQL bucket expression for binned columns. */
export interface BinParams {
  [name: string]: number;
  nb: number;
  na: number;
  blo: number;
  bw: number;
  alo: number;
  aw: number;
}

export function binParams(
  columns: Extract<RatioColumns, { kind: 'binned' }>,
): BinParams {
  const nb = columns.split;
  const na = columns.bins.length - nb;
  const first = columns.bins[0];
  const firstAbove = columns.bins[nb];

  return {
    nb,
    na,
    blo: nb > 0 ? first[0] : 0,
    // A zero width (one value on that side) would make SQL divide by 0.
    bw: nb > 0 ? first[1] - first[0] || 1 : 1,
    alo: na > 0 ? firstAbove[0] : 0,
    aw: na > 0 ? firstAbove[1] - firstAbove[0] || 1 : 1,
  };
}

/**
 * Maps what the bucket expression returned (the ratio itself for
 * distinct columns, an index for bins) to a column index.
 */
export function columnOf(
  columns: RatioColumns,
): (bucket: number | null) => number | null {
  if (columns.kind === 'binned') {
    const n = columns.bins.length;
    return (bucket) =>
      bucket === null || bucket < 0 || bucket >= n ? null : bucket;
  }

  const index = columns.kind === 'distinct'
    ? new Map(columns.values.map((value, i) => [value, i]))
    : new Map(columns.groups.flatMap((group, i) =>
      group.map((value) => [value, i] as const)));
  return (bucket) => (bucket === null ? null : index.get(bucket) ?? null);
}

/** `n` equal bins covering `range`. */
function split(
  range: number[] | null,
  n: number,
): Array<[number, number]> {
  if (range === null || n === 0) return [];

  const [lo, hi] = range;
  const width = (hi - lo) / n;
  return Array.from({ length: n }, (_, i) => [
    lo + i * width,
    i === n - 1 ? hi : lo + (i + 1) * width,
  ]);
}
