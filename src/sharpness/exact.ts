/**
 * Exact sharpness at a global minimizer (`P = M`): `λ_max(H) = 2 λ_max(T)`
 * with T from operator.ts, by a dense symmetric eigen-decomposition when
 * `d_L·d_0` is small, from the two Gram matrices of a wide depth-2 chain
 * (T is then a Kronecker sum), and by Lanczos on the matrix-free T
 * otherwise.
 */
import type { Chain } from '../dmf/index.js';
import { NumericError } from '../errors.js';
import {
  column,
  lanczos,
  type Mat,
  matmul,
  symEig,
} from '../linalg/index.js';
import {
  chainGrams,
  type ChainGrams,
  denseT,
  operatorT,
  toParameterDirection,
} from './operator.js';

/** Largest `d_L·d_0` for which T is decomposed densely. */
export const DENSE_T_LIMIT = 64;

/**
 * Largest `d_L·d_0` for which the flattest direction is found densely.
 * LIMITATION: above it the flattest nonzero direction is only found when
 * T is nonsingular (Lanczos finds the smallest eigenvalue, not the
 * smallest nonzero one); otherwise a NumericError asks for a smaller
 * shape, so `direction: flattest` is unavailable for very wide chains.
 */
export const DENSE_FLATTEST_LIMIT = 1024;

/** Eigenvalues of T below this fraction of λ_max(T) count as zero. */
export const ZERO_EIGENVALUE_FRACTION = 1e-10;

export interface ExactOptions {
  /** Use the dense route when `d_L·d_0` ≤ this (default 256). */
  denseLimit?: number;
  /** Lanczos start-vector seed (default 0, fixed for determinism). */
  seed?: number;
}

/**
 * LIMITATION: when the top eigenvalue of T is repeated (e.g. a target
 * with σ_1 = σ_2), the top direction is one vector of its eigenspace,
 * reproducible here but not canonical: another implementation may pick a
 * different one, so escapes along "top" are comparable across tools only
 * for a simple top eigenvalue.
 */
export interface MinimizerSharpness {
  /** `λ_max` of the Hessian, `2 λ_max(T)`. */
  sharpness: number;
  /**
   * Unit top Hessian eigenvector, parameter layout, sign fixed (all zeros
   * when the sharpness is 0).
   */
  top: Float64Array;
  route: 'dense' | 'lanczos';
}

/** `x ↦ g x` for a dense symmetric matrix, as a Lanczos operator. */
function denseOperator(g: Mat): (x: Float64Array, out: Float64Array) => void {
  const n = g.rows;
  const xm: Mat = { rows: n, cols: 1, data: new Float64Array(0) };
  const ym: Mat = { rows: n, cols: 1, data: new Float64Array(0) };

  return (x, out) => {
    xm.data = x;
    ym.data = out;
    matmul(ym, g, xm);
  };
}

/** Exact sharpness and top direction at a zero-residual chain. */
export function minimizerSharpness(
  chain: Chain,
  options: ExactOptions = {},
): MinimizerSharpness {
  const grams = chainGrams(chain);
  const size = grams.rows * grams.cols;
  const dense = size <= (options.denseLimit ?? DENSE_T_LIMIT);
  let value: number;
  let x: Float64Array;

  if (dense) {
    const eig = symEig(denseT(grams));
    value = eig.values[size - 1];
    x = column(eig.vectors, size - 1);
  } else if (grams.leftGram.length === 2) {
    // Depth 2: T(X) = W₂W₂ᵀ X + X W₁ᵀW₁ (B_1 = I, A_2 = I) is a Kronecker
    // sum, whose top eigenpair is α + β with X = u vᵀ from the top pairs
    // (α, u), (β, v) of the two Gram matrices. Lanczos on T itself stalls
    // when the sum's top is tightly clustered (strongly imbalanced
    // factors), while the two small problems are always well separated
    // enough (and exact at the latest after d iterations).
    const left = lanczos(denseOperator(grams.leftGram[0]), grams.rows, {
      seed: options.seed ?? 0,
      want: 'largest',
    }).largest;
    const right = lanczos(denseOperator(grams.rightGram[1]), grams.cols, {
      seed: options.seed ?? 0,
      want: 'largest',
    }).largest;
    value = left.value + right.value;
    x = new Float64Array(size);
    for (let a = 0; a < grams.rows; a++) {
      for (let b = 0; b < grams.cols; b++) {
        x[a * grams.cols + b] = left.vector[a] * right.vector[b];
      }
    }
  } else {
    const res = lanczos(operatorT(grams), size, {
      seed: options.seed ?? 0,
      want: 'largest',
    });
    value = res.largest.value;
    x = res.largest.vector;
  }
  if (!Number.isFinite(value)) {
    throw new NumericError(`T has a non-finite eigenvalue (${value})`, {
      hint: 'check the factors for overflow',
    });
  }

  // T = 0 (e.g. two zero layers): the Hessian vanishes and no direction
  // is preferred; report sharpness 0 and a zero "direction".
  if (!(value > 0)) {
    return {
      sharpness: 0,
      top: new Float64Array(chain.params.length),
      route: dense ? 'dense' : 'lanczos',
    };
  }

  return {
    sharpness: 2 * value,
    top: toParameterDirection(grams, x, chain.dims),
    route: dense ? 'dense' : 'lanczos',
  };
}

export interface FlattestDirection {
  /** The smallest nonzero Hessian eigenvalue, `2 μ`. */
  value: number;
  /** Its unit eigenvector, parameter layout, sign fixed. */
  direction: Float64Array;
}

/**
 * The flattest nonzero direction: the eigenvector of T for the smallest
 * eigenvalue above `1e-10 · λ_max(T)`, mapped to parameter space.
 */
export function flattestDirection(
  chain: Chain,
  options: ExactOptions = {},
): FlattestDirection {
  const grams = chainGrams(chain);
  const size = grams.rows * grams.cols;

  if (size <= DENSE_FLATTEST_LIMIT) {
    const eig = symEig(denseT(grams));
    const top = eig.values[size - 1];
    checkPositive(top);
    let k = 0;
    while (eig.values[k] <= ZERO_EIGENVALUE_FRACTION * top) k++;

    return mapped(grams, chain, eig.values[k], column(eig.vectors, k));
  }

  const res = lanczos(operatorT(grams), size, { seed: options.seed ?? 0 });
  if (res.smallest.value <= ZERO_EIGENVALUE_FRACTION * res.largest.value) {
    throw new NumericError(
      `flattest direction: T (${grams.rows}·${grams.cols} = ${size} > ` +
        `${DENSE_FLATTEST_LIMIT}) is singular, and the smallest nonzero ` +
        'eigenvalue is only found densely',
      { hint: 'use direction top or random for chains this wide' },
    );
  }

  return mapped(grams, chain, res.smallest.value, res.smallest.vector);
}

function mapped(
  grams: ChainGrams,
  chain: Chain,
  value: number,
  x: Float64Array,
): FlattestDirection {
  return {
    value: 2 * value,
    direction: toParameterDirection(grams, x, chain.dims),
  };
}

function checkPositive(value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new NumericError(
      `sharpness is ${value}: the chain's Jacobian vanishes (a factor ` +
        'product is zero), so there is no top direction',
      { hint: 'check the factors; at least one layer is degenerate' },
    );
  }
}
