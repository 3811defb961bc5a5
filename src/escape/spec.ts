/**
 * The trial contract: what the planner produces, what a worker consumes and
 * what it returns. Plain JSON-serialisable objects, so they cross thread and
 * process boundaries (piscina, BullMQ) unchanged.
 */

/** The matrix `M` (`d_L × d_0`) that the chain must factor. */
export type TargetSpec =
  /** Every entry equal to `value` (for `d_0 = d_L = 1`, the scalar itself). */
  | { kind: 'scalar'; value: number }
  /** Entries i.i.d. `N(0, scale²)` from `seed` (the trial seed when absent). */
  | { kind: 'gaussian'; scale: number; seed?: number }
  /**
   * `U diag(values) Vᵀ` with `U`, `V` seeded random orthonormal frames
   * (the trial seed when `seed` is absent); `values` padded with zeros.
   */
  | { kind: 'singular'; values: number[]; seed?: number };

/** Which minimizer of `‖M − W_L⋯W_1‖_F²` the trial starts from. */
export type MinimizerSpec =
  /** Balanced and aligned with the singular vectors of `M`: the flattest. */
  | { family: 'balanced' }
  /**
   * Balanced factors rescaled by `c_i = exp(spread · t_i)`, `t_i` evenly
   * spaced in [−1, 1], so the product is unchanged.
   */
  | { family: 'imbalanced'; spread: number }
  /**
   * Gaussian `W_1 … W_{L−1}` (entries `N(0, scale²/d_{i−1})`), `W_L` the
   * minimum-norm solution of `W_L B = M`.
   */
  | { family: 'random'; scale: number }
  /** The imbalanced family with the spread solved so `λ_max = sharpness`. */
  | { family: 'targeted'; sharpness: number };

export type DirectionKind = 'top' | 'random' | 'flattest';

/** Step size either directly or as the ratio `ρ = η λ_max / 2`. */
export type StepSpec = { ratio: number } | { size: number };

export interface GdLimits {
  /** Most GD steps a trial takes. */
  maxSteps: number;
  /** `δ`: the distance from `w*` that counts as having escaped. */
  escapeDistance: number;
  /** Loss below which GD counts as converged (default 1e-20). */
  convergedLoss: number;
  /**
   * Stop as soon as the outcome is decided (README, "Early stopping").
   * False reproduces the reference protocol: always `maxSteps` steps.
   */
  earlyStop: boolean;
}

export interface TrialSpec {
  /** Layer widths `[d_0, …, d_L]`; depth is `dims.length − 1`. */
  dims: number[];
  target: TargetSpec;
  minimizer: MinimizerSpec;
  radius: number;
  direction: DirectionKind;
  step: StepSpec;
  gd: GdLimits;
  /** Seeds every random choice of the trial (target, factors, direction). */
  seed: number;
  /** Most trajectory samples kept (log-spaced steps); 0 keeps none. */
  trajectorySamples: number;
  /** Also record the exact sharpness at each trajectory sample. */
  trajectorySharpness: boolean;
}

export type Outcome = 'stayed' | 'escaped' | 'diverged' | 'unconverged';

export interface TrajectorySample {
  step: number;
  loss: number;
  /** `‖w − w*‖`. */
  distance: number;
  /** `⟨w − w*, v_1⟩`. */
  topComponent: number;
  sharpness?: number;
}

export interface ClosedFormValue {
  value: number;
  /** True when this closed form equals the exact sharpness for the shape. */
  exact: boolean;
}

export interface TrialResult {
  outcome: Outcome;
  /** Exact `λ_max` at the starting minimizer. */
  sharpness: number;
  stepSize: number;
  stepRatio: number;
  /** First step after which `‖w − w*‖ > δ`, or null. */
  escapeStep: number | null;
  /** `ln(δ / (r |⟨d, v_1⟩|)) / ln|1 − ηλ|` when `ρ > 1`, else null. */
  predictedEscapeStep: number | null;
  /** Step at which the loss overflowed, for diverged trials. */
  divergedStep: number | null;
  /** Null when the loss is not finite (diverged). */
  finalLoss: number | null;
  finalDistance: number | null;
  /** Exact sharpness at the end point; null when it diverged. */
  finalSharpness: number | null;
  /** `finalSharpness · η / 2`. */
  landingRatio: number | null;
  /** GD steps actually taken. */
  steps: number;
  /** `|⟨d, v_1⟩|`: how much of the perturbation lies along `v_1`. */
  topOverlap: number;
  closedForms: Record<string, ClosedFormValue>;
  trajectory: TrajectorySample[];
}
