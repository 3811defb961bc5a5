/**
 * Streaming expansion of a sweep definition into trials.
 *
 * The trials are the cartesian product of the axes below, outermost
 * first; the last axis varies fastest:
 *
 *   seed, shape, target, minimizer, radius, direction, maxSteps,
 *   escapeDistance, step (stepRatio or stepSize)
 *
 * where shape is `dims` in file order, or depth × width × inputDim ×
 * outputDim (depth outermost). Seeds outermost means a sweep stopped
 * early has covered the whole grid for its first seeds.
 *
 * Trial `index` is a mixed-radix number over these axes: iteration
 * increments the digits, random access decodes them, and nothing is
 * ever stored per trial.
 */
import type {
  DirectionKind,
  MinimizerSpec,
  StepSpec,
  TargetSpec,
  TrialSpec,
} from '../escape/spec.js';
import {
  listAxis,
  numberAxis,
  seedAxis,
  type Axis,
  type AxisDef,
} from './axes.js';
import type { GridDefinition, SweepDefinition } from './schema.js';

/** The axes of a definition, in iteration order. */
export interface TrialAxes {
  seed: Axis<number>;
  shape: Axis<readonly number[]>;
  target: Axis<TargetSpec>;
  minimizer: Axis<MinimizerSpec>;
  radius: Axis<number>;
  direction: Axis<DirectionKind>;
  maxSteps: Axis<number>;
  escapeDistance: Axis<number>;
  step: Axis<StepSpec>;
}

export const AXIS_ORDER = [
  'seed',
  'shape',
  'target',
  'minimizer',
  'radius',
  'direction',
  'maxSteps',
  'escapeDistance',
  'step',
] as const;

export function trialAxes(definition: SweepDefinition): TrialAxes {
  const grid = definition.grid;

  return {
    seed: seedAxis(definition.seeds),
    shape: shapeAxis(grid),
    target: listAxis(grid.target.map(deepFreeze)),
    minimizer: listAxis(grid.minimizer.map(deepFreeze)),
    radius: numberAxis(grid.radius),
    direction: listAxis(grid.direction),
    maxSteps: numberAxis(grid.maxSteps),
    escapeDistance: numberAxis(grid.escapeDistance),
    step: stepAxis(grid),
  };
}

/** The product of the axis lengths (may exceed 2^53: checked later). */
export function countTrials(definition: SweepDefinition): number {
  const axes = trialAxes(definition);

  return AXIS_ORDER.reduce((product, name) => product * axes[name].length, 1);
}

function stepAxis(grid: GridDefinition): Axis<StepSpec> {
  const ratio = grid.stepRatio !== undefined;
  const def = (grid.stepRatio ?? grid.stepSize) as AxisDef<number>;
  const values = numberAxis(def);

  return {
    length: values.length,
    at: (index) =>
      Object.freeze(
        ratio ? { ratio: values.at(index) } : { size: values.at(index) },
      ),
  };
}

/**
 * `dims` as listed, or the product depth × width × inputDim × outputDim
 * decoded on demand; absent input/output dimensions follow the width.
 */
export function shapeAxis(grid: GridDefinition): Axis<readonly number[]> {
  if (grid.dims !== undefined) return listAxis(grid.dims.map(deepFreeze));

  const depth = numberAxis(grid.depth ?? [2]);
  const width = numberAxis(grid.width ?? [1]);
  const input = grid.inputDim ? numberAxis(grid.inputDim) : undefined;
  const output = grid.outputDim ? numberAxis(grid.outputDim) : undefined;
  const inputLength = input?.length ?? 1;
  const outputLength = output?.length ?? 1;

  return {
    length: depth.length * width.length * inputLength * outputLength,
    at(index) {
      const o = index % outputLength;
      let rest = (index - o) / outputLength;
      const i = rest % inputLength;
      rest = (rest - i) / inputLength;
      const w = rest % width.length;
      const d = (rest - w) / width.length;

      const hidden = width.at(w);
      const dims = new Array<number>(depth.at(d) + 1).fill(hidden);
      dims[0] = input?.at(i) ?? hidden;
      dims[dims.length - 1] = output?.at(o) ?? hidden;

      return Object.freeze(dims);
    },
  };
}

/**
 * Axis values are shared by many trials: frozen, so a consumer that
 * edits one trial's spec cannot silently change the others.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }

  return value;
}

/** Builds one trial's spec from the current value of every axis. */
export function buildSpec(
  definition: SweepDefinition,
  values: TrialValues,
): TrialSpec {
  return {
    dims: values.shape as number[],
    target: values.target,
    minimizer: values.minimizer,
    radius: values.radius,
    direction: values.direction,
    step: values.step,
    gd: {
      maxSteps: values.maxSteps,
      escapeDistance: values.escapeDistance,
      convergedLoss: definition.gd.convergedLoss,
      earlyStop: definition.gd.earlyStop,
    },
    seed: values.seed,
    trajectorySamples: definition.trajectory.samples,
    trajectorySharpness: definition.trajectory.sharpness,
  };
}

export type TrialValues = {
  [K in keyof TrialAxes]: TrialAxes[K] extends Axis<infer T> ? T : never;
};

/** The axis values of trial `index`, by mixed-radix decoding. */
export function valuesAt(axes: TrialAxes, index: number): TrialValues {
  const values: Partial<Record<keyof TrialAxes, unknown>> = {};
  let rest = index;

  for (let digit = AXIS_ORDER.length - 1; digit >= 0; digit--) {
    const name = AXIS_ORDER[digit];
    const length = axes[name].length;
    const position = rest % length;
    values[name] = axes[name].at(position);
    rest = (rest - position) / length;
  }

  return values as TrialValues;
}

/**
 * Every trial's axis values in order. One counter per axis; an axis is
 * read again only when its counter moves, so the inner loop is cheap.
 */
export function* iterateValues(
  axes: TrialAxes,
  count: number,
): Generator<TrialValues> {
  const counters = AXIS_ORDER.map(() => 0);
  const current = valuesAt(axes, 0) as Record<keyof TrialAxes, unknown>;

  for (let index = 0; index < count; index++) {
    yield { ...current } as TrialValues;

    for (let digit = AXIS_ORDER.length - 1; digit >= 0; digit--) {
      const name = AXIS_ORDER[digit];
      counters[digit] += 1;

      if (counters[digit] < axes[name].length) {
        current[name] = axes[name].at(counters[digit]);
        break;
      }

      counters[digit] = 0;
      current[name] = axes[name].at(0);
    }
  }
}
