/** Flat-vector kernels (BLAS level 1) on Float64Arrays. */

/** y += alpha · x. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  const n = y.length;
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) s += x[i] * y[i];

  return s;
}

export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

export function scale(alpha: number, x: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) x[i] *= alpha;
}

/** ‖x − y‖₂. */
export function distance(x: Float64Array, y: Float64Array): number {
  let s = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    s += d * d;
  }

  return Math.sqrt(s);
}

/**
 * Scales x to unit length in place and returns its former norm; a zero
 * vector is left alone (norm 0 returned) so callers decide what that means.
 */
export function normalize(x: Float64Array): number {
  const n = norm2(x);
  if (n > 0) scale(1 / n, x);

  return n;
}
