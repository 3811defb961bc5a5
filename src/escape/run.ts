/**
 * One escape run (DESIGN.md §1.3): exact sharpness and top direction at
 * the minimizer w*, GD from `w* + r·d`, and the classified result.
 * Pure computation: no I/O, no logging.
 */
import {
  type Chain,
  chainFromFactors,
  checkTarget,
  cloneChain,
  createChain,
  loss as chainLoss,
  product,
  toMat,
} from '../dmf/index.js';
import { InputError } from '../errors.js';
import { derive, dot, normalize, Rng } from '../linalg/index.js';
import { STREAM } from '../minima/streams.js';
import { flattestDirection, isMinimizerLoss } from '../sharpness/index.js';
import { minimizerFacts } from './atMinimizer.js';
import { runGd, sharpnessAt } from './gd.js';
import { type EscapeOptions, resolveEscapeOptions } from './options.js';
import type { DirectionKind, Outcome, TrialResult } from './spec.js';
import { plannedSampleSteps } from './trajectory.js';

export function runEscape(options: EscapeOptions): TrialResult {
  const o = resolveEscapeOptions(options);

  // The starting minimizer and its exact sharpness.
  const minimizer = Array.isArray(o.factors)
    ? chainFromFactors(o.factors)
    : cloneChain(o.factors);
  const target =
    o.target === undefined ? product(minimizer) : toMat(o.target, 'target');
  checkTarget(minimizer, target);
  const startLoss = chainLoss(minimizer, target);
  if (!isMinimizerLoss(startLoss, target)) {
    throw new InputError(
      `the factors are not a minimizer of the target (loss ${startLoss}); ` +
        'an escape trial starts from a global minimizer',
      { location: 'target', hint: 'omit target to use their product' },
    );
  }
  const facts = minimizerFacts(minimizer, target);
  const exact = facts.exact;
  const lambda = exact.sharpness;
  if (!(lambda > 0)) {
    throw new InputError(
      'the sharpness at this minimizer is 0 (the Hessian vanishes), so ' +
        'there is no top direction and no step ratio',
      { location: 'factors', hint: 'start from a minimizer of a nonzero target' },
    );
  }
  const eta = o.stepSize ?? (o.stepRatio! * 2) / lambda;

  // The perturbed start w_0 = w* + r·d.
  const anchor = Float64Array.from(minimizer.params);
  const direction = pickDirection(o.direction, minimizer, exact.top, o.seed);
  const start = createChain(minimizer.dims, Float64Array.from(anchor));
  for (let k = 0; k < anchor.length; k++) {
    start.params[k] += o.radius * direction[k];
  }
  const overlap = Math.abs(dot(direction, exact.top));

  const run = runGd({
    chain: start,
    target,
    anchor,
    top: exact.top,
    eta,
    maxSteps: o.maxSteps,
    escapeDistance: o.escapeDistance,
    convergedLoss: o.convergedLoss,
    earlyStop: o.earlyStop,
    sampleSteps: plannedSampleSteps(o.maxSteps, o.trajectorySamples),
    sampleLast: o.trajectorySamples > 0,
    trajectorySharpness: o.trajectorySharpness,
  });

  // Classification and the end-point sharpness.
  const diverged = run.divergedStep !== null || run.finalLoss === null;
  const converged = !diverged && run.finalLoss! < o.convergedLoss;
  let outcome: Outcome = 'unconverged';
  if (diverged) outcome = 'diverged';
  else if (converged) {
    outcome = run.finalDistance <= o.escapeDistance ? 'stayed' : 'escaped';
  }
  const finalSharpness = diverged
    ? null
    : sharpnessAt(start, target, run.finalLoss!, o.convergedLoss);

  return {
    outcome,
    sharpness: lambda,
    stepSize: eta,
    // The requested ratio itself, not ηλ/2 recomputed: grouping by ratio
    // must not split one grid value over round-off neighbours.
    stepRatio: o.stepRatio ?? (eta * lambda) / 2,
    escapeStep: run.escapeStep,
    predictedEscapeStep: predictEscape(eta, lambda, o, overlap),
    divergedStep: diverged ? (run.divergedStep ?? run.steps) : null,
    finalLoss: diverged ? null : run.finalLoss,
    finalDistance: Number.isFinite(run.finalDistance)
      ? run.finalDistance
      : null,
    finalSharpness,
    landingRatio: finalSharpness === null ? null : (finalSharpness * eta) / 2,
    steps: run.steps,
    topOverlap: overlap,
    closedForms: Object.fromEntries(
      Object.entries(facts.closedForms).map(([name, v]) => [name, { ...v }]),
    ),
    trajectory: run.trajectory,
  };
}

/**
 * `ln(δ / (r |⟨d, v_1⟩|)) / ln|1 − ηλ|`: steps for the unstable component
 * to grow from `r |⟨d, v_1⟩|` to δ at rate `|1 − ηλ|` (only when ρ > 1).
 */
function predictEscape(
  eta: number,
  lambda: number,
  o: { radius: number; escapeDistance: number },
  overlap: number,
): number | null {
  const ratio = (eta * lambda) / 2;
  const seed = o.radius * overlap;
  if (!(ratio > 1) || !(seed > 0)) return null;
  const value =
    Math.log(o.escapeDistance / seed) / Math.log(Math.abs(1 - eta * lambda));

  // A start already beyond δ escapes at once, whatever the rate.
  return Number.isFinite(value) ? Math.max(0, value) : null;
}

function pickDirection(
  kind: DirectionKind,
  minimizer: Chain,
  top: Float64Array,
  seed: number,
): Float64Array {
  if (kind === 'top') return top;
  if (kind === 'flattest') return flattestDirection(minimizer).direction;
  const rng = new Rng(derive(seed, STREAM.direction));
  const d = rng.fillGaussian(new Float64Array(top.length));
  normalize(d);

  return d;
}
