/**
 * The sharpness-targeted minimizer: the imbalanced family with the spread
 * solved so that the exact sharpness equals a requested value. Along the
 * family the top eigenvalue of T grows like Σ_i exp(−2·spread·t_i), which
 * is convex with its minimum at spread 0 (the balanced, flattest point),
 * so for spread ≥ 0 there is one crossing: bracket it by doubling, then
 * refine by regula falsi (Illinois) with a bisection fallback.
 */
import { InputError, NumericError } from '../errors.js';
import type { Chain } from '../dmf/index.js';
import type { Mat } from '../linalg/index.js';
import { minimizerSharpness } from '../sharpness/index.js';
import { imbalancedMinimizer } from './families.js';

/** Relative accuracy of the solved sharpness (reported as exact). */
export const TARGETED_TOLERANCE = 1e-12;

/** The spread is not searched beyond this (exp(±60) overflows soon). */
export const MAX_SPREAD = 60;

const MAX_ITERATIONS = 300;

export interface TargetedMinimizer {
  chain: Chain;
  spread: number;
  sharpness: number;
}

export function targetedMinimizer(
  target: Mat,
  dims: number[],
  sharpness: number,
): TargetedMinimizer {
  if (!(sharpness > 0) || !Number.isFinite(sharpness)) {
    throw new InputError(
      `minimizer.sharpness must be a positive number, got ${sharpness}`,
      { location: 'minimizer.sharpness' },
    );
  }
  const at = (spread: number) => {
    const chain = imbalancedMinimizer(target, dims, spread);
    const value = minimizerSharpness(chain).sharpness;

    return { chain, spread, sharpness: value };
  };

  // The balanced point is the flattest: nothing below it is reachable.
  const flat = at(0);
  const gap = (p: TargetedMinimizer) => p.sharpness - sharpness;
  if (Math.abs(gap(flat)) <= TARGETED_TOLERANCE * sharpness) return flat;
  if (gap(flat) > 0) {
    throw new InputError(
      `requested sharpness ${sharpness} is below ${flat.sharpness}, the ` +
        'sharpness of the balanced (flattest) minimizer of this target',
      {
        location: 'minimizer.sharpness',
        hint: `request at least ${flat.sharpness} or use a smaller target`,
      },
    );
  }

  // Bracket: lo below the request, hi at or above it.
  let lo = flat;
  let hi = at(0.25);
  while (gap(hi) < 0) {
    if (hi.spread >= MAX_SPREAD) {
      throw new NumericError(
        `cannot reach sharpness ${sharpness}: spread ${hi.spread} gives ` +
          `only ${hi.sharpness}`,
        { location: 'minimizer.sharpness' },
      );
    }
    lo = hi;
    hi = at(Math.min(2 * hi.spread, MAX_SPREAD));
  }

  // Illinois: halve the weight of an endpoint that is kept twice.
  let fLo = gap(lo);
  let fHi = gap(hi);
  let side = 0;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    let s = (lo.spread * fHi - hi.spread * fLo) / (fHi - fLo);
    const width = hi.spread - lo.spread;
    if (!(s > lo.spread + 0.01 * width && s < hi.spread - 0.01 * width)) {
      s = 0.5 * (lo.spread + hi.spread);
    }
    const mid = at(s);
    const f = gap(mid);
    if (Math.abs(f) <= TARGETED_TOLERANCE * sharpness) return mid;
    if (f < 0) {
      lo = mid;
      fLo = f;
      if (side === -1) fHi /= 2;
      side = -1;
    } else {
      hi = mid;
      fHi = f;
      if (side === 1) fLo /= 2;
      side = 1;
    }
    if (hi.spread - lo.spread <= 4 * Number.EPSILON * hi.spread) break;
  }

  // Round-off can stall just short of 1e-12; 1e-10 is still honoured.
  const best = Math.abs(gap(lo)) < Math.abs(gap(hi)) ? lo : hi;
  if (Math.abs(gap(best)) <= 100 * TARGETED_TOLERANCE * sharpness) {
    return best;
  }
  throw new NumericError(
    `targeted minimizer: spread search stalled at sharpness ` +
      `${best.sharpness} for request ${sharpness}`,
  );
}
