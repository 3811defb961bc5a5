/**
 * Allocation-free matrix products for the GD hot loop. All matrices are
 * row-major (see mat.ts); every product writes into a caller-owned `out`
 * that must not alias an input.
 *
 * Each entry point sends products of at least NATIVE_MIN_WORK
 * multiply-adds to the native kernels (native/, packed register-tiled
 * AVX-512/AVX2-FMA micro-kernels chosen at run time, see native.ts) when
 * the addon is loaded; smaller ones, and every product when it is not, run
 * in the JavaScript kernels below.
 *
 * Two JavaScript kernels do that work. `rowCombination` builds each output
 * row as a combination of rows of the right operand (i-k-j order: the
 * inner loop walks contiguous rows), with the k loop unrolled by four so
 * each pass over an output row does four multiply-adds per load/store; it
 * serves `a·b` and `aᵀ·b` through the strides of the left operand.
 * `dotBlock` computes `a·bᵀ` as dot products of rows, 2×2 at a time so
 * every loaded value is used twice. Unrolling, FMA and the native blocking
 * change the summation order only, so results differ from the textbook
 * loop (and native from JavaScript) by round-off.
 *
 * LIMITATION: without the native addon (no C++ compiler at install time,
 * or SHARPSWEEP_NATIVE=0) every product runs in these scalar JavaScript
 * loops, and from width ~16 a BLAS-backed NumPy step is then faster
 * (about 0.7× NumPy at width 16, 0.14× at 32, 0.07× at 128). With the
 * addon each product still pays a Node-API call (about 0.15 µs), and the
 * GD step's element-wise passes (residual, update) stay in JavaScript, so
 * at width 128, where NumPy runs at its dgemm rate, a step is only 1–1.3×
 * as fast as NumPy's (bench/RESULTS.md).
 */
import type { Mat } from './mat.js';
import { nativeGemm } from './native.js';

/**
 * o[i,:] (+)= Σ_p x(i,p) · y[p,:] with x(i,p) = x[i·rs + p·cs]:
 * o is m×n, y is k×n.
 */
function rowCombination(
  o: Float64Array,
  x: Float64Array,
  rs: number,
  cs: number,
  y: Float64Array,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  if (!accumulate) o.fill(0, 0, m * n);

  for (let i = 0; i < m; i++) {
    const oi = i * n;
    const xi = i * rs;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const s0 = x[xi + p * cs];
      const s1 = x[xi + (p + 1) * cs];
      const s2 = x[xi + (p + 2) * cs];
      const s3 = x[xi + (p + 3) * cs];
      const y0 = p * n;
      const y1 = y0 + n;
      const y2 = y1 + n;
      const y3 = y2 + n;
      for (let j = 0; j < n; j++) {
        o[oi + j] +=
          s0 * y[y0 + j] + s1 * y[y1 + j] + s2 * y[y2 + j] + s3 * y[y3 + j];
      }
    }
    for (; p < k; p++) {
      const s = x[xi + p * cs];
      const yp = p * n;
      for (let j = 0; j < n; j++) o[oi + j] += s * y[yp + j];
    }
  }
}

/**
 * o[i,j] (+)= alpha · Σ_p x[i,p] y[j,p]: x is m×k, y is n×k, o is m×n.
 * Rows i, i+1 against j, j+1 share their loads (2×2 register block).
 */
function dotBlock(
  o: Float64Array,
  x: Float64Array,
  y: Float64Array,
  m: number,
  k: number,
  n: number,
  alpha: number,
  accumulate: boolean,
): void {
  const put = (idx: number, v: number) => {
    o[idx] = accumulate ? o[idx] + alpha * v : alpha * v;
  };
  let i = 0;

  for (; i + 1 < m; i += 2) {
    const x0 = i * k;
    const x1 = x0 + k;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const y0 = j * k;
      const y1 = y0 + k;
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let p = 0; p < k; p++) {
        const u0 = x[x0 + p];
        const u1 = x[x1 + p];
        const v0 = y[y0 + p];
        const v1 = y[y1 + p];
        a += u0 * v0;
        b += u0 * v1;
        c += u1 * v0;
        d += u1 * v1;
      }
      put(i * n + j, a);
      put(i * n + j + 1, b);
      put((i + 1) * n + j, c);
      put((i + 1) * n + j + 1, d);
    }
    for (; j < n; j++) {
      const yj = j * k;
      let a = 0;
      let c = 0;
      for (let p = 0; p < k; p++) {
        a += x[x0 + p] * y[yj + p];
        c += x[x1 + p] * y[yj + p];
      }
      put(i * n + j, a);
      put((i + 1) * n + j, c);
    }
  }
  for (; i < m; i++) {
    const xi = i * k;
    for (let j = 0; j < n; j++) {
      const yj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += x[xi + p] * y[yj + p];
      put(i * n + j, s);
    }
  }
}

/** The JavaScript kernels alone (the fallback; tests compare against it). */
export const jsKernels = {
  matmul(out: Mat, a: Mat, b: Mat): void {
    rowCombination(
      out.data, a.data, a.cols, 1, b.data, a.rows, a.cols, b.cols, false,
    );
  },
  addMatmul(out: Mat, a: Mat, b: Mat): void {
    rowCombination(
      out.data, a.data, a.cols, 1, b.data, a.rows, a.cols, b.cols, true,
    );
  },
  matmulTN(out: Mat, a: Mat, b: Mat): void {
    rowCombination(
      out.data, a.data, 1, a.cols, b.data, a.cols, a.rows, b.cols, false,
    );
  },
  addMatmulTN(out: Mat, a: Mat, b: Mat): void {
    rowCombination(
      out.data, a.data, 1, a.cols, b.data, a.cols, a.rows, b.cols, true,
    );
  },
  matmulNT(out: Mat, a: Mat, b: Mat, alpha = 1): void {
    dotBlock(out.data, a.data, b.data, a.rows, a.cols, b.rows, alpha, false);
  },
  addMatmulNT(out: Mat, alpha: number, a: Mat, b: Mat): void {
    dotBlock(out.data, a.data, b.data, a.rows, a.cols, b.rows, alpha, true);
  },
};

/**
 * Products with at least this many multiply-adds (m·n·k) go to the native
 * kernels when they are loaded; below it the addon's call overhead (about
 * 0.15 µs) outweighs its speed (measured: at 4×4×4 JavaScript takes ~65 ns
 * and the addon ~170 ns; from about 6×6×6 on the addon is as fast or faster).
 */
export const NATIVE_MIN_WORK = 256;

const gemm = nativeGemm;

/** out = a · b  (a: m×k, b: k×n). */
export function matmul(out: Mat, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 0, 1, false);
  } else {
    rowCombination(out.data, a.data, k, 1, b.data, m, k, n, false);
  }
}

/** out += a · b. */
export function addMatmul(out: Mat, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 0, 1, true);
  } else {
    rowCombination(out.data, a.data, k, 1, b.data, m, k, n, true);
  }
}

/** out = aᵀ · b  (a: k×m, b: k×n, out: m×n). */
export function matmulTN(out: Mat, a: Mat, b: Mat): void {
  const m = a.cols;
  const k = a.rows;
  const n = b.cols;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 1, 1, false);
  } else {
    rowCombination(out.data, a.data, 1, m, b.data, m, k, n, false);
  }
}

/** out += aᵀ · b. */
export function addMatmulTN(out: Mat, a: Mat, b: Mat): void {
  const m = a.cols;
  const k = a.rows;
  const n = b.cols;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 1, 1, true);
  } else {
    rowCombination(out.data, a.data, 1, m, b.data, m, k, n, true);
  }
}

/** out = alpha · a · bᵀ  (a: m×k, b: n×k, out: m×n). */
export function matmulNT(out: Mat, a: Mat, b: Mat, alpha = 1): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.rows;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 2, alpha, false);
  } else {
    dotBlock(out.data, a.data, b.data, m, k, n, alpha, false);
  }
}

/** out += alpha · a · bᵀ, the accumulating form used by HVPs. */
export function addMatmulNT(out: Mat, alpha: number, a: Mat, b: Mat): void {
  const m = a.rows;
  const k = a.cols;
  const n = b.rows;
  if (gemm !== null && m * n * k >= NATIVE_MIN_WORK) {
    gemm(out.data, a.data, b.data, m, n, k, 2, alpha, true);
  } else {
    dotBlock(out.data, a.data, b.data, m, k, n, alpha, true);
  }
}
