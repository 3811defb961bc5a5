/**
 * Lanczos iteration with full re-orthogonalisation for the extreme
 * eigenpairs of a symmetric linear operator given only by its action.
 * Every new Krylov vector is orthogonalised twice against all previous
 * ones ("twice is enough"), so no ghost eigenvalues appear and the Ritz
 * values converge to round-off. The start vector comes from a seeded Rng,
 * so results are bitwise reproducible.
 */
import { NumericError } from '../errors.js';
import { column, symEig } from './decomp.js';
import { zeros } from './mat.js';
import { Rng } from './rng.js';
import { dot, normalize } from './vec.js';

/** Writes `A x` into `out` (out never aliases x). */
export type LinearOperator = (x: Float64Array, out: Float64Array) => void;

export interface EigenPair {
  value: number;
  /** Unit vector. */
  vector: Float64Array;
}

export interface LanczosOptions {
  /** Seed of the start vector (default 0). */
  seed?: number;
  /**
   * Stop when the residual `‖A y − θ y‖` of each wanted Ritz pair is below
   * `tol · max|θ|`; Weyl's bound then puts an eigenvalue within that
   * distance of θ (default 1e-11).
   */
  tol?: number;
  /** Most Krylov vectors (default min(n, 1000)). */
  maxIter?: number;
  /**
   * Which Ritz pairs must converge before stopping (default 'both'). The
   * bottom of a PSD operator with a cluster of tiny eigenvalues converges
   * far more slowly than its top, so callers that only need λ_max say so.
   */
  want?: 'largest' | 'both';
}

export interface LanczosResult {
  largest: EigenPair;
  smallest: EigenPair;
  iterations: number;
}

/** Extreme eigenpairs of the symmetric operator `op` on R^n. */
export function lanczos(
  op: LinearOperator,
  n: number,
  options: LanczosOptions = {},
): LanczosResult {
  const tol = options.tol ?? 1e-11;
  const maxIter = Math.min(n, options.maxIter ?? 1000);
  const q: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const w = new Float64Array(n);

  const start = new Rng(options.seed ?? 0).fillGaussian(new Float64Array(n));
  if (normalize(start) === 0) throw new NumericError('Lanczos: zero start');
  q.push(start);

  for (let j = 0; j < maxIter; j++) {
    // Expand the Krylov basis by one vector.
    const qj = q[j];
    op(qj, w);
    const a = dot(qj, w);
    alpha.push(a);
    for (let pass = 0; pass < 2; pass++) {
      for (const qk of q) {
        const c = dot(qk, w);
        for (let i = 0; i < n; i++) w[i] -= c * qk[i];
      }
    }
    const b = Math.sqrt(dot(w, w));

    // Ritz pairs of the tridiagonal projection; check on a schedule since
    // each check costs O(m³).
    const m = j + 1;
    const scaleEst = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    const breakdown = b <= 1e-14 * scaleEst;
    const last = m === maxIter || breakdown;
    if (last || m <= 40 || m % (m <= 200 ? 5 : 20) === 0) {
      const ritz = tridiagonalEig(alpha, beta);
      const lo = 0;
      const hi = m - 1;
      const scale = Math.max(
        Math.abs(ritz.values[lo]),
        Math.abs(ritz.values[hi]),
        1e-300,
      );
      const resLo = Math.abs(b * ritz.vectors.data[(m - 1) * m + lo]);
      const resHi = Math.abs(b * ritz.vectors.data[(m - 1) * m + hi]);
      const converged =
        resHi <= tol * scale &&
        (options.want === 'largest' || resLo <= tol * scale);

      // A breakdown means the Krylov space is invariant: with a random
      // start it holds every distinct eigenvalue, so it is exact.
      if (converged || breakdown || m === n) {
        return {
          largest: ritzPair(q, ritz, hi),
          smallest: ritzPair(q, ritz, lo),
          iterations: m,
        };
      }
      if (m === maxIter) {
        throw new NumericError(
          `Lanczos did not converge in ${maxIter} iterations ` +
            `(residuals ${resLo.toExponential(2)}, ` +
            `${resHi.toExponential(2)} vs ${(tol * scale).toExponential(2)})`,
          { hint: 'raise maxIter or loosen tol' },
        );
      }
    }

    beta.push(b);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = w[i] / b;
    q.push(next);
  }

  throw new NumericError('Lanczos: operator dimension must be positive');
}

function tridiagonalEig(alpha: number[], beta: number[]) {
  const m = alpha.length;
  const t = zeros(m, m);
  for (let i = 0; i < m; i++) {
    t.data[i * m + i] = alpha[i];
    if (i + 1 < m) {
      t.data[i * m + i + 1] = beta[i];
      t.data[(i + 1) * m + i] = beta[i];
    }
  }

  return symEig(t);
}

function ritzPair(
  q: Float64Array[],
  ritz: ReturnType<typeof symEig>,
  k: number,
): EigenPair {
  const s = column(ritz.vectors, k);
  const n = q[0].length;
  const y = new Float64Array(n);
  for (let j = 0; j < s.length; j++) {
    const c = s[j];
    const qj = q[j];
    for (let i = 0; i < n; i++) y[i] += c * qj[i];
  }
  normalize(y);

  return { value: ritz.values[k], vector: y };
}
