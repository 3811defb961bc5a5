/**
 * A validated sweep as a plan: its trial count, a stream of trials with
 * their keys, a few samples and a cost estimate. Nothing here holds more
 * than one trial at a time.
 */
import type { TrialSpec } from '../escape/spec.js';
import type { Axis } from './axes.js';
import {
  buildSpec,
  iterateValues,
  trialAxes,
  valuesAt,
  type TrialAxes,
} from './expand.js';
import { trialKey } from './keys.js';
import type { SweepDefinition } from './schema.js';

export interface PlannedTrial {
  /** Position in the plan's fixed order, from 0. */
  index: number;
  /** `trialKey(spec)`. */
  key: string;
  spec: TrialSpec;
}

export interface PlanEstimate {
  trials: number;
  /** Upper bound: every trial runs its `maxSteps`. */
  gdSteps: number;
  /** Matrix-product flops of those steps (forward and backward). */
  flops: number;
}

export interface SweepPlan {
  name: string;
  file: string;
  description?: string;
  /** The normalised sweep document (JSON-safe), stored in the DB. */
  definition: unknown;
  count: number;
  /** Every trial, streamed in the plan's fixed order. */
  trials(): Generator<PlannedTrial>;
  /** `n` trials spread over the plan: first, last, evenly between. */
  sample(n: number): PlannedTrial[];
  estimate(): PlanEstimate;
}

export function createPlan(
  definition: SweepDefinition,
  file: string,
): SweepPlan {
  const axes = trialAxes(definition);
  const count = countOf(axes);

  const planned = (index: number, spec: TrialSpec): PlannedTrial => ({
    index,
    key: trialKey(spec),
    spec,
  });

  return {
    name: definition.name,
    file,
    ...(definition.description !== undefined
      ? { description: definition.description }
      : {}),
    definition,
    count,

    *trials() {
      let index = 0;
      for (const values of iterateValues(axes, count)) {
        yield planned(index, buildSpec(definition, values));
        index += 1;
      }
    },

    sample(n) {
      return sampleIndices(count, n).map((index) =>
        planned(index, buildSpec(definition, valuesAt(axes, index))),
      );
    },

    estimate: () => estimate(axes, count),
  };
}

function countOf(axes: TrialAxes): number {
  return Object.values(axes).reduce(
    (product: number, axis: Axis<unknown>) => product * axis.length,
    1,
  );
}

/** `n` distinct indices from 0 to count − 1, evenly spaced, in order. */
export function sampleIndices(count: number, n: number): number[] {
  const wanted = Math.min(Math.floor(n), count);
  if (!(wanted > 0)) return [];
  if (wanted === 1) return [0];

  const indices: number[] = [];
  for (let k = 0; k < wanted; k++) {
    const index = Math.round((k * (count - 1)) / (wanted - 1));
    if (indices[indices.length - 1] !== index) indices.push(index);
  }

  return indices;
}

/**
 * LIMITATION: only gradient-descent matrix products are counted, not the
 * sharpness eigen-solves at the start and end of each trial nor the
 * per-sample sharpness of `trajectory.sharpness: true`; plans with few
 * steps or sharpness trajectories cost more than the estimate says.
 *
 * The axes are independent, so sums over the product factor: the mean
 * over trials of (maxSteps × flops per step) is the product of the means
 * over the maxSteps and shape axes.
 */
function estimate(axes: TrialAxes, count: number): PlanEstimate {
  const meanSteps = mean(axes.maxSteps, (steps) => steps);
  const meanStepFlops = mean(axes.shape, stepFlops);

  return {
    trials: count,
    gdSteps: Math.round(count * meanSteps),
    flops: count * meanSteps * meanStepFlops,
  };
}

function mean<T>(axis: Axis<T>, measure: (value: T) => number): number {
  let total = 0;
  for (let index = 0; index < axis.length; index++) {
    total += measure(axis.at(index));
  }

  return total / axis.length;
}

/**
 * Flops of one GD step on the chain `dims` (DESIGN.md §1, gradient
 * `−2 A_iᵀ (M − P) B_iᵀ`), counting 2·m·n·k for an m×n by n×k
 * product:
 * prefix products B_i, suffix products A_i, then A_iᵀR and (A_iᵀR)B_iᵀ
 * for every factor. Elementwise work is lower order and left out.
 */
export function stepFlops(dims: readonly number[]): number {
  const d0 = dims[0];
  const dL = dims[dims.length - 1];
  let flops = 0;

  for (let i = 1; i < dims.length; i++) {
    const rows = dims[i];
    const cols = dims[i - 1];
    flops += 2 * rows * cols * d0; // B_{i+1} = W_i B_i
    flops += 2 * dL * rows * cols; // A_{i-1} = A_i W_i
    flops += 2 * rows * dL * d0; // A_iᵀ R
    flops += 2 * rows * d0 * cols; // (A_iᵀ R) B_iᵀ
  }

  return flops;
}
