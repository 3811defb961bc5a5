/**
 * Eigenvalues of a symmetric tridiagonal matrix by implicit QL with
 * Wilkinson shifts, with the last row of its eigenvector matrix (all a
 * Lanczos convergence check needs) or the whole matrix (Ritz vectors).
 */
import { NumericError } from '../errors.js';

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

/** Index of the largest (sign 1) or smallest (sign −1) value. */
export function argExtreme(values: Float64Array, sign: 1 | -1): number {
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
export function tridiagonalQl(
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
