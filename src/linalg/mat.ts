/**
 * Dense row-major matrices on flat Float64Arrays: entry (i, j) of an
 * `rows × cols` matrix lives at `data[i * cols + j]`. `data` may be a view
 * into a larger buffer (the chain keeps all factors in one parameter
 * vector), so kernels never assume they own it.
 */
import { InputError } from '../errors.js';

export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** A matrix header over `buffer[offset … offset + rows·cols)`. */
export function view(
  buffer: Float64Array,
  offset: number,
  rows: number,
  cols: number,
): Mat {
  return { rows, cols, data: buffer.subarray(offset, offset + rows * cols) };
}

export function identity(n: number): Mat {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;

  return m;
}

export function clone(a: Mat): Mat {
  return { rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) };
}

/**
 * Builds a matrix from an array of rows, rejecting ragged or non-finite
 * input with a message that says where it is.
 */
export function fromRows(rows: number[][], location = 'matrix'): Mat {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new InputError(`${location} must be a non-empty array of rows`, {
      location,
    });
  }
  const cols = Array.isArray(rows[0]) ? rows[0].length : 0;
  if (cols === 0) {
    throw new InputError(`${location} rows must be non-empty arrays`, {
      location,
    });
  }
  const m = zeros(rows.length, cols);

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new InputError(
        `${location} row ${i} has ${Array.isArray(row) ? row.length : 0} ` +
          `entries, expected ${cols} like row 0`,
        { location: `${location}[${i}]` },
      );
    }
    for (let j = 0; j < cols; j++) {
      const x = row[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new InputError(
          `${location}[${i}][${j}] must be a finite number, got ${x}`,
          { location: `${location}[${i}][${j}]` },
        );
      }
      m.data[i * cols + j] = x;
    }
  }

  return m;
}

export function toRows(a: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) {
    out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  }

  return out;
}

export function transpose(a: Mat): Mat {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      t.data[j * a.rows + i] = a.data[i * a.cols + j];
    }
  }

  return t;
}

/** Squared Frobenius norm. */
export function frobSq(a: Mat): number {
  let s = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];

  return s;
}

export function frob(a: Mat): number {
  return Math.sqrt(frobSq(a));
}

/** `a − b` as a new matrix (shapes must agree). */
export function sub(a: Mat, b: Mat): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = a.data[i] - b.data[i];
  }

  return out;
}

export function sameShape(a: Mat, b: Mat): boolean {
  return a.rows === b.rows && a.cols === b.cols;
}
