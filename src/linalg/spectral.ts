/**
 * Top singular value and vector of a matrix: densely through its Gram
 * matrix when small, matrix-free through Lanczos otherwise.
 */
import { column, symEig } from './decomp.js';
import { matmul, matmulNT, matmulTN } from './kernels.js';
import { lanczos, type LinearOperator } from './lanczos.js';
import { type Mat, zeros } from './mat.js';

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
