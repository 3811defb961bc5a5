/**
 * What an escape trial computes at its minimizer w* before any GD step:
 * the exact sharpness with its top direction, and the closed forms. A
 * sweep runs many trials from the same w* (every step ratio, radius and
 * direction of one minimizer), so each process keeps the last few results,
 * keyed by the exact bytes of w* and the target: a hit returns the very
 * numbers a fresh computation would.
 */
import { createHash } from 'node:crypto';

import type { Chain } from '../dmf/index.js';
import type { Mat } from '../linalg/index.js';
import {
  closedForms,
  type MinimizerSharpness,
  minimizerSharpness,
} from '../sharpness/index.js';
import type { ClosedFormValue } from './spec.js';

export interface MinimizerFacts {
  /** Shared between trials: read it, never write into its arrays. */
  exact: MinimizerSharpness;
  closedForms: Record<string, ClosedFormValue>;
}

/** Below this many parameters the computation is cheaper than the hash. */
const MIN_PARAMS = 256;
const CAPACITY = 4;
const recent = new Map<string, MinimizerFacts>();

export function minimizerFacts(minimizer: Chain, target: Mat): MinimizerFacts {
  if (minimizer.params.length < MIN_PARAMS) return compute(minimizer, target);
  const key = factsKey(minimizer, target);
  const hit = recent.get(key);
  if (hit) {
    recent.delete(key); // most recently used goes last
    recent.set(key, hit);

    return hit;
  }
  const facts = compute(minimizer, target);
  recent.set(key, facts);
  if (recent.size > CAPACITY) recent.delete(recent.keys().next().value!);

  return facts;
}

function compute(minimizer: Chain, target: Mat): MinimizerFacts {
  const exact = minimizerSharpness(minimizer);

  return {
    exact,
    closedForms: closedForms(minimizer, target, {
      exactSharpness: exact.sharpness,
    }),
  };
}

function factsKey(minimizer: Chain, target: Mat): string {
  const bytes = (x: Float64Array) =>
    new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

  return createHash('sha256')
    .update(minimizer.dims.join(','))
    .update(bytes(minimizer.params))
    .update(`${target.rows}x${target.cols}`)
    .update(bytes(target.data))
    .digest('base64');
}
