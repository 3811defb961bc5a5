import { describe, expect, it } from 'vitest';
import {
  addMatmul,
  addMatmulNT,
  addMatmulTN,
  column,
  derive,
  lanczos,
  matmul,
  matmulNT,
  matmulTN,
  randomOrthogonal,
  Rng,
  spectralNormSq,
  svd,
  symEig,
  topSingular,
  transpose,
  tridiagonalValues,
  zeros,
} from '../../src/linalg/index.js';
import { maxAbsDiff, naiveMatmul, randomMat } from './helpers.js';

describe('kernels agree with the textbook triple loop', () => {
  const rng = new Rng(11);
  const shapes = [
    [1, 1, 1],
    [3, 4, 2],
    [5, 1, 6],
    [2, 7, 3],
  ];

  for (const [m, k, n] of shapes) {
    it(`${m}×${k} · ${k}×${n} in all transpose forms`, () => {
      const a = randomMat(m, k, rng);
      const b = randomMat(k, n, rng);
      const want = naiveMatmul(a, b);

      const out = zeros(m, n);
      matmul(out, a, b);
      expect(maxAbsDiff(out.data, want.data)).toBeLessThan(1e-13);

      matmulTN(out, transpose(a), b);
      expect(maxAbsDiff(out.data, want.data)).toBeLessThan(1e-13);

      matmulNT(out, a, transpose(b), 1);
      expect(maxAbsDiff(out.data, want.data)).toBeLessThan(1e-13);

      // Accumulating forms: out starts at want, so the result is 2·want.
      const acc = [zeros(m, n), zeros(m, n), zeros(m, n)];
      acc.forEach((x) => x.data.set(want.data));
      addMatmul(acc[0], a, b);
      addMatmulTN(acc[1], transpose(a), b);
      addMatmulNT(acc[2], 1, a, transpose(b));
      const twice = want.data.map((x) => 2 * x);
      for (const x of acc) expect(maxAbsDiff(x.data, twice)).toBeLessThan(1e-12);
    });
  }
});

describe('seeded randomness', () => {
  it('same seed gives the identical stream', () => {
    const a = new Rng(12345);
    const b = new Rng(12345);
    for (let i = 0; i < 1000; i++) expect(a.nextU32()).toBe(b.nextU32());
  });

  it('derived sub-streams differ from each other and from the parent', () => {
    const seeds = [derive(7, 1), derive(7, 2), derive(8, 1), 7];
    expect(new Set(seeds).size).toBe(4);
    const firsts = seeds.map((s) => new Rng(s).nextU32());
    expect(new Set(firsts).size).toBe(4);
    for (const s of seeds) expect(Number.isSafeInteger(s)).toBe(true);
  });

  it('large and negative seeds are accepted and distinct', () => {
    const big = new Rng(2 ** 52 + 3).nextU32();
    const neg = new Rng(-5).nextU32();
    const small = new Rng(3).nextU32();
    expect(new Set([big, neg, small]).size).toBe(3);
  });

  it('uniform draws lie in [0,1) with mean ≈ 1/2; Gaussians ≈ N(0,1)', () => {
    const rng = new Rng(99);
    const n = 200000;
    let su = 0;
    let sg = 0;
    let sg2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      const g = rng.gaussian();
      sg += g;
      sg2 += g * g;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    // Standard errors: 0.29/√n ≈ 6.5e-4 and 1/√n ≈ 2.2e-3.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(4e-3);
    expect(Math.abs(sg / n)).toBeLessThan(1e-2);
    expect(Math.abs(sg2 / n - 1)).toBeLessThan(2e-2);
  });
});

describe('decompositions', () => {
  const rng = new Rng(5);

  it('symEig: A v = λ v, ascending values', () => {
    const b = randomMat(6, 6, rng);
    const a = zeros(6, 6);
    matmulNT(a, b, b);
    const eig = symEig(a);
    for (let k = 0; k < 6; k++) {
      const v = column(eig.vectors, k);
      const av = zeros(6, 1);
      matmul(av, a, { rows: 6, cols: 1, data: v });
      const lv = v.map((x) => x * eig.values[k]);
      expect(maxAbsDiff(av.data, lv)).toBeLessThan(1e-12 * eig.values[5]);
      if (k > 0) expect(eig.values[k]).toBeGreaterThanOrEqual(eig.values[k - 1]);
    }
  });

  it('svd reconstructs wide and tall matrices; spectral norm matches', () => {
    for (const [m, n] of [
      [3, 5],
      [5, 3],
      [1, 4],
    ]) {
      const a = randomMat(m, n, rng);
      const d = svd(a);
      const r = Math.min(m, n);
      const back = zeros(m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) {
            s += d.left.data[i * r + k] * d.values[k] * d.right.data[j * r + k];
          }
          back.data[i * n + j] = s;
        }
      }
      expect(maxAbsDiff(back.data, a.data)).toBeLessThan(1e-12);
      expect(Math.abs(spectralNormSq(a) - d.values[0] ** 2)).toBeLessThan(
        1e-12 * d.values[0] ** 2,
      );
    }
  });

  it('top singular pair, dense and matrix-free, matches the full SVD', () => {
    const rng = new Rng(17);
    for (const [m, n] of [
      [5, 3],
      [3, 5],
      [40, 30],
      [30, 40],
      [1, 60],
      [60, 1],
    ]) {
      const a = randomMat(m, n, rng);
      const d = svd(a);
      const s2 = d.values[0] ** 2;
      expect(Math.abs(spectralNormSq(a) - s2)).toBeLessThan(1e-12 * s2);
      const top = topSingular(a);
      expect(Math.abs(top.normSq - s2)).toBeLessThan(1e-12 * s2);
      // The vector is the SVD's first right singular vector up to sign.
      let overlap = 0;
      for (let j = 0; j < n; j++) {
        overlap += top.right[j] * d.right.data[j * d.right.cols];
      }
      expect(Math.abs(overlap)).toBeCloseTo(1, 9);
    }
  });

  it('randomOrthogonal gives QᵀQ = I', () => {
    const q = randomOrthogonal(5, new Rng(3));
    const g = zeros(5, 5);
    matmulTN(g, q, q);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        expect(Math.abs(g.data[i * 5 + j] - (i === j ? 1 : 0))).toBeLessThan(
          1e-14,
        );
      }
    }
  });
});

describe('Lanczos with full re-orthogonalisation', () => {
  it('matches the dense extremes of a random symmetric matrix', () => {
    const rng = new Rng(21);
    const n = 60;
    const b = randomMat(n, n, rng);
    const a = zeros(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        a.data[i * n + j] = b.data[i * n + j] + b.data[j * n + i];
      }
    }
    const dense = symEig(a);
    const op = (x: Float64Array, out: Float64Array) =>
      matmul({ rows: n, cols: 1, data: out }, a, { rows: n, cols: 1, data: x });
    const res = lanczos(op, n, { seed: 4 });
    const scale = Math.max(Math.abs(dense.values[0]), dense.values[n - 1]);
    expect(Math.abs(res.largest.value - dense.values[n - 1])).toBeLessThan(
      1e-10 * scale,
    );
    expect(Math.abs(res.smallest.value - dense.values[0])).toBeLessThan(
      1e-10 * scale,
    );
    const again = lanczos(op, n, { seed: 4 });
    expect(again.largest.value).toBe(res.largest.value);
  });

  it('starts from a given vector: an eigenvector ends it at once', () => {
    const n = 50;
    const diag = Float64Array.from({ length: n }, (_, i) => 1 + i);
    const op = (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = diag[i] * x[i];
    };
    const top = new Float64Array(n);
    top[n - 1] = 3; // not unit: the start is normalised
    const res = lanczos(op, n, { want: 'largest', start: top });
    expect(res.iterations).toBe(1);
    expect(res.largest.value).toBe(n);
    expect(Math.abs(res.largest.vector[n - 1])).toBe(1);
    expect(() => lanczos(op, n, { start: new Float64Array(3) })).toThrow(
      /length 3/,
    );
  });

  it('handles operators with repeated eigenvalues (early breakdown)', () => {
    const n = 30;
    const op = (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = (i < 10 ? 3 : -1) * x[i];
    };
    const res = lanczos(op, n);
    expect(res.largest.value).toBeCloseTo(3, 12);
    expect(res.smallest.value).toBeCloseTo(-1, 12);
  });
});

describe('tridiagonal QL values and last eigenvector row', () => {
  const dense = (alpha: number[], beta: number[]) => {
    const m = alpha.length;
    const t = zeros(m, m);
    for (let i = 0; i < m; i++) {
      t.data[i * m + i] = alpha[i];
      if (i + 1 < m) {
        t.data[i * m + i + 1] = beta[i];
        t.data[(i + 1) * m + i] = beta[i];
      }
    }

    return symEig(t);
  };
  const check = (alpha: number[], beta: number[]) => {
    const m = alpha.length;
    const ref = dense(alpha, beta);
    const got = tridiagonalValues(alpha, beta);
    const order = Array.from(got.values.keys()).sort(
      (i, j) => got.values[i] - got.values[j],
    );
    const scale = Math.max(...ref.values.map(Math.abs), 1);
    const lastRowNorm = got.lastRow.reduce((s, v) => s + v * v, 0);
    expect(lastRowNorm).toBeCloseTo(1, 12);
    for (let k = 0; k < m; k++) {
      expect(Math.abs(got.values[order[k]] - ref.values[k])).toBeLessThan(
        1e-13 * scale,
      );
    }

    return { ref, got, order };
  };

  it('matches the dense eigen-decomposition on random tridiagonals', () => {
    const rng = new Rng(5);
    for (const m of [1, 2, 3, 7, 40, 120]) {
      const alpha = Array.from({ length: m }, () => rng.gaussian());
      const beta = Array.from({ length: m - 1 }, () => rng.gaussian());
      const { ref, got, order } = check(alpha, beta);
      // Random tridiagonals have simple eigenvalues: the last components
      // of their unit eigenvectors agree up to sign.
      for (let k = 0; k < m; k++) {
        const want = Math.abs(ref.vectors.data[(m - 1) * m + k]);
        expect(Math.abs(got.lastRow[order[k]])).toBeCloseTo(want, 10);
      }
    }
  });

  it('splits at zero off-diagonals and handles close pairs', () => {
    check([4, 1, -2, 7, 0.5], [0, 2, 0, 1e-3]);
    // Wilkinson's W21+: pairs of eigenvalues agreeing to ~1e-14 relative.
    const w = Array.from({ length: 21 }, (_, i) => Math.abs(10 - i));
    check(w, Array.from({ length: 20 }, () => 1));
  });
});
