import { describe, expect, it } from 'vitest';
import {
  chainFromFactors,
  denseHessian,
  hessianVector,
  product,
} from '../../src/dmf/index.js';
import {
  fromRows,
  Rng,
  svd,
  symEig,
  zeros,
} from '../../src/linalg/index.js';
import {
  closedForms,
  flattestDirection,
  hessianExtremes,
  minimizerSharpness,
  sharpnessReport,
} from '../../src/sharpness/index.js';
import { cases, relErr } from './cases.js';
import { maxAbs, randomChain, randomDims } from './helpers.js';

function firstSignificant(v: Float64Array): number {
  for (const x of v) if (Math.abs(x) > 1e-12) return x;

  return 0;
}

describe('top Hessian eigenvector at a minimizer', () => {
  cases.minimizers.forEach((c, k) => {
    it(`case ${k}: H v = λ v via HVP, unit norm, sign rule`, () => {
      const chain = chainFromFactors(c.factors);
      const target = fromRows(c.target);
      const { sharpness, top } = minimizerSharpness(chain);
      const hv = hessianVector(chain, target, top);
      const residual = hv.map((x, i) => x - sharpness * top[i]);
      expect(maxAbs(residual)).toBeLessThan(1e-9 * sharpness);
      expect(Math.hypot(...top)).toBeCloseTo(1, 13);
      expect(firstSignificant(top)).toBeGreaterThan(0);
    });
  });
});

describe('flattest nonzero direction', () => {
  cases.minimizers.forEach((c, k) => {
    it(`case ${k}: smallest nonzero Hessian eigenpair`, () => {
      const chain = chainFromFactors(c.factors);
      const target = fromRows(c.target);
      const flat = flattestDirection(chain);
      const hv = hessianVector(chain, target, flat.direction);
      const residual = hv.map((x, i) => x - flat.value * flat.direction[i]);
      expect(maxAbs(residual)).toBeLessThan(1e-8 * c.sharpness);
      expect(firstSignificant(flat.direction)).toBeGreaterThan(0);

      // Independent check: the dense Hessian's smallest eigenvalue above
      // the round-off floor.
      const values = symEig(denseHessian(chain, target)).values;
      const nonzero = [...values].filter((x) => x > 1e-8 * c.sharpness);
      expect(relErr(flat.value, Math.min(...nonzero))).toBeLessThan(1e-7);
    });
  });
});

describe('routes chosen by size agree', () => {
  it('wide outputs (d_L·d_0 > 256) use Lanczos on T by default', () => {
    const rng = new Rng(31);
    const chain = randomChain([17, 3, 2, 17], rng);
    const byDefault = minimizerSharpness(chain);
    const dense = minimizerSharpness(chain, { denseLimit: 1e9 });
    expect(byDefault.route).toBe('lanczos');
    expect(relErr(byDefault.sharpness, dense.sharpness)).toBeLessThan(1e-9);
  });

  it('more than 400 parameters use Lanczos on HVPs by default', () => {
    const rng = new Rng(32);
    const chain = randomChain([10, 12, 14, 10], rng) // 428 parameters;
    const target = product(chain);
    target.data[0] += 0.3; // off the minimizer: residual term matters
    const byDefault = hessianExtremes(chain, target);
    const dense = hessianExtremes(chain, target, { denseLimit: 1e9 });
    expect(byDefault.route).toBe('lanczos');
    expect(relErr(byDefault.lambdaMax, dense.lambdaMax)).toBeLessThan(1e-9);
    expect(relErr(byDefault.lambdaMin, dense.lambdaMin)).toBeLessThan(1e-8);
  });
});

describe('wide depth-2 minimizers (T is a Kronecker sum)', () => {
  /** W_1 = e^c·diag(√s)Vᵀ, W_2 = e^(−c)·U diag(√s): a minimizer of M. */
  function imbalancedPair(d: number, c: number, seed: number) {
    const rng = new Rng(seed);
    const rows = Array.from({ length: d }, () =>
      Array.from({ length: d }, () => rng.gaussian()));
    const m = fromRows(rows);
    const dec = svd(m);
    const w1 = zeros(d, d);
    const w2 = zeros(d, d);
    for (let i = 0; i < d; i++) {
      const r = Math.sqrt(dec.values[i]);
      for (let j = 0; j < d; j++) {
        w1.data[i * d + j] = Math.exp(c) * r * dec.right.data[j * d + i];
        w2.data[j * d + i] = Math.exp(-c) * dec.left.data[j * d + i] * r;
      }
    }

    return { chain: chainFromFactors([w1, w2]), target: m };
  }

  it('strong imbalance: the exact value is the depth-2 closed form', () => {
    // e^{±3}: the top of T is a tight cluster (Lanczos on T itself needs
    // ~290 iterations here and over 1000 at width 200).
    const { chain, target } = imbalancedPair(40, 3, 5);
    const exact = minimizerSharpness(chain);
    const forms = closedForms(chain, target);
    expect(relErr(exact.sharpness, forms.depth2.value)).toBeLessThan(1e-12);
    // The direction is a unit eigenvector of the Hessian: H v = λ v.
    const hv = hessianVector(chain, target, exact.top);
    let residual = 0;
    for (let k = 0; k < hv.length; k++) {
      residual = Math.max(residual,
        Math.abs(hv[k] - exact.sharpness * exact.top[k]));
    }
    expect(residual).toBeLessThan(1e-9 * exact.sharpness);
  });

  it('mild imbalance: the same value as Lanczos on the whole T', () => {
    const { chain } = imbalancedPair(12, 0.5, 6);
    const split = minimizerSharpness(chain);
    const dense = minimizerSharpness(chain, { denseLimit: 1e9 });
    expect(relErr(split.sharpness, dense.sharpness)).toBeLessThan(1e-12);
  });
});

describe('closed forms and bounds (DESIGN.md §1.1 table)', () => {
  const rng = new Rng(2024);
  const trials = Array.from({ length: 120 }, () => randomDims(rng, 2, 6, 5));
  let strictLower = 0;
  let strictUpper = 0;

  it('rankOne ≤ exact ≤ spectralNormSum, equal exactly where flagged', () => {
    for (const dims of trials) {
      const chain = randomChain(dims, rng);
      const target = product(chain);
      const exact = minimizerSharpness(chain).sharpness;
      const forms = closedForms(chain, target, { exactSharpness: exact });
      const depth = dims.length - 1;
      const [d0, dL] = [dims[0], dims[depth]];
      const tol = 1e-9 * exact;

      expect(forms.rankOne.value).toBeLessThanOrEqual(exact + tol);
      expect(forms.spectralNormSum.value).toBeGreaterThanOrEqual(exact - tol);
      expect(forms.spectralNormSum.exact).toBe(
        depth === 2 || (d0 === 1 && dL === 1),
      );
      expect(forms.rankOne.exact).toBe(depth === 2 || d0 === 1 || dL === 1);
      for (const form of Object.values(forms)) {
        if (form.exact) expect(relErr(form.value, exact)).toBeLessThan(1e-9);
      }
      expect('depth2' in forms).toBe(depth === 2);
      expect('scalarChain' in forms).toBe(dims.every((d) => d === 1));

      if (depth >= 3 && d0 >= 2 && dL >= 2) {
        if (exact - forms.rankOne.value > 1e-6 * exact) strictLower++;
        if (forms.spectralNormSum.value - exact > 1e-6 * exact) strictUpper++;
      }
    }
  });

  it('the bounds are strict on some generic deep shapes', () => {
    expect(strictLower).toBeGreaterThan(0);
    expect(strictUpper).toBeGreaterThan(0);
  });

  it('scalar chains: 2 Σ_i Π_{j≠i} w_j²', () => {
    const report = sharpnessReport([[[2]], [[0.5]], [[3]]]);
    const want = 2 * (0.25 * 9 + 4 * 9 + 4 * 0.25);
    expect(relErr(report.sharpness, want)).toBeLessThan(1e-14);
    expect(report.closedForms.scalarChain).toEqual({
      value: expect.closeTo(want, 12),
      exact: true,
    });
  });
});

describe('sharpnessReport', () => {
  it('defaults the target to the product (a minimizer)', () => {
    const c = cases.minimizers[4];
    const report = sharpnessReport(c.factors);
    expect(report.atMinimizer).toBe(true);
    expect(report.loss).toBe(0);
    expect(relErr(report.sharpness, c.sharpness)).toBeLessThan(1e-9);
    expect(report.bounds.lower).toBeLessThanOrEqual(report.sharpness);
    expect(report.bounds.upper).toBeGreaterThanOrEqual(report.sharpness);
  });

  it('bounds bracket the sharpness even where both are exact (L = 2)', () => {
    for (const c of cases.minimizers.filter((m) => m.dims.length === 3)) {
      const report = sharpnessReport(c.factors, c.target);
      expect(report.bounds.lower).toBeLessThanOrEqual(report.sharpness);
      expect(report.bounds.upper).toBeGreaterThanOrEqual(report.sharpness);
      expect(relErr(report.bounds.lower, c.sharpness)).toBeLessThan(1e-9);
      expect(relErr(report.bounds.upper, c.sharpness)).toBeLessThan(1e-9);
    }
  });

  it('flags no closed form exact away from a minimizer', () => {
    const c = cases.nonMinimizers[0];
    const report = sharpnessReport(c.factors, c.target);
    for (const form of Object.values(report.closedForms)) {
      expect(form.exact).toBe(false);
    }
  });

  it('rejects factors whose shapes do not chain', () => {
    expect(() => sharpnessReport([[[1, 2]], [[1, 2]]])).toThrow(/columns/);
  });
});

describe('degenerate chains', () => {
  it('all-zero factors of a zero target: sharpness 0, no error', () => {
    const report = sharpnessReport([[[0, 0]], [[0]], [[0], [0]]]);
    expect(report.atMinimizer).toBe(true);
    expect(report.sharpness).toBe(0);
  });
});

describe('independent routes agree on random minimizers', () => {
  it('T (dense, Lanczos) and the full Hessian give one sharpness', () => {
    const rng = new Rng(77);
    for (let t = 0; t < 30; t++) {
      const dims = randomDims(rng, 2, 5, 4);
      const chain = randomChain(dims, rng);
      const target = product(chain);
      const dense = minimizerSharpness(chain, { denseLimit: 1e9 });
      const krylov = minimizerSharpness(chain, { denseLimit: 0 });
      const full = hessianExtremes(chain, target);
      expect(relErr(krylov.sharpness, dense.sharpness)).toBeLessThan(1e-9);
      expect(relErr(full.lambdaMax, dense.sharpness)).toBeLessThan(1e-9);
      // PSD at a minimizer: λ_min is zero up to round-off.
      expect(full.lambdaMin).toBeGreaterThan(-1e-10 * dense.sharpness);
    }
  });
});
