/**
 * Closed forms and bounds for the sharpness at a minimizer (DESIGN.md
 * §1.1), each with the flag saying whether it equals the exact value for
 * this shape. The table in the design document is the specification.
 */
import type { ClosedFormValue } from '../escape/spec.js';
import type { Chain } from '../dmf/index.js';
import {
  type Mat,
  matmulNT,
  matmulTN,
  spectralNormSq,
  topSingular,
  zeros,
} from '../linalg/index.js';
import { chainGrams, type ChainGrams } from './operator.js';
import { rankOneValue } from './rankOne.js';

/** Relative tolerance of the balancedness test `W_{i+1}ᵀW_{i+1} = W_iW_iᵀ`. */
export const BALANCE_TOLERANCE = 1e-9;

/** Relative agreement needed for flatMinimum to be flagged exact. */
export const FLAT_AGREEMENT = 1e-8;

export interface ClosedFormOptions {
  /**
   * The exact sharpness, when known: flatMinimum is only flagged exact
   * when it agrees with it.
   */
  exactSharpness?: number;
  /**
   * Whether the chain is at a minimizer of `target` (default true). The
   * closed forms describe `2 λ_max(T)`; away from a minimizer the
   * residual term changes the Hessian, so none is flagged exact there.
   */
  atMinimizer?: boolean;
}

export function closedForms(
  chain: Chain,
  target: Mat,
  options: ClosedFormOptions = {},
): Record<string, ClosedFormValue> {
  const dims = chain.dims;
  const depth = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[depth];
  const atMin = options.atMinimizer ?? true;
  const grams = chainGrams(chain);
  const out: Record<string, ClosedFormValue> = {};

  out.spectralNormSum = {
    value: spectralNormSum(grams),
    exact: atMin && (depth === 2 || (d0 === 1 && dL === 1)),
  };

  if (depth === 2) {
    const [w1, w2] = chain.factors;
    out.depth2 = {
      value: 2 * (spectralNormSq(w1) + spectralNormSq(w2)),
      exact: atMin,
    };
  }

  if (dims.every((d) => d === 1)) {
    out.scalarChain = { value: scalarChain(chain), exact: atMin };
  }

  out.rankOne = {
    value: rankOneValue(grams, target),
    exact: atMin && (depth === 2 || d0 === 1 || dL === 1),
  };

  const sigma1 = Math.sqrt(topSingular(target).normSq);
  const flat = 2 * depth * Math.pow(sigma1, (2 * (depth - 1)) / depth);
  const exactValue = options.exactSharpness;
  const agrees =
    exactValue !== undefined &&
    Math.abs(flat - exactValue) <= FLAT_AGREEMENT * Math.abs(exactValue);
  out.flatMinimum = {
    value: flat,
    exact: atMin && agrees && isBalanced(chain),
  };

  return out;
}

/** `2 Σ_i ‖A_i‖₂² ‖B_i‖₂²`: an upper bound on `2 λ_max(T)`. */
function spectralNormSum(g: ChainGrams): number {
  let s = 0;
  for (let i = 0; i < g.left.length; i++) {
    s += spectralNormSq(g.left[i]) * spectralNormSq(g.right[i]);
  }

  return 2 * s;
}

/** `2 Σ_i Π_{j≠i} w_j²` for a chain of scalars. */
function scalarChain(chain: Chain): number {
  const w = chain.params;
  let s = 0;
  for (let i = 0; i < w.length; i++) {
    let p = 1;
    for (let j = 0; j < w.length; j++) if (j !== i) p *= w[j] * w[j];
    s += p;
  }

  return 2 * s;
}

/** `W_{i+1}ᵀ W_{i+1} = W_i W_iᵀ` for all i, to BALANCE_TOLERANCE. */
export function isBalanced(chain: Chain): boolean {
  const w = chain.factors;
  for (let i = 0; i + 1 < w.length; i++) {
    const d = w[i].rows;
    const left = zeros(d, d);
    const right = zeros(d, d);
    matmulTN(left, w[i + 1], w[i + 1]);
    matmulNT(right, w[i], w[i]);
    let diff = 0;
    let na = 0;
    let nb = 0;
    for (let k = 0; k < d * d; k++) {
      diff += (left.data[k] - right.data[k]) ** 2;
      na += right.data[k] ** 2;
      nb += left.data[k] ** 2;
    }
    const scale = Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-300);
    if (Math.sqrt(diff) > BALANCE_TOLERANCE * scale) return false;
  }

  return true;
}
