/**
 * Lanczos iteration with full re-orthogonalisation for the extreme
 * eigenpairs of a symmetric linear operator given only by its action.
 * Every new Krylov vector is orthogonalised against all previous ones
 * (classical Gram–Schmidt, repeated when a pass cancels much of it:
 * "twice is enough"), so no ghost eigenvalues appear and the Ritz values
 * converge to round-off. The basis is one contiguous row-major block, so
 * each Gram–Schmidt pass is two matrix products through the shared
 * kernels. The start vector comes from a seeded Rng, so results are
 * reproducible.
 *
 * Convergence is checked on the tridiagonal projection (tridiagonal.ts:
 * only the last row of its eigenvector matrix, O(m²) per check); the
 * whole matrix gives the Ritz vectors once, at the end. Spectral norms
 * built on this are in spectral.ts.
 */
import { NumericError } from '../errors.js';
import { addMatmul, matmulNT } from './kernels.js';
import type { Mat } from './mat.js';
import { Rng } from './rng.js';
import {
  argExtreme,
  tridiagonalQl,
  tridiagonalValues,
} from './tridiagonal.js';
import { dot, normalize } from './vec.js';

/**
 * A Gram–Schmidt pass that keeps at least this fraction of ‖w‖ removed
 * nothing but round-off; otherwise the pass is repeated once.
 */
const REORTH_KEEP = Math.SQRT1_2;

/** √ε: the orthogonality level below which no correction is applied. */
const SEMI_ORTHOGONAL = Math.sqrt(Number.EPSILON);

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));

  return m;
}

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
  /**
   * Start vector (copied, then normalised) instead of the seeded Gaussian
   * one: a good guess of the wanted eigenvector, e.g. from a nearby
   * operator, cuts the iterations to a handful.
   */
  start?: Float64Array;
}

export interface LanczosResult {
  largest: EigenPair;
  smallest: EigenPair;
  iterations: number;
}

/** The Krylov basis: rows 0 … count−1 of a growable row-major block. */
class Basis {
  private block: Float64Array;
  count = 0;

  constructor(
    readonly n: number,
    capacity: number,
  ) {
    this.block = new Float64Array(n * capacity);
  }

  row(j: number): Float64Array {
    return this.block.subarray(j * this.n, (j + 1) * this.n);
  }

  /** The first `count` rows as a matrix header. */
  rows(): Mat {
    return {
      rows: this.count,
      cols: this.n,
      data: this.block.subarray(0, this.count * this.n),
    };
  }

  push(v: Float64Array, scale: number): void {
    if ((this.count + 1) * this.n > this.block.length) {
      const grown = new Float64Array(this.block.length * 2);
      grown.set(this.block);
      this.block = grown;
    }
    const row = this.row(this.count);
    for (let i = 0; i < this.n; i++) row[i] = v[i] * scale;
    this.count++;
  }
}

/** Extreme eigenpairs of the symmetric operator `op` on R^n. */
export function lanczos(
  op: LinearOperator,
  n: number,
  options: LanczosOptions = {},
): LanczosResult {
  if (!(n > 0)) {
    throw new NumericError('Lanczos: operator dimension must be positive');
  }
  const tol = options.tol ?? 1e-11;
  const maxIter = Math.min(n, options.maxIter ?? 1000);
  // Most runs converge within 64 vectors; the block doubles past that.
  const basis = new Basis(n, Math.min(maxIter, 64));
  const alpha: number[] = [];
  const beta: number[] = [];
  const w = new Float64Array(n);
  const wRow: Mat = { rows: 1, cols: n, data: w };
  const coef = new Float64Array(maxIter);
  let lastCheck = 0;

  const start = options.start
    ? Float64Array.from(options.start)
    : new Rng(options.seed ?? 0).fillGaussian(new Float64Array(n));
  if (start.length !== n) {
    throw new NumericError(
      `Lanczos: start vector has length ${start.length}, operator ${n}`,
    );
  }
  if (normalize(start) === 0) throw new NumericError('Lanczos: zero start');
  basis.push(start, 1);

  for (let j = 0; j < maxIter; j++) {
    // Expand the Krylov basis by one vector.
    const qj = basis.row(j);
    op(qj, w);
    const a = dot(qj, w);
    alpha.push(a);
    // Three-term recurrence, then classical Gram–Schmidt against the
    // whole basis, repeated only when a pass cancels much of w (the
    // Daniel–Gragg–Kaufman–Stewart test): after the recurrence, w is
    // orthogonal to the basis up to accumulated round-off, so one pass
    // usually suffices and the second runs when it does not.
    for (let i = 0; i < n; i++) w[i] -= a * qj[i];
    if (j > 0) {
      const prev = basis.row(j - 1);
      const bPrev = beta[j - 1];
      for (let i = 0; i < n; i++) w[i] -= bPrev * prev[i];
    }
    const q = basis.rows();
    const c: Mat = { rows: 1, cols: q.rows, data: coef.subarray(0, q.rows) };
    let b = Math.sqrt(dot(w, w));
    for (let pass = 0; pass < 2; pass++) {
      matmulNT(c, wRow, q, -1); // c = −(Q w)ᵀ
      // Already orthogonal to working precision's square root: the basis
      // stays semi-orthogonal, which keeps the Ritz values accurate to
      // round-off (Simon), so the subtraction can be skipped.
      if (pass === 0 && maxAbs(c.data) <= SEMI_ORTHOGONAL * b) break;
      addMatmul(wRow, c, q); // w −= Qᵀ (Q w)
      const after = Math.sqrt(dot(w, w));
      const enough = after >= REORTH_KEEP * b;
      b = after;
      if (enough) break;
    }

    // Ritz values of the tridiagonal projection, on a schedule.
    const m = j + 1;
    const scaleEst = Math.max(...alpha.map(Math.abs), ...beta, 1e-300);
    const breakdown = b <= 1e-14 * scaleEst;
    const last = m === maxIter || breakdown;
    // A check costs O(m²), an iteration O(m·n) (the Gram–Schmidt pass):
    // check every iteration while m ≪ n, less often on small operators.
    const interval = Math.min(20, Math.ceil((10 * m) / n));
    if (last || m - lastCheck >= interval) {
      lastCheck = m;
      const ritz = tridiagonalValues(alpha, beta);
      const lo = argExtreme(ritz.values, -1);
      const hi = argExtreme(ritz.values, 1);
      const scale = Math.max(
        Math.abs(ritz.values[lo]),
        Math.abs(ritz.values[hi]),
        1e-300,
      );
      const resLo = Math.abs(b * ritz.lastRow[lo]);
      const resHi = Math.abs(b * ritz.lastRow[hi]);
      const converged =
        resHi <= tol * scale &&
        (options.want === 'largest' || resLo <= tol * scale);

      // A breakdown means the Krylov space is invariant: with a random
      // start it holds every distinct eigenvalue, so it is exact.
      if (converged || breakdown || m === n) {
        const full = tridiagonalQl(alpha, beta, true);

        return {
          largest: ritzPair(basis, full, argExtreme(full.values, 1)),
          smallest: ritzPair(basis, full, argExtreme(full.values, -1)),
          iterations: m,
        };
      }
      if (m === maxIter) {
        throw new NumericError(
          `Lanczos did not converge in ${maxIter} iterations ` +
            `(residuals ${resLo.toExponential(2)}, ` +
            `${resHi.toExponential(2)} vs ${(tol * scale).toExponential(2)})`,
          {
            hint:
              'the extreme eigenvalues are too tightly clustered to ' +
              'separate in this many iterations (a nearly repeated top ' +
              'eigenvalue, e.g. strongly imbalanced factors); a smaller ' +
              'or less imbalanced chain converges',
          },
        );
      }
    }

    beta.push(b);
    basis.push(w, 1 / b);
  }

  throw new NumericError('Lanczos: no convergence check ran');
}

/** y = Σ_j s_j q_j for the Ritz vector s of pair k, normalised. */
function ritzPair(
  basis: Basis,
  ritz: { values: Float64Array; vectors: Float64Array },
  k: number,
): EigenPair {
  const m = ritz.values.length;
  const s = new Float64Array(m);
  for (let j = 0; j < m; j++) s[j] = ritz.vectors[j * m + k];
  const y = new Float64Array(basis.n);
  addMatmul({ rows: 1, cols: basis.n, data: y }, {
    rows: 1,
    cols: s.length,
    data: s,
  }, basis.rows());
  normalize(y);

  return { value: ritz.values[k], vector: y };
}
