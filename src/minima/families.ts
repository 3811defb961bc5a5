/**
 * Minimizer families of `‖M − W_L⋯W_1‖_F²` (escape/spec.ts documents
 * each): balanced and singular-vector aligned (the flattest), imbalanced
 * rescalings of it, and random factors with the last one solved.
 */
import { InputError } from '../errors.js';
import { type Chain, createChain, validateDims } from '../dmf/index.js';
import {
  derive,
  type Mat,
  matmul,
  Rng,
  svd,
  zeros,
} from '../linalg/index.js';
import { STREAM } from './streams.js';

/** Singular values below this fraction of σ_1 count as zero (rank). */
export const RANK_TOLERANCE = 1e-12;

/**
 * `W_1 = E_1 Σ_k^{1/L} V_kᵀ`, `W_i = E_i Σ_k^{1/L} E_{i−1}ᵀ`,
 * `W_L = U_k Σ_k^{1/L} E_{L−1}ᵀ` with `k = min(d_0, …, d_L)`.
 */
export function balancedMinimizer(target: Mat, dims: number[]): Chain {
  validateDims(dims);
  const depth = dims.length - 1;
  const k = Math.min(...dims);
  const dec = svd(target);
  const rank = numericalRank(dec.values);
  if (rank > k) {
    throw new InputError(
      `the target has rank ${rank} but the narrowest layer of dims ` +
        `[${dims.join(', ')}] has width ${k}: no chain of these widths ` +
        'can represent it',
      { location: 'dims', hint: `widen every layer to at least ${rank}` },
    );
  }
  const chain = createChain(dims);
  // Round-off singular values (beyond the rank) become exact zeros: their
  // L-th roots would otherwise put visible entries (1e-16^(1/L)) into the
  // factors of a rank-deficient target.
  const root = Array.from(dec.values.subarray(0, k), (s, j) =>
    j < rank ? Math.pow(s, 1 / depth) : 0,
  );
  const r = dec.values.length;

  for (let i = 1; i <= depth; i++) {
    const w = chain.factors[i - 1];
    for (let j = 0; j < k; j++) {
      if (i === 1) {
        // Row j of W_1 is s_j v_jᵀ.
        for (let c = 0; c < w.cols; c++) {
          w.data[j * w.cols + c] = root[j] * dec.right.data[c * r + j];
        }
      } else if (i === depth) {
        // Column j of W_L is s_j u_j.
        for (let a = 0; a < w.rows; a++) {
          w.data[a * w.cols + j] = root[j] * dec.left.data[a * r + j];
        }
      } else {
        w.data[j * w.cols + j] = root[j];
      }
    }
  }

  return chain;
}

/** `t_i` evenly spaced in [−1, 1]: sum zero, so Π exp(spread·t_i) = 1. */
export function layerExponents(depth: number): number[] {
  return Array.from({ length: depth }, (_, i) => -1 + (2 * i) / (depth - 1));
}

/** Balanced factors rescaled by `exp(spread · t_i)`; same product. */
export function imbalancedMinimizer(
  target: Mat,
  dims: number[],
  spread: number,
): Chain {
  if (!Number.isFinite(spread)) {
    throw new InputError(`minimizer.spread must be finite, got ${spread}`, {
      location: 'minimizer.spread',
    });
  }
  const chain = balancedMinimizer(target, dims);
  const t = layerExponents(chain.factors.length);
  chain.factors.forEach((w, i) => {
    const c = Math.exp(spread * t[i]);
    for (let k = 0; k < w.data.length; k++) w.data[k] *= c;
  });

  return chain;
}

/**
 * Gaussian `W_1 … W_{L−1}` (entries `N(0, scale²/d_{i−1})`) and
 * `W_L = M B⁺`, the minimum-norm solution of `W_L B = M` with
 * `B = W_{L−1}⋯W_1`; exact only when B has full column rank d_0.
 */
export function randomMinimizer(
  target: Mat,
  dims: number[],
  scale: number,
  seed: number,
): Chain {
  validateDims(dims);
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new InputError(`minimizer.scale must be > 0, got ${scale}`, {
      location: 'minimizer.scale',
    });
  }
  const depth = dims.length - 1;
  const d0 = dims[0];
  const chain = createChain(dims);
  const rng = new Rng(derive(seed, STREAM.factors));
  let b: Mat = zeros(d0, d0);
  for (let j = 0; j < d0; j++) b.data[j * d0 + j] = 1;

  for (let i = 1; i < depth; i++) {
    const w = chain.factors[i - 1];
    rng.fillGaussian(w.data, scale / Math.sqrt(dims[i - 1]));
    const next = zeros(w.rows, d0);
    matmul(next, w, b);
    b = next;
  }

  // W_L = M V Σ⁻¹ Uᵀ from the thin SVD B = U Σ Vᵀ.
  const dec = svd(b);
  const rank = numericalRank(dec.values);
  if (rank < d0) {
    throw new InputError(
      `random minimizer: W_${depth - 1}⋯W_1 has rank ${rank} < d_0 = ${d0} ` +
        `for dims [${dims.join(', ')}], so W_L B = M has no exact solution`,
      {
        location: 'minimizer',
        hint: 'every hidden width must be at least d_0 for this family',
      },
    );
  }
  const m = target;
  const u = dec.left;
  const v = dec.right;
  const dL = m.rows;
  const hidden = b.rows;
  const mvs = zeros(dL, d0);
  for (let a = 0; a < dL; a++) {
    for (let j = 0; j < d0; j++) {
      let s = 0;
      for (let c = 0; c < d0; c++) {
        s += m.data[a * d0 + c] * v.data[c * d0 + j];
      }
      mvs.data[a * d0 + j] = s / dec.values[j];
    }
  }
  const wl = chain.factors[depth - 1];
  for (let a = 0; a < dL; a++) {
    for (let h = 0; h < hidden; h++) {
      let s = 0;
      for (let j = 0; j < d0; j++) {
        s += mvs.data[a * d0 + j] * u.data[h * d0 + j];
      }
      wl.data[a * hidden + h] = s;
    }
  }

  return chain;
}

function numericalRank(values: Float64Array): number {
  const top = values[0] ?? 0;
  if (!(top > 0)) return 0;
  let r = 0;
  for (const s of values) if (s > RANK_TOLERANCE * top) r++;

  return r;
}
