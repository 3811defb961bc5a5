/** Small independent helpers for the core tests (naive, obviously right). */
import { createChain, type Chain } from '../../src/dmf/index.js';
import { type Mat, Rng, zeros } from '../../src/linalg/index.js';

/** Textbook triple loop, used to check the optimised kernels. */
export function naiveMatmul(a: Mat, b: Mat): Mat {
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) {
        s += a.data[i * a.cols + p] * b.data[p * b.cols + j];
      }
      out.data[i * b.cols + j] = s;
    }
  }

  return out;
}

export function randomMat(rows: number, cols: number, rng: Rng): Mat {
  const m = zeros(rows, cols);
  rng.fillGaussian(m.data);

  return m;
}

/** A chain with i.i.d. Gaussian factors scaled to keep products O(1). */
export function randomChain(dims: number[], rng: Rng): Chain {
  const chain = createChain(dims);
  chain.factors.forEach((w, i) => {
    rng.fillGaussian(w.data, 1 / Math.sqrt(Math.max(1, dims[i])));
  });

  return chain;
}

/** Random widths: depth in [minDepth, maxDepth], widths in [1, maxWidth]. */
export function randomDims(
  rng: Rng,
  minDepth: number,
  maxDepth: number,
  maxWidth: number,
): number[] {
  const depth = minDepth + Math.floor(rng.uniform() * (maxDepth - minDepth + 1));
  return Array.from(
    { length: depth + 1 },
    () => 1 + Math.floor(rng.uniform() * maxWidth),
  );
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));

  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));

  return m;
}
