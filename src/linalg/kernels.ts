/**
 * Allocation-free kernels for the GD hot loop. All matrices are row-major
 * (see mat.ts); every product writes into a caller-owned `out` that must
 * not alias an input. Loops run in i-k-j order so the innermost loop walks
 * contiguous rows of both `out` and the right operand.
 */
import type { Mat } from './mat.js';

/** out = a · b  (a: m×k, b: k×n). */
export function matmul(out: Mat, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const o = out.data;
  const x = a.data;
  const y = b.data;
  o.fill(0, 0, m * n);

  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const s = x[i * k + p];
      if (s === 0) continue;
      const yp = p * n;
      for (let j = 0; j < n; j++) o[oi + j] += s * y[yp + j];
    }
  }
}

/** out = aᵀ · b  (a: k×m, b: k×n, out: m×n). */
export function matmulTN(out: Mat, a: Mat, b: Mat): void {
  const k = a.rows;
  const m = a.cols;
  const n = b.cols;
  const o = out.data;
  const x = a.data;
  const y = b.data;
  o.fill(0, 0, m * n);

  // Row p of a scatters into every row of out; row p of b is reused.
  for (let p = 0; p < k; p++) {
    const xp = p * m;
    const yp = p * n;
    for (let i = 0; i < m; i++) {
      const s = x[xp + i];
      if (s === 0) continue;
      const oi = i * n;
      for (let j = 0; j < n; j++) o[oi + j] += s * y[yp + j];
    }
  }
}

/**
 * out = alpha · a · bᵀ  (a: m×k, b: n×k, out: m×n): row-by-row dot
 * products, both operands read contiguously.
 */
export function matmulNT(out: Mat, a: Mat, b: Mat, alpha = 1): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.rows;
  const o = out.data;
  const x = a.data;
  const y = b.data;

  for (let i = 0; i < m; i++) {
    const xi = i * k;
    for (let j = 0; j < n; j++) {
      const yj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += x[xi + p] * y[yj + p];
      o[i * n + j] = alpha * s;
    }
  }
}

/** out += alpha · a · bᵀ, the accumulating form used by HVPs. */
export function addMatmulNT(out: Mat, alpha: number, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.rows;
  const o = out.data;
  const x = a.data;
  const y = b.data;

  for (let i = 0; i < m; i++) {
    const xi = i * k;
    for (let j = 0; j < n; j++) {
      const yj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += x[xi + p] * y[yj + p];
      o[i * n + j] += alpha * s;
    }
  }
}

/** out += aᵀ · b  (accumulating matmulTN). */
export function addMatmulTN(out: Mat, a: Mat, b: Mat): void {
  const k = a.rows;
  const m = a.cols;
  const n = b.cols;
  const o = out.data;
  const x = a.data;
  const y = b.data;

  for (let p = 0; p < k; p++) {
    const xp = p * m;
    const yp = p * n;
    for (let i = 0; i < m; i++) {
      const s = x[xp + i];
      if (s === 0) continue;
      const oi = i * n;
      for (let j = 0; j < n; j++) o[oi + j] += s * y[yp + j];
    }
  }
}

/** out += a · b. */
export function addMatmul(out: Mat, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const o = out.data;
  const x = a.data;
  const y = b.data;

  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const s = x[i * k + p];
      if (s === 0) continue;
      const yp = p * n;
      for (let j = 0; j < n; j++) o[oi + j] += s * y[yp + j];
    }
  }
}
