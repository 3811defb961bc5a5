/**
 * The reduced reproduction for the test suite: the same sweep files cut
 * down to the first and last value of every grid axis (or the values
 * below), one seed and a small step budget, under a new name. One source
 * of truth for the sweeps, a run of seconds instead of minutes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse, stringify } from 'yaml';

/** The step budget of a reduced trial. */
const REDUCED_MAX_STEPS = 5000;

/**
 * Axes chosen so that the reduced run still has every outcome the
 * figures need: a ratio below 1 that stays, one above 1 whose escapes
 * reconverge within the reduced budget (measured on the full sweeps:
 * spread 1.5 at ρ = 1.05 reconverges in about 3300 steps).
 */
const REDUCED_AXES: Record<string, Record<string, unknown>> = {
  'paper-scalar': {
    minimizer: [{ family: 'imbalanced', spread: 1.5 }],
    stepRatio: [0.95, 1.05],
  },
  'paper-matrix': {
    depth: [2, 3],
    width: [3],
    minimizer: [
      { family: 'imbalanced', spread: 1.0 },
      { family: 'random', scale: 1 },
    ],
    stepRatio: [0.9, 1.2],
  },
};

export function reducedName(name: string): string {
  return `${name}-reduced`;
}

/** Writes the reduced copy of `file` into `dir`; returns its path. */
export function writeReducedSweep(file: string, dir: string): string {
  const sweep = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const grid = { ...(sweep.grid as Record<string, unknown>) };

  for (const [axis, values] of Object.entries(grid)) {
    grid[axis] = firstAndLast(values);
  }
  Object.assign(grid, REDUCED_AXES[String(sweep.name)] ?? {});
  grid.maxSteps = [REDUCED_MAX_STEPS];

  const reduced = {
    ...sweep,
    name: reducedName(String(sweep.name)),
    description: `Reduced copy of ${sweep.name} for the test suite.`,
    seeds: [firstSeed(sweep.seeds)],
    grid,
  };
  const out = join(dir, `${reduced.name}.yaml`);
  writeFileSync(out, stringify(reduced));

  return out;
}

function firstAndLast(values: unknown): unknown {
  if (Array.isArray(values)) {
    return values.length <= 2 ? values : [values[0], values.at(-1)];
  }
  if (isRange(values)) return { ...values, count: Math.min(values.count, 2) };

  return values;
}

function isRange(value: unknown): value is { count: number } {
  return typeof value === 'object' && value !== null &&
    typeof (value as { count?: unknown }).count === 'number';
}

function firstSeed(seeds: unknown): number {
  if (Array.isArray(seeds) && typeof seeds[0] === 'number') return seeds[0];
  if (typeof seeds === 'object' && seeds !== null) {
    const from = (seeds as { from?: unknown }).from;
    if (typeof from === 'number') return from;
  }

  return 0;
}
