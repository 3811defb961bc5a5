/**
 * Whole-sweep validation: the field tables of `schema.ts`, then the rules
 * that relate fields (one step style, one shape style, targets that fit
 * every shape, a countable product).
 */
import { countTrials } from './expand.js';
import { isMapping, type Issues, type Path } from './issues.js';
import {
  GRID_FIELDS,
  sweepFieldsCheck,
  type GridDefinition,
  type SweepDefinition,
} from './schema.js';
import type { AxisDef } from './axes.js';
import { closest } from './suggest.js';

interface ExclusiveRule {
  one: readonly string[];
  other: readonly string[];
  expected: string;
  bothHint: string;
  neitherHint: string;
}

/** Pairs of grid key groups: exactly one group must be given. */
const EXCLUSIVE: readonly ExclusiveRule[] = [
  {
    one: ['stepRatio'],
    other: ['stepSize'],
    expected: 'one step axis: `stepRatio` (ρ = ηλ/2) or `stepSize` (η)',
    bothHint:
      'keep one: stepRatio sets η = 2ρ/λ_max per minimum, stepSize fixes η',
    neitherHint: 'add e.g. stepRatio: [0.5, 0.9, 1.2]',
  },
  {
    one: ['dims'],
    other: ['depth', 'width', 'inputDim', 'outputDim'],
    expected: 'one shape style: `dims`, or `depth` + `width`',
    bothHint:
      'use either dims: [[1, 4, 4, 1]] or depth/width/inputDim/outputDim',
    neitherHint: 'add e.g. depth: [2, 4] and width: [4]',
  },
];

/** Keys that only make sense together (inputDim alone has no depth). */
const TOGETHER: readonly (readonly string[])[] = [['depth', 'width']];

/** Returns the definition, or undefined after recording issues. */
export function validateSweep(
  raw: unknown,
  issues: Issues,
): SweepDefinition | undefined {
  const grid = isMapping(raw) && isMapping(raw.grid) ? raw.grid : undefined;
  if (grid !== undefined) presenceRules(grid, issues);

  const definition = sweepFieldsCheck(raw, [], issues);
  if (definition === undefined || !issues.empty) return undefined;

  targetRankRule(definition.grid, grid, issues);
  countRule(definition, issues);

  return issues.empty ? definition : undefined;
}

function presenceRules(grid: Record<string, unknown>, issues: Issues) {
  const has = (key: string) => Object.hasOwn(grid, key);

  for (const rule of EXCLUSIVE) {
    const one = rule.one.filter(has);
    const other = rule.other.filter(has);

    if (one.length > 0 && other.length > 0) {
      issues.add({
        path: ['grid', other[0]],
        expected: rule.expected,
        found: `both \`${one[0]}\` and \`${other[0]}\``,
        hint: rule.bothHint,
        atKey: true,
      });
    } else if (
      one.length === 0 &&
      other.length === 0 &&
      !misspelled(grid, [...rule.one, ...rule.other])
    ) {
      issues.add({
        path: ['grid'],
        expected: rule.expected,
        found: 'neither',
        hint: rule.neitherHint,
      });
    }
  }

  if (has('dims')) return;

  for (const group of TOGETHER) {
    const given = group.filter(has);
    if (given.length === 0 || given.length === group.length) continue;
    if (!['depth', 'width', 'inputDim', 'outputDim'].some(has)) continue;

    const absent = group.filter((key) => !has(key));
    issues.add({
      path: ['grid'],
      expected: `\`${absent[0]}\` alongside \`${given[0]}\``,
      found: `no \`${absent[0]}\``,
      hint: `add \`${absent[0]}:\` (or use dims: [[d_0, …, d_L]])`,
    });
  }

  const partial = ['inputDim', 'outputDim'].filter(has);
  if (partial.length > 0 && !has('depth') && !has('width')) {
    issues.add({
      path: ['grid', partial[0]],
      expected: '`depth` and `width` alongside it',
      found: 'neither',
      hint: 'add depth: and width:, or use dims: [[d_0, …, d_L]]',
      atKey: true,
    });
  }
}

/** A typo of one of `keys` is already reported as an unknown key. */
function misspelled(
  grid: Record<string, unknown>,
  keys: readonly string[],
): boolean {
  return Object.keys(grid).some((key) => {
    if (Object.hasOwn(GRID_FIELDS, key)) return false;
    const guess = closest(key, Object.keys(GRID_FIELDS));

    return guess !== undefined && keys.includes(guess);
  });
}

/**
 * `U diag(values) Vᵀ` is `d_L × d_0`: it has at most `min(d_0, d_L)`
 * nonzero singular values, for every shape of the grid.
 *
 * LIMITATION: targets cannot be tied to shapes, so one singular target
 * too large for the smallest shape rejects the whole sweep; users split
 * such a sweep into one file per shape group.
 */
function targetRankRule(
  grid: GridDefinition,
  rawGrid: Record<string, unknown> | undefined,
  issues: Issues,
): void {
  const rank = smallestRank(grid);
  const listed = Array.isArray(rawGrid?.target);

  grid.target.forEach((target, index) => {
    if (target.kind !== 'singular') return;

    const used = lastNonzero(target.values) + 1;
    if (used <= rank) return;

    const at: Path = listed
      ? ['grid', 'target', index, 'values']
      : ['grid', 'target', 'values'];
    issues.add({
      path: at,
      expected: `at most ${rank} nonzero singular values (min(d_0, d_L))`,
      found: `${used}`,
      hint: 'drop values or use larger input/output dimensions',
    });
  });
}

function lastNonzero(values: readonly number[]): number {
  for (let index = values.length - 1; index >= 0; index--) {
    if (values[index] !== 0) return index;
  }

  return -1;
}

function smallestRank(grid: GridDefinition): number {
  if (grid.dims !== undefined) {
    return grid.dims.reduce(
      (low, dims) => Math.min(low, dims[0], dims[dims.length - 1]),
      Infinity,
    );
  }

  const width = grid.width ?? [1];

  return Math.min(
    smallest(grid.inputDim ?? width),
    smallest(grid.outputDim ?? width),
  );
}

function smallest(axis: AxisDef<number>): number {
  if (!Array.isArray(axis)) return Math.min(axis.from, axis.to);

  return axis.reduce((low, value) => Math.min(low, value), Infinity);
}

function countRule(definition: SweepDefinition, issues: Issues): void {
  const count = countTrials(definition);
  if (Number.isSafeInteger(count)) return;

  issues.add({
    path: ['grid'],
    expected: 'at most 2^53 trials',
    found: `about ${count.toExponential(2)} trials`,
    hint: 'shrink the axes; split the sweep into several files',
  });
}
