/**
 * The exact sharpness and the closed forms along a family of minimizers,
 * computed by the numeric core (not read from a database): the data of
 * the `sharpness` figure and of the reproduction's closed-form table.
 */
import type { MinimizerSpec, TargetSpec } from '../escape/spec.js';
import { buildMinimizer, buildTarget } from '../minima/index.js';
import { sharpnessReport } from '../sharpness/index.js';

/** Closed forms in the order the figures and tables list them. */
export const CLOSED_FORM_NAMES = [
  'spectralNormSum',
  'depth2',
  'scalarChain',
  'rankOne',
  'flatMinimum',
] as const;

export const CLOSED_FORM_LABELS: Record<string, string> = {
  spectralNormSum: 'spectral-norm sum (upper)',
  depth2: 'depth-2 form',
  scalarChain: 'scalar chain',
  rankOne: 'rank-one (lower)',
  flatMinimum: 'flat minimum (lower)',
};

export interface ClosedFormPoint {
  name: string;
  value: number;
  exact: boolean;
  /** `(value − exact) / exact`. */
  relativeError: number;
}

export interface SharpnessPoint {
  /** The family parameter (the imbalance spread for the figure). */
  parameter: number;
  /** Exact Hessian `λ_max` at the minimizer. */
  sharpness: number;
  forms: ClosedFormPoint[];
}

/** Exact sharpness and closed forms at one minimizer of one target. */
export function sharpnessAt(
  dims: number[],
  target: TargetSpec,
  minimizer: MinimizerSpec,
  seed: number,
  parameter = 0,
): SharpnessPoint {
  const m = buildTarget(target, dims, seed);
  const chain = buildMinimizer(minimizer, m, dims, seed);
  const report = sharpnessReport(chain, m);

  const forms = CLOSED_FORM_NAMES.flatMap((name) => {
    const form = report.closedForms[name];
    if (form === undefined) return [];

    return [{
      name,
      value: form.value,
      exact: form.exact,
      relativeError: (form.value - report.sharpness) / report.sharpness,
    }];
  });

  return { parameter, sharpness: report.sharpness, forms };
}

/** The one-parameter families the `sharpness` figure can walk along. */
export type SweepFamily = 'imbalanced' | 'random';

export interface FamilySweepOptions {
  /**
   * `imbalanced`: balanced factors rescaled by `exp(s t_i)`, s the
   * spread. `random`: Gaussian factors of scale σ with the last one
   * solved, one draw rescaled along σ, so the family is generic (not
   * aligned with the target's singular vectors) yet smooth.
   */
  family: SweepFamily;
  /** First and last parameter, ends included. */
  from: number;
  to: number;
  points: number;
  /** Seeds the Gaussian target and the random factors. */
  seed: number;
}

export const FAMILY_DEFAULTS: Record<SweepFamily, FamilySweepOptions> = {
  imbalanced: { family: 'imbalanced', from: 0, to: 2, points: 21, seed: 0 },
  random: { family: 'random', from: 0.5, to: 2, points: 21, seed: 0 },
};

/** Exact sharpness and closed forms along one family of one target. */
export function familySweep(
  dims: number[],
  options: FamilySweepOptions,
): SharpnessPoint[] {
  const target: TargetSpec = { kind: 'gaussian', scale: 1 };
  const last = Math.max(1, options.points - 1);

  return Array.from({ length: options.points }, (_, i) => {
    const parameter =
      options.from + ((options.to - options.from) * i) / last;
    const minimizer: MinimizerSpec = options.family === 'imbalanced'
      ? { family: 'imbalanced', spread: parameter }
      : { family: 'random', scale: parameter };

    return sharpnessAt(dims, target, minimizer, options.seed, parameter);
  });
}
