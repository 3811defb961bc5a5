/**
 * One planned trial: build the target and the starting minimizer from the
 * spec (every random choice from its own sub-stream of the trial seed),
 * then run the escape protocol. What worker threads call; no I/O.
 */
import { buildMinimizer, buildTarget } from '../minima/index.js';
import { runEscape } from './run.js';
import type { TrialResult, TrialSpec } from './spec.js';

export function runTrial(spec: TrialSpec): TrialResult {
  const target = buildTarget(spec.target, spec.dims, spec.seed);
  const minimizer = buildMinimizer(
    spec.minimizer,
    target,
    spec.dims,
    spec.seed,
  );
  const step =
    'ratio' in spec.step
      ? { stepRatio: spec.step.ratio }
      : { stepSize: spec.step.size };

  return runEscape({
    factors: minimizer,
    target,
    ...step,
    radius: spec.radius,
    direction: spec.direction,
    seed: spec.seed,
    maxSteps: spec.gd.maxSteps,
    escapeDistance: spec.gd.escapeDistance,
    convergedLoss: spec.gd.convergedLoss,
    earlyStop: spec.gd.earlyStop,
    trajectorySamples: spec.trajectorySamples,
    trajectorySharpness: spec.trajectorySharpness,
  });
}
