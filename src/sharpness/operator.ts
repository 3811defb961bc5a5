/**
 * The Gauss–Newton operator at a zero-residual point (DESIGN.md §1.1):
 *
 *   T(X) = Σ_i A_i A_iᵀ X B_iᵀ B_i   on d_L × d_0 matrices,
 *
 * whose nonzero spectrum is half the Hessian's. `X` is stored row-major
 * as a vector of length d_L·d_0 (entry (a, b) at a·d_0 + b).
 */
import type { Chain } from '../dmf/index.js';
import {
  addMatmul,
  identity,
  type Mat,
  matmul,
  matmulNT,
  matmulTN,
  view,
  zeros,
} from '../linalg/index.js';

export interface ChainGrams {
  /** `A_i = W_L⋯W_{i+1}` (`d_L × d_i`), index i − 1. */
  left: Mat[];
  /** `B_i = W_{i−1}⋯W_1` (`d_{i−1} × d_0`), index i − 1. */
  right: Mat[];
  /** `A_i A_iᵀ` (`d_L × d_L`). */
  leftGram: Mat[];
  /** `B_iᵀ B_i` (`d_0 × d_0`). */
  rightGram: Mat[];
  rows: number;
  cols: number;
}

/** Intermediate products and their Gram matrices (allocates; not hot). */
export function chainGrams(chain: Chain): ChainGrams {
  const w = chain.factors;
  const depth = w.length;
  const dL = chain.dims[depth];
  const d0 = chain.dims[0];
  const right: Mat[] = [identity(d0)];
  for (let i = 1; i < depth; i++) {
    const next = zeros(w[i - 1].rows, d0);
    matmul(next, w[i - 1], right[i - 1]);
    right.push(next);
  }
  const left: Mat[] = new Array(depth);
  left[depth - 1] = identity(dL);
  for (let i = depth - 1; i >= 1; i--) {
    const next = zeros(dL, w[i].cols);
    matmul(next, left[i], w[i]);
    left[i - 1] = next;
  }
  const leftGram = left.map((a) => {
    const g = zeros(dL, dL);
    matmulNT(g, a, a);

    return g;
  });
  const rightGram = right.map((b) => {
    const g = zeros(d0, d0);
    matmulTN(g, b, b);

    return g;
  });

  return { left, right, leftGram, rightGram, rows: dL, cols: d0 };
}

/** A matrix-free `T` for Lanczos, with its own scratch buffers. */
export function operatorT(
  g: ChainGrams,
): (x: Float64Array, out: Float64Array) => void {
  const { rows, cols } = g;
  const tmp = zeros(rows, cols);
  // Headers re-pointed at each call's vectors; no copies.
  const xm: Mat = { rows, cols, data: tmp.data };
  const acc: Mat = { rows, cols, data: tmp.data };

  // B_1 = I and A_L = I, so the first and last terms are one-sided
  // products; skip the identity factor there (and anywhere else it shows).
  const leftIdentity = g.leftGram.map(isIdentity);
  const rightIdentity = g.rightGram.map(isIdentity);

  return (x, out) => {
    xm.data = x;
    acc.data = out;
    out.fill(0);
    for (let i = 0; i < g.leftGram.length; i++) {
      if (leftIdentity[i] && rightIdentity[i]) {
        for (let k = 0; k < out.length; k++) out[k] += x[k];
      } else if (leftIdentity[i]) {
        addMatmul(acc, xm, g.rightGram[i]);
      } else if (rightIdentity[i]) {
        addMatmul(acc, g.leftGram[i], xm);
      } else {
        matmul(tmp, g.leftGram[i], xm);
        addMatmul(acc, tmp, g.rightGram[i]);
      }
    }
  };
}

/** Exactly the identity matrix (as chainGrams builds for B_1, A_L). */
function isIdentity(a: Mat): boolean {
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      if (a.data[i * a.cols + j] !== (i === j ? 1 : 0)) return false;
    }
  }

  return true;
}

/** acc += a · b. */
/**
 * Dense `T` (size d_L·d_0): entry ((a,b),(c,d)) = Σ_i GA_i[a,c] GB_i[d,b],
 * i.e. Σ_i kron(GA_i, GB_i) in row-major vec order.
 */
export function denseT(g: ChainGrams): Mat {
  const { rows, cols } = g;
  const n = rows * cols;
  const t = zeros(n, n);
  for (let i = 0; i < g.leftGram.length; i++) {
    const ga = g.leftGram[i].data;
    const gb = g.rightGram[i].data;
    for (let a = 0; a < rows; a++) {
      for (let b = 0; b < cols; b++) {
        const r = (a * cols + b) * n;
        for (let c = 0; c < rows; c++) {
          const s = ga[a * rows + c];
          if (s === 0) continue;
          for (let d = 0; d < cols; d++) {
            t.data[r + c * cols + d] += s * gb[d * cols + b];
          }
        }
      }
    }
  }

  return t;
}

/**
 * Maps an eigenvector X of T to parameter space, `U_i = A_iᵀ X B_iᵀ`
 * (the Jacobian transpose), normalised and with the sign rule applied.
 */
export function toParameterDirection(
  g: ChainGrams,
  x: Float64Array,
  dims: number[],
): Float64Array {
  let total = 0;
  for (let i = 0; i < g.left.length; i++) total += dims[i + 1] * dims[i];
  const v = new Float64Array(total);
  const xm: Mat = { rows: g.rows, cols: g.cols, data: x };
  let offset = 0;
  for (let i = 0; i < g.left.length; i++) {
    const ax = zeros(dims[i + 1], g.cols);
    matmulTN(ax, g.left[i], xm);
    const size = dims[i + 1] * dims[i];
    const u = view(v, offset, dims[i + 1], dims[i]);
    matmulNT(u, ax, g.right[i]);
    offset += size;
  }
  let norm = 0;
  for (const e of v) norm += e * e;
  norm = Math.sqrt(norm);
  for (let k = 0; k < v.length; k++) v[k] /= norm;

  return fixSign(v);
}

/** Threshold of the sign rule (reference/README.md). */
export const SIGN_THRESHOLD = 1e-12;

/**
 * The sign rule: flattening W_1, W_2, … row by row (the parameter
 * layout), the first entry with |value| > 1e-12 is made positive.
 * Escapes land on different minima for the two signs, so this matters.
 */
export function fixSign(v: Float64Array): Float64Array {
  for (let k = 0; k < v.length; k++) {
    if (Math.abs(v[k]) > SIGN_THRESHOLD) {
      if (v[k] < 0) for (let j = 0; j < v.length; j++) v[j] = -v[j];
      break;
    }
  }

  return v;
}
