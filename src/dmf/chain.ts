/**
 * A deep matrix factorization chain `W_L ⋯ W_1`. All factors live in one
 * flat parameter vector — W_1 row by row, then W_2, … — and `factors[i]`
 * (= W_{i+1}) are matrix views into it, so a GD step is one pass over a
 * single Float64Array and parameter-space vectors (directions, Hessian
 * eigenvectors) share the layout.
 */
import { InputError } from '../errors.js';
import { fromRows, type Mat, matmul, view, zeros } from '../linalg/index.js';

export interface Chain {
  /** `[d_0, …, d_L]`. */
  dims: number[];
  params: Float64Array;
  /** `factors[i]` is `W_{i+1}`, `d_{i+1} × d_i`, a view into params. */
  factors: Mat[];
}

/** Either our matrices or arrays of rows (the JSON input form). */
export type MatrixInput = Mat | number[][];

export function paramCount(dims: number[]): number {
  let n = 0;
  for (let i = 1; i < dims.length; i++) n += dims[i] * dims[i - 1];

  return n;
}

export function validateDims(dims: number[], location = 'dims'): void {
  if (!Array.isArray(dims) || dims.length < 3) {
    throw new InputError(
      `${location} must list at least 3 widths [d_0, …, d_L] (depth ≥ 2), ` +
        `got ${JSON.stringify(dims)}`,
      { location },
    );
  }
  dims.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1) {
      throw new InputError(
        `${location}[${i}] must be a positive integer width, got ${d}`,
        { location: `${location}[${i}]` },
      );
    }
  });
}

/** A chain of the given widths over `params` (zeros when absent). */
export function createChain(dims: number[], params?: Float64Array): Chain {
  validateDims(dims);
  const n = paramCount(dims);
  const buffer = params ?? new Float64Array(n);
  if (buffer.length !== n) {
    throw new InputError(
      `parameter vector has ${buffer.length} entries, dims need ${n}`,
    );
  }
  const factors: Mat[] = [];
  let offset = 0;

  for (let i = 1; i < dims.length; i++) {
    factors.push(view(buffer, offset, dims[i], dims[i - 1]));
    offset += dims[i] * dims[i - 1];
  }

  return { dims: dims.slice(), params: buffer, factors };
}

export function toMat(m: MatrixInput, location: string): Mat {
  return Array.isArray(m) ? fromRows(m, location) : m;
}

/**
 * Copies factors `[W_1, …, W_L]` into a fresh chain, checking that
 * consecutive shapes fit (`W_i` is `d_i × d_{i−1}`).
 */
export function chainFromFactors(factors: MatrixInput[]): Chain {
  if (!Array.isArray(factors) || factors.length < 2) {
    throw new InputError(
      `factors must list at least 2 matrices [W_1, …, W_L], got ` +
        `${Array.isArray(factors) ? factors.length : typeof factors}`,
      { location: 'factors' },
    );
  }
  const mats = factors.map((f, i) => toMat(f, `factors[${i}]`));
  const dims = [mats[0].cols];

  mats.forEach((w, i) => {
    if (w.cols !== dims[i]) {
      throw new InputError(
        `factors[${i}] (W_${i + 1}) is ${w.rows}×${w.cols} but must have ` +
          `${dims[i]} columns to follow W_${i} (${dims[i]} rows)`,
        {
          location: `factors[${i}]`,
          hint: 'list W_1 first; W_i has shape d_i × d_{i−1}',
        },
      );
    }
    dims.push(w.rows);
  });
  const chain = createChain(dims);
  mats.forEach((w, i) => chain.factors[i].data.set(w.data));

  return chain;
}

export function cloneChain(chain: Chain): Chain {
  return createChain(chain.dims, Float64Array.from(chain.params));
}

export function depth(chain: Chain): number {
  return chain.factors.length;
}

/** `P = W_L ⋯ W_1` (`d_L × d_0`), multiplied from the right end. */
export function product(chain: Chain): Mat {
  let acc = chain.factors[0];
  for (let i = 1; i < chain.factors.length; i++) {
    const w = chain.factors[i];
    const next = zeros(w.rows, acc.cols);
    matmul(next, w, acc);
    acc = next;
  }

  return { rows: acc.rows, cols: acc.cols, data: Float64Array.from(acc.data) };
}

/** `‖M − P‖_F²` (no factor 1/2). */
export function loss(chain: Chain, target: Mat): number {
  const p = product(chain);
  let s = 0;
  for (let i = 0; i < p.data.length; i++) {
    const r = target.data[i] - p.data[i];
    s += r * r;
  }

  return s;
}

/** Checks that `target` is `d_L × d_0` for this chain. */
export function checkTarget(chain: Chain, target: Mat): void {
  const rows = chain.dims[chain.dims.length - 1];
  const cols = chain.dims[0];
  if (target.rows !== rows || target.cols !== cols) {
    throw new InputError(
      `target is ${target.rows}×${target.cols} but the chain maps ` +
        `${cols} → ${rows}, so it must be ${rows}×${cols} (d_L × d_0)`,
      { location: 'target' },
    );
  }
}
