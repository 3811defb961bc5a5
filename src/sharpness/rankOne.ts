/**
 * The rank-one lower bound `2 max_{‖u‖=‖v‖=1} Σ_i ‖A_iᵀu‖² ‖B_i v‖²`,
 * i.e. `2 max ⟨X, T X⟩` over unit rank-one `X = u vᵀ`. Alternating
 * maximisation: with v fixed the best u is the top eigenvector of
 * `Σ_i ‖B_i v‖² A_iA_iᵀ`, and symmetrically for v; each half-step cannot
 * decrease the objective. Several deterministic starts guard against a
 * poor local maximum; when d_0 = 1 or d_L = 1 one step is exact.
 */
import {
  column,
  derive,
  lanczos,
  type Mat,
  matmul,
  Rng,
  symEig,
  topSingular,
  zeros,
} from '../linalg/index.js';
import type { ChainGrams } from './operator.js';

const MAX_ROUNDS = 1000;
const RELATIVE_STOP = 1e-15;
const RANDOM_STARTS = 3;

export function rankOneValue(g: ChainGrams, target: Mat): number {
  const starts: Float64Array[] = [];
  const top = topSingular(target);
  if (top.normSq > 0) starts.push(top.right);
  for (const gb of g.rightGram) starts.push(topEigenvector(gb));
  const rng = new Rng(derive(0, 0x72616e6b));
  for (let k = 0; k < RANDOM_STARTS; k++) {
    starts.push(rng.fillGaussian(new Float64Array(g.cols)));
  }

  // With a vector end (d_0 = 1 or d_L = 1) one climb from any start is
  // exact; the other starts would only repeat it (at O(depth) each).
  const used = g.cols === 1 || g.rows === 1 ? starts.slice(0, 1) : starts;
  let best = 0;
  for (const v of used) best = Math.max(best, climb(g, unit(v)));

  return 2 * best;
}

/** Alternating ascent from v; returns the final objective Σ. */
function climb(g: ChainGrams, v0: Float64Array): number {
  let v = v0;
  let u: Float64Array | undefined;
  let value = -Infinity;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wv = g.rightGram.map((gb) => quad(gb, v));
    u = topEigenvector(weighted(g.leftGram, wv), u);
    const wu = g.leftGram.map((ga) => quad(ga, u as Float64Array));
    v = topEigenvector(weighted(g.rightGram, wu), v);

    let next = 0;
    for (let i = 0; i < wu.length; i++) next += wu[i] * quad(g.rightGram[i], v);
    const done = next - value <= RELATIVE_STOP * Math.abs(next);
    value = Math.max(value, next);
    if (done) break;
  }

  return value;
}

/** xᵀ S x. */
function quad(s: Mat, x: Float64Array): number {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += s.data[i * n + j] * x[j];
    total += x[i] * row;
  }

  return total;
}

/** Σ_i c_i S_i. */
function weighted(mats: Mat[], c: number[]): Mat {
  const n = mats[0].rows;
  const out = zeros(n, n);
  mats.forEach((m, i) => {
    for (let k = 0; k < n * n; k++) out.data[k] += c[i] * m.data[k];
  });

  return out;
}

/**
 * Matrices up to this size get a dense eigen-decomposition; larger ones
 * Lanczos started from the previous round's vector, which is already
 * close, so a few iterations suffice.
 */
const DENSE_EIG_LIMIT = 24;

/** Top eigenvector of a symmetric PSD matrix, near `guess` when given. */
function topEigenvector(s: Mat, guess?: Float64Array): Float64Array {
  const n = s.rows;
  if (n === 1) return Float64Array.of(1);
  if (n <= DENSE_EIG_LIMIT) return column(symEig(s).vectors, n - 1);
  const x: Mat = { rows: n, cols: 1, data: new Float64Array(n) };
  const y: Mat = { rows: n, cols: 1, data: new Float64Array(n) };
  const op = (xv: Float64Array, out: Float64Array) => {
    x.data = xv;
    y.data = out;
    matmul(y, s, x);
  };

  return lanczos(op, n, { want: 'largest', tol: 1e-13, start: guess })
    .largest.vector;
}

function unit(v: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  const out = new Float64Array(v.length);
  if (!(n > 0)) {
    out[0] = 1;

    return out;
  }
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;

  return out;
}
