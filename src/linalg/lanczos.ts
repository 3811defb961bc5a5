/**
 * Lanczos iteration with full re-orthogonalisation for the extreme
 * eigenpairs of a symmetric linear operator given only by its action.
 * Every new Krylov vector is orthogonalised against all previous ones
 * (classical Gram–Schmidt, repeated when a pass cancels much of it:
 * "twice is enough"), so no ghost eigenvalues appear and the Ritz values
 * converge to round-off. The basis is one contiguous row-major block, so
 * each Gram–Schmidt pass is two matrix products through the shared
 * kernels. The start vector comes from
 * a seeded Rng, so results are reproducible.
 *
 * Convergence is checked on the tridiagonal projection with an implicit
 * QL sweep that tracks only the last row of its eigenvector matrix
 * (O(m²) per check); the same sweep with the whole matrix gives the Ritz
 * vectors once, at the end.
 */
import { NumericError } from '../errors.js';
import { column, symEig } from './decomp.js';
import { addMatmul, matmul, matmulNT, matmulTN } from './kernels.js';
import { type Mat, zeros } from './mat.js';
import { Rng } from './rng.js';
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

/**
 * √(a² + b²) without overflow or underflow: Math.hypot's variadic
 * generality costs more than the whole rotation it sits in.
 */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const big = x > y ? x : y;
  if (big === 0 || big === Infinity) return big;
  const small = x > y ? y : x;
  const q = small / big;

  return big * Math.sqrt(1 + q * q);
}

function argExtreme(values: Float64Array, sign: 1 | -1): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) {
    if (sign * values[k] > sign * values[best]) best = k;
  }

  return best;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `alpha`
 * and off-diagonal `beta` (unsorted), with the last row of its orthogonal
 * eigenvector matrix: `lastRow[k]` is the last component of the unit
 * eigenvector of `values[k]`, which is all a Lanczos residual needs.
 *
 * Implicit QL with Wilkinson shifts (Golub & Van Loan, §8.3): each sweep
 * chases a bulge up from the bottom of the unreduced block with Givens
 * rotations; the rotations act on columns of the eigenvector matrix, so
 * applying them to its last row alone costs O(1) each.
 */
export function tridiagonalValues(
  alpha: readonly number[],
  beta: readonly number[],
): { values: Float64Array; lastRow: Float64Array } {
  const { values, vectors } = tridiagonalQl(alpha, beta, false);

  return { values, lastRow: vectors };
}

/**
 * Unsorted eigenvalues of the tridiagonal with, as `vectors`, either the
 * whole row-major m×m eigenvector matrix (`all`; column k belongs to
 * `values[k]`) or only its last row.
 */
function tridiagonalQl(
  alpha: readonly number[],
  beta: readonly number[],
  all: boolean,
): { values: Float64Array; vectors: Float64Array } {
  const m = alpha.length;
  const d = Float64Array.from(alpha);
  const e = new Float64Array(m);
  for (let i = 0; i + 1 < m; i++) e[i] = beta[i];
  const rows = all ? m : 1;
  const z = new Float64Array(rows * m);
  if (all) for (let i = 0; i < m; i++) z[i * m + i] = 1;
  else z[m - 1] = 1;

  for (let l = 0; l < m; l++) {
    for (let sweep = 0; ; sweep++) {
      // The first negligible off-diagonal at or below l ends the block.
      let end = l;
      while (end + 1 < m) {
        const size = Math.abs(d[end]) + Math.abs(d[end + 1]);
        if (Math.abs(e[end]) <= Number.EPSILON * size) break;
        end++;
      }
      if (end === l) break;
      if (sweep === 60) {
        throw new NumericError(
          'tridiagonal QL did not converge in 60 sweeps',
        );
      }
      // Wilkinson shift from the leading 2×2 of the block.
      const theta = (d[l + 1] - d[l]) / (2 * e[l]);
      const root = hypot(theta, 1);
      let g =
        d[end] - d[l] + e[l] / (theta + (theta >= 0 ? root : -root));
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      for (let i = end - 1; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        const r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Exact underflow splits the block: restart on the pieces.
          d[i + 1] -= p;
          e[end] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        const h = d[i + 1] - p;
        const t = (d[i] - h) * s + 2 * c * b;
        p = s * t;
        d[i + 1] = h + p;
        g = c * t - b;
        for (let r = 0; r < z.length; r += m) {
          const zi = z[r + i];
          const zi1 = z[r + i + 1];
          z[r + i + 1] = s * zi + c * zi1;
          z[r + i] = c * zi - s * zi1;
        }
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[end] = 0;
    }
  }

  return { values: d, vectors: z };
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

/**
 * Gram matrices up to this size are formed and decomposed densely; larger
 * ones are handled matrix-free by Lanczos on `x ↦ aᵀ(a x)`.
 */
const DENSE_GRAM_LIMIT = 24;

/** Lanczos tolerance for Gram tops: |θ − λ| ≤ 1e-13·λ (Weyl). */
const GRAM_TOL = 1e-13;

export interface TopSingular {
  /** `σ₁² = ‖a‖₂²`. */
  normSq: number;
  /** Unit top right singular vector (length a.cols); sign not fixed. */
  right: Float64Array;
}

/** The top singular value (squared) and right singular vector of `a`. */
export function topSingular(a: Mat): TopSingular {
  const n = a.cols;
  if (n <= DENSE_GRAM_LIMIT) {
    const g = zeros(n, n);
    matmulTN(g, a, a);
    const eig = symEig(g);

    return {
      normSq: Math.max(0, eig.values[n - 1]),
      right: column(eig.vectors, n - 1),
    };
  }
  const res = lanczos(gramOperator(a, 'right'), n, {
    want: 'largest',
    tol: GRAM_TOL,
  });

  return { normSq: Math.max(0, res.largest.value), right: res.largest.vector };
}

/**
 * `‖a‖₂²` as the top eigenvalue of the smaller Gram matrix (aaᵀ or aᵀa),
 * accurate to round-off relative to the norm itself: formed densely when
 * small, matrix-free through Lanczos otherwise.
 */
export function spectralNormSq(a: Mat): number {
  const wide = a.rows <= a.cols;
  const small = Math.min(a.rows, a.cols);
  if (small > DENSE_GRAM_LIMIT) {
    const res = lanczos(gramOperator(a, wide ? 'left' : 'right'), small, {
      want: 'largest',
      tol: GRAM_TOL,
    });

    return Math.max(0, res.largest.value);
  }
  const g = zeros(small, small);
  if (wide) matmulNT(g, a, a);
  else matmulTN(g, a, a);
  if (small === 1) return g.data[0];

  return Math.max(0, symEig(g).values[small - 1]);
}

/** `x ↦ aᵀ a x` ('right', on R^cols) or `x ↦ a aᵀ x` ('left', on R^rows). */
function gramOperator(a: Mat, side: 'left' | 'right'): LinearOperator {
  const inner = side === 'right' ? a.rows : a.cols;
  const outer = side === 'right' ? a.cols : a.rows;
  const mid: Mat = { rows: inner, cols: 1, data: new Float64Array(inner) };
  const x: Mat = { rows: outer, cols: 1, data: new Float64Array(0) };
  const y: Mat = { rows: outer, cols: 1, data: new Float64Array(0) };

  return (xv, out) => {
    x.data = xv;
    y.data = out;
    if (side === 'right') {
      matmul(mid, a, x);
      matmulTN(y, a, mid);
    } else {
      matmulTN(mid, a, x);
      matmul(y, a, mid);
    }
  };
}
