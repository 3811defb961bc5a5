/**
 * Which step-ratio columns a phase map shows. Linear stability splits the
 * axis at ρ = 1 (stable iff ρ ≤ 1), so every column lies on one side of it:
 * a column never mixes trials predicted to stay with ones predicted to
 * leave, and a disagreement is always visible as such.
 */
import type { RatioColumns, RatioExtremes } from './types.js';

/**
 * The distinct ratios when at most `maxColumns` exist (`distinct` holds
 * the smallest ones, one more than fits when there are too many), else
 * equal-width bins on each side of 1, shared by span.
 */
export function chooseColumns(
  distinct: number[],
  maxColumns: number,
  extremes: () => RatioExtremes,
): RatioColumns {
  const limit = Math.max(2, maxColumns);
  if (distinct.length <= limit) {
    const split = distinct.filter((value) => value <= 1).length;
    return { kind: 'distinct', values: distinct, split };
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

  const index = new Map(columns.values.map((value, i) => [value, i]));
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
