/**
 * The GD loop of an escape run: steps from the perturbed start, records
 * the first escape past δ, divergence and log-spaced trajectory samples,
 * and applies the early-stop rules when asked. Allocation-free per step
 * apart from the (few) samples.
 */
import { type Chain, GdWorkspace } from '../dmf/index.js';
import { NumericError } from '../errors.js';
import type { Mat } from '../linalg/index.js';
import { hessianExtremes, minimizerSharpness } from '../sharpness/index.js';
import {
  cheapRulesHold,
  EARLY_STOP_INTERVAL,
  EARLY_STOP_STABILITY,
} from './earlyStop.js';
import { DIVERGED_LOSS } from './options.js';
import type { TrajectorySample } from './spec.js';

export interface GdRunInput {
  /** Start point w_0, advanced in place. */
  chain: Chain;
  target: Mat;
  /** w* in parameter layout. */
  anchor: Float64Array;
  /** Unit top eigenvector at w*, for the trajectory's top component. */
  top: Float64Array;
  eta: number;
  maxSteps: number;
  escapeDistance: number;
  convergedLoss: number;
  earlyStop: boolean;
  /** Planned sample steps (trajectory.ts), ascending. */
  sampleSteps: number[];
  /** Also sample the last iterate (any trajectory at all is kept). */
  sampleLast: boolean;
  trajectorySharpness: boolean;
}

export interface GdRunOutput {
  steps: number;
  escapeStep: number | null;
  divergedStep: number | null;
  /** Loss at the final iterate; null when diverged. */
  finalLoss: number | null;
  finalDistance: number;
  trajectory: TrajectorySample[];
}

/**
 * Sharpness at a GD iterate: the exact T route once converged (residual
 * below convergedLoss), the full Hessian λ_max otherwise. Null when the
 * iterate is too large for a trustworthy eigenvalue (entries overflow):
 * a far-off iterate must not fail the whole trial.
 */
export function sharpnessAt(
  chain: Chain,
  target: Mat,
  loss: number,
  convergedLoss: number,
): number | null {
  try {
    const value =
      loss < convergedLoss
        ? minimizerSharpness(chain).sharpness
        : hessianExtremes(chain, target).lambdaMax;

    return Number.isFinite(value) ? value : null;
  } catch (error) {
    if (error instanceof NumericError) return null;
    throw error;
  }
}

export function runGd(input: GdRunInput): GdRunOutput {
  const { chain, target, anchor, eta, escapeDistance: delta } = input;
  const ws = new GdWorkspace(chain, target);
  const params = chain.params;
  const trajectory: TrajectorySample[] = [];
  const sample = (step: number, loss: number, distance: number) => {
    let top = 0;
    for (let k = 0; k < params.length; k++) {
      top += (params[k] - anchor[k]) * input.top[k];
    }
    const s: TrajectorySample = { step, loss, distance, topComponent: top };
    if (input.trajectorySharpness) {
      const value = sharpnessAt(chain, target, loss, input.convergedLoss);
      if (value !== null) s.sharpness = value;
    }
    trajectory.push(s);
  };

  let distance = 0;
  for (let k = 0; k < params.length; k++) {
    distance += (params[k] - anchor[k]) ** 2;
  }
  distance = Math.sqrt(distance);
  let checkDistance = distance;
  let escapeStep: number | null = null;
  let divergedStep: number | null = null;
  let finalLoss: number | null = null;
  let nextSample = 0;
  let steps = 0;

  // Iteration k sees w_k: its loss (from the gradient pass) and distance.
  for (let k = 0; k <= input.maxSteps; k++) {
    const loss = k < input.maxSteps ? ws.lossAndGradient() : ws.forward();
    if (!(loss <= DIVERGED_LOSS)) {
      divergedStep = k;
      break;
    }
    if (input.sampleSteps[nextSample] === k) {
      sample(k, loss, distance);
      nextSample++;
    }
    if (k === input.maxSteps) {
      finalLoss = loss;
      break;
    }

    if (input.earlyStop && k > 0 && k % EARLY_STOP_INTERVAL === 0) {
      const state = {
        loss,
        distance,
        previousDistance: checkDistance,
        escapeDistance: delta,
        convergedLoss: input.convergedLoss,
      };
      if (cheapRulesHold(state) && stableAt(chain, eta)) {
        finalLoss = loss;
        break;
      }
      checkDistance = distance;
    }

    distance = ws.descendFrom(eta, anchor);
    steps = k + 1;
    if (escapeStep === null && distance > delta) escapeStep = steps;
  }

  // The last iterate is always sampled (unless its loss overflowed).
  const last = trajectory[trajectory.length - 1];
  const unsampled = !last || last.step !== steps;
  if (input.sampleLast && finalLoss !== null && unsampled) {
    sample(steps, finalLoss, distance);
  }

  return {
    steps,
    escapeStep,
    divergedStep,
    finalLoss,
    finalDistance: distance,
    trajectory,
  };
}

/** Rule 4 of earlyStop.ts: the current minimum is stable for η. */
function stableAt(chain: Chain, eta: number): boolean {
  const local = minimizerSharpness(chain).sharpness;

  return (eta * local) / 2 <= EARLY_STOP_STABILITY;
}
