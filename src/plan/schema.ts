/**
 * The sweep file schema, as one table per mapping. Each entry names the
 * rule for its values, its default, and how to fix a bad value; the
 * validated result is the normalised sweep definition stored with the
 * sweep.
 */
import type {
  DirectionKind,
  MinimizerSpec,
  TargetSpec,
} from '../escape/spec.js';
import {
  listAxisCheck,
  numberAxisCheck,
  seedsCheck,
  type AxisDef,
  type SeedRangeDef,
} from './axes.js';
import {
  booleanCheck,
  enumCheck,
  numberCheck,
  stringCheck,
  type Check,
} from './check.js';
import { dimsAxisCheck } from './dims.js';
import {
  optional,
  recordCheck,
  required,
  withDefault,
} from './record.js';
import { minimizerCheck, targetCheck } from './spec-checks.js';

export interface GridDefinition {
  dims?: number[][];
  depth?: AxisDef<number>;
  width?: AxisDef<number>;
  /** Absent: `d_0` equals the trial's width. */
  inputDim?: AxisDef<number>;
  /** Absent: `d_L` equals the trial's width. */
  outputDim?: AxisDef<number>;
  target: TargetSpec[];
  minimizer: MinimizerSpec[];
  radius: AxisDef<number>;
  direction: DirectionKind[];
  stepRatio?: AxisDef<number>;
  stepSize?: AxisDef<number>;
  maxSteps: AxisDef<number>;
  escapeDistance: AxisDef<number>;
}

/** The normalised sweep document: defaults filled, JSON-safe. */
export interface SweepDefinition {
  name: string;
  description?: string;
  seeds: number[] | SeedRangeDef;
  grid: GridDefinition;
  gd: { convergedLoss: number; earlyStop: boolean };
  trajectory: { samples: number; sharpness: boolean };
}

const DIRECTIONS = ['top', 'random', 'flattest'] as const;

const integerAxis = (min: number, what: string, hint: string) =>
  numberAxisCheck({ integer: true, min, hint }, what);

const positiveAxis = (what: string, hint: string) =>
  numberAxisCheck({ above: 0, hint }, what);

export const GRID_FIELDS = {
  depth: optional(
    integerAxis(2, 'depth', 'depth L counts the factors; use 2 or more'),
  ),
  width: optional(
    integerAxis(1, 'width', 'widths are whole numbers ≥ 1'),
  ),
  inputDim: optional(
    integerAxis(1, 'input dimension', 'd_0 is a whole number ≥ 1'),
  ),
  outputDim: optional(
    integerAxis(1, 'output dimension', 'd_L is a whole number ≥ 1'),
  ),
  dims: optional(dimsAxisCheck),
  target: withDefault(listAxisCheck(targetCheck, 'target'), [
    { kind: 'gaussian', scale: 1 } as TargetSpec,
  ]),
  minimizer: withDefault(listAxisCheck(minimizerCheck, 'minimizer'), [
    { family: 'balanced' } as MinimizerSpec,
  ]),
  radius: withDefault(
    numberAxisCheck(
      { min: 0, hint: 'the perturbation radius r is ≥ 0, e.g. 1e-9' },
      'radius',
    ),
    [1e-9] as AxisDef<number>,
  ),
  direction: withDefault(
    listAxisCheck(enumCheck(DIRECTIONS), 'direction'),
    ['top'] as DirectionKind[],
  ),
  stepRatio: optional(
    positiveAxis('step ratio', 'ρ = ηλ/2 is > 0; ρ > 1 predicts escape'),
  ),
  stepSize: optional(positiveAxis('step size', 'the step size η is > 0')),
  maxSteps: withDefault(
    integerAxis(1, 'step limit', 'maxSteps is a whole number ≥ 1'),
    [20000] as AxisDef<number>,
  ),
  escapeDistance: withDefault(
    positiveAxis('escape distance', 'the escape distance δ is > 0'),
    [1e-3] as AxisDef<number>,
  ),
};

const GD_FIELDS = {
  convergedLoss: withDefault(
    numberCheck({ above: 0, hint: 'use a small positive loss, e.g. 1e-20' }),
    1e-20,
  ),
  earlyStop: withDefault(booleanCheck(), true),
};

const TRAJECTORY_FIELDS = {
  samples: withDefault(
    numberCheck({
      integer: true,
      min: 0,
      max: 10000,
      hint: 'keep 0 (none) to 10000 samples per trial',
    }),
    64,
  ),
  sharpness: withDefault(booleanCheck(), false),
};

const under = (section: string) => `under \`${section}:\``;

/** Keys users put one level off, and where they belong. */
const MISPLACED: Record<string, string> = {
  ...Object.fromEntries(Object.keys(GRID_FIELDS).map((k) => [k, 'grid'])),
  ...Object.fromEntries(Object.keys(GD_FIELDS).map((k) => [k, 'gd'])),
  samples: 'trajectory',
};

function elsewhere(exclude: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, section] of Object.entries(MISPLACED)) {
    if (section !== exclude) out[key] = under(section);
  }

  return out;
}

const gridCheck = recordCheck(GRID_FIELDS, {
  what: 'the grid',
  elsewhere: { ...elsewhere('grid'), seeds: 'to the top level' },
});

export const SWEEP_FIELDS = {
  name: required(
    stringCheck({
      pattern: /^[A-Za-z0-9._-]+$/,
      maxLength: 100,
      expected: 'a name of letters, digits, `.`, `_` or `-`',
      hint: 'e.g. name: depth-vs-ratio (no spaces; unique per database)',
    }),
    'add `name:`, e.g. name: my-sweep (unique per database)',
  ),
  description: optional(
    stringCheck({ expected: 'text', hint: 'write any one-line text' }),
  ),
  seeds: withDefault(seedsCheck, [0] as number[] | SeedRangeDef),
  grid: required(
    gridCheck,
    'add `grid:` with the axes (see "Sweep files" in the README)',
  ),
  gd: withDefault(
    recordCheck(GD_FIELDS, { what: 'gd', elsewhere: elsewhere('gd') }),
    { convergedLoss: 1e-20, earlyStop: true },
  ),
  trajectory: withDefault(
    recordCheck(TRAJECTORY_FIELDS, {
      what: 'trajectory',
      elsewhere: elsewhere('trajectory'),
    }),
    { samples: 64, sharpness: false },
  ),
};

/** Field-level rules only; `validateSweep` adds the cross-field ones. */
export const sweepFieldsCheck: Check<SweepDefinition> = recordCheck(
  SWEEP_FIELDS,
  { what: 'the sweep', elsewhere: elsewhere('') },
);
