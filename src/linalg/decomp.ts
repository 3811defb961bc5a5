/**
 * Decompositions delegated to ml-matrix (symmetric eigen-decomposition,
 * SVD), converted to and from our row-major `Mat`, plus a seeded random
 * orthonormal frame by Gram–Schmidt QR of a Gaussian matrix.
 */
import { createRequire } from 'node:module';
import type {
  EigenvalueDecomposition,
  Matrix,
  SingularValueDecomposition,
} from 'ml-matrix';
import { NumericError } from '../errors.js';
import { identity, type Mat, zeros } from './mat.js';
import type { Rng } from './rng.js';

type MlMatrix = {
  Matrix: typeof Matrix;
  EigenvalueDecomposition: typeof EigenvalueDecomposition;
  SingularValueDecomposition: typeof SingularValueDecomposition;
};
let mlModule: MlMatrix | undefined;

/**
 * ml-matrix, loaded on first use through require: importing its CommonJS
 * build from ESM makes Node scan all 150 kB of it for exports at start-up,
 * a cost every trial process and worker thread would pay even when no
 * dense decomposition runs.
 */
function ml(): MlMatrix {
  mlModule ??= createRequire(import.meta.url)('ml-matrix') as MlMatrix;

  return mlModule;
}

export function toMl(a: Mat): Matrix {
  const m = new (ml().Matrix)(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) m.set(i, j, a.data[i * a.cols + j]);
  }

  return m;
}

export function fromMl(m: Matrix): Mat {
  const out = zeros(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) {
      out.data[i * m.columns + j] = m.get(i, j);
    }
  }

  return out;
}

export interface SymEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Column k of this n×n matrix is the unit eigenvector of values[k]. */
  vectors: Mat;
}

/**
 * Eigen-decomposition of a symmetric matrix. The input is symmetrised
 * first ((A + Aᵀ)/2) so round-off asymmetry from assembling it does not
 * leak into the result.
 */
export function symEig(a: Mat): SymEig {
  const n = a.rows;
  if (!a.data.every(Number.isFinite)) {
    throw new NumericError(
      'symmetric eigen-decomposition of a matrix with non-finite entries',
    );
  }
  if (n === 1) {
    return { values: Float64Array.of(a.data[0]), vectors: identity(1) };
  }
  const m = new (ml().Matrix)(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      m.set(i, j, 0.5 * (a.data[i * n + j] + a.data[j * n + i]));
    }
  }
  let evd: EigenvalueDecomposition;
  try {
    const { EigenvalueDecomposition: Evd } = ml();
    evd = new Evd(m, { assumeSymmetric: true });
  } catch (error) {
    // ml-matrix fails with a TypeError on entries near the float64 limit.
    throw new NumericError(
      `symmetric eigen-decomposition failed (${String(error)})`,
      { hint: 'rescale the input: its entries are too large for float64' },
    );
  }
  const raw = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = raw.map((_, k) => k).sort((p, q) => raw[p] - raw[q]);
  const values = new Float64Array(n);
  const vectors = zeros(n, n);

  for (let k = 0; k < n; k++) {
    const src = order[k];
    values[k] = raw[src];
    for (let i = 0; i < n; i++) vectors.data[i * n + k] = vecs.get(i, src);
  }
  if (!values.every(Number.isFinite)) {
    throw new NumericError('symmetric eigen-decomposition did not converge');
  }

  return { values, vectors };
}

/** Column k of an eigenvector matrix as a fresh vector. */
export function column(a: Mat, k: number): Float64Array {
  const v = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) v[i] = a.data[i * a.cols + k];

  return v;
}

export interface Svd {
  /** Singular values, descending. */
  values: Float64Array;
  /** rows × r, orthonormal columns. */
  left: Mat;
  /** cols × r, orthonormal columns. */
  right: Mat;
}

/** Thin SVD `a = left · diag(values) · rightᵀ`, r = min(rows, cols). */
export function svd(a: Mat): Svd {
  const dec = new (ml().SingularValueDecomposition)(toMl(a), {
    autoTranspose: true,
  });
  const r = Math.min(a.rows, a.cols);
  const diag = dec.diagonal;
  const u = dec.leftSingularVectors;
  const v = dec.rightSingularVectors;
  const order = Array.from({ length: diag.length }, (_, k) => k).sort(
    (p, q) => diag[q] - diag[p],
  );
  const values = new Float64Array(r);
  const left = zeros(a.rows, r);
  const right = zeros(a.cols, r);

  for (let k = 0; k < r; k++) {
    const src = order[k];
    values[k] = diag[src];
    for (let i = 0; i < a.rows; i++) left.data[i * r + k] = u.get(i, src);
    for (let i = 0; i < a.cols; i++) right.data[i * r + k] = v.get(i, src);
  }
  if (!values.every(Number.isFinite)) {
    throw new NumericError('singular value decomposition did not converge');
  }

  return { values, left, right };
}

/**
 * A Haar-random n×n orthogonal matrix: modified Gram–Schmidt (applied
 * twice for orthogonality to round-off) on a Gaussian matrix's columns,
 * which is QR with the positive-diagonal convention.
 */
export function randomOrthogonal(n: number, rng: Rng): Mat {
  const cols: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const g = rng.fillGaussian(new Float64Array(n));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i] * g[i];
        for (let i = 0; i < n; i++) g[i] -= d * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += g[i] * g[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-8)) {
      throw new NumericError('random frame: Gaussian columns are dependent');
    }
    for (let i = 0; i < n; i++) g[i] /= norm;
    cols.push(g);
  }
  const q = zeros(n, n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) q.data[i * n + k] = cols[k][i];
  }

  return q;
}
