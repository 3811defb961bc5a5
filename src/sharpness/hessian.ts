/**
 * Hessian extremes anywhere (DESIGN.md §1.2), residual term included:
 * dense eigen-decomposition of the dense Hessian for small parameter
 * counts, Lanczos on exact Hessian-vector products otherwise.
 */
import { denseHessian, HvpWorkspace, type Chain } from '../dmf/index.js';
import { column, lanczos, type Mat, symEig } from '../linalg/index.js';

/** Largest parameter count decomposed densely. */
export const DENSE_HESSIAN_LIMIT = 400;

export interface HessianExtremes {
  lambdaMax: number;
  lambdaMin: number;
  /** Unit eigenvector of `lambdaMax`, parameter layout (sign not fixed). */
  topVector: Float64Array;
  route: 'dense' | 'lanczos';
}

export interface HessianOptions {
  /** Dense route when the parameter count is ≤ this (default 400). */
  denseLimit?: number;
  /** Lanczos start-vector seed (default 0). */
  seed?: number;
}

export function hessianExtremes(
  chain: Chain,
  target: Mat,
  options: HessianOptions = {},
): HessianExtremes {
  const n = chain.params.length;

  if (n <= (options.denseLimit ?? DENSE_HESSIAN_LIMIT)) {
    const eig = symEig(denseHessian(chain, target));

    return {
      lambdaMax: eig.values[n - 1],
      lambdaMin: eig.values[0],
      topVector: column(eig.vectors, n - 1),
      route: 'dense',
    };
  }

  const ws = new HvpWorkspace(chain, target);
  const res = lanczos((x, out) => ws.apply(x, out), n, {
    seed: options.seed ?? 0,
  });

  return {
    lambdaMax: res.largest.value,
    lambdaMin: res.smallest.value,
    topVector: res.largest.vector,
    route: 'lanczos',
  };
}
