import { describe, expect, it } from 'vitest';
import {
  type Chain,
  cloneChain,
  denseHessian,
  GdWorkspace,
  gradient,
  hessianVector,
  loss,
  product,
} from '../../src/dmf/index.js';
import { identity, type Mat, Rng } from '../../src/linalg/index.js';
import {
  maxAbs,
  maxAbsDiff,
  naiveMatmul,
  randomChain,
  randomMat,
} from './helpers.js';

const SHAPES = [
  [1, 1, 1],
  [2, 3, 2],
  [1, 4, 3, 1],
  [3, 2, 4, 2],
  [2, 3, 1, 3, 2],
  [4, 2, 3, 3, 2, 1],
];

function shifted(chain: Chain, v: Float64Array, h: number): Chain {
  const c = cloneChain(chain);
  for (let k = 0; k < v.length; k++) c.params[k] += h * v[k];

  return c;
}

/** A_i and B_i by naive products (independent of the library code). */
function intermediates(chain: Chain): { a: Mat[]; b: Mat[] } {
  const w = chain.factors;
  const depth = w.length;
  const a: Mat[] = [];
  const b: Mat[] = [];
  for (let i = 0; i < depth; i++) {
    let right = identity(chain.dims[0]);
    for (let j = 0; j < i; j++) right = naiveMatmul(w[j], right);
    let left = identity(chain.dims[depth]);
    for (let j = depth - 1; j > i; j--) left = naiveMatmul(left, w[j]);
    a.push(left);
    b.push(right);
  }

  return { a, b };
}

describe('gradient of ‖M − W_L⋯W_1‖²', () => {
  SHAPES.forEach((dims, s) => {
    it(`matches central differences of the loss, dims ${dims}`, () => {
      const rng = new Rng(100 + s);
      const chain = randomChain(dims, rng);
      const target = randomMat(dims[dims.length - 1], dims[0], rng);
      const g = gradient(chain, target);
      const h = 1e-6;
      for (let k = 0; k < g.length; k++) {
        const e = new Float64Array(g.length);
        e[k] = 1;
        const fd =
          (loss(shifted(chain, e, h), target) -
            loss(shifted(chain, e, -h), target)) /
          (2 * h);
        expect(Math.abs(fd - g[k])).toBeLessThan(1e-7 * (1 + maxAbs(g)));
      }
    });
  });

  it('a GD step uses one iterate for every factor', () => {
    const rng = new Rng(7);
    const chain = randomChain([3, 4, 2, 3], rng);
    const target = randomMat(3, 3, rng);
    const before = cloneChain(chain);
    const g = gradient(before, target);
    const ws = new GdWorkspace(chain, target);
    const l = ws.step(0.01);
    expect(l).toBe(loss(before, target));
    const want = before.params.map((x, k) => x - 0.01 * g[k]);
    expect(maxAbsDiff(chain.params, want)).toBe(0);
  });

  it('product is W_L⋯W_1 and the loss has no factor 1/2', () => {
    const rng = new Rng(8);
    const chain = randomChain([2, 3, 2], rng);
    const p = naiveMatmul(chain.factors[1], chain.factors[0]);
    expect(maxAbsDiff(product(chain).data, p.data)).toBeLessThan(1e-15);
    const zero = { rows: 2, cols: 2, data: new Float64Array(4) };
    const fro = p.data.reduce((s, x) => s + x * x, 0);
    expect(loss(chain, zero)).toBeCloseTo(fro, 14);
  });
});

describe('exact Hessian-vector products', () => {
  SHAPES.forEach((dims, s) => {
    it(`match central differences of the gradient, dims ${dims}`, () => {
      const rng = new Rng(200 + s);
      const chain = randomChain(dims, rng);
      const target = randomMat(dims[dims.length - 1], dims[0], rng);
      const v = rng.fillGaussian(new Float64Array(chain.params.length));
      const hv = hessianVector(chain, target, v);
      const h = 1e-5;
      const gp = gradient(shifted(chain, v, h), target);
      const gm = gradient(shifted(chain, v, -h), target);
      const fd = gp.map((x, k) => (x - gm[k]) / (2 * h));
      expect(maxAbsDiff(hv, fd)).toBeLessThan(1e-6 * (1 + maxAbs(hv)));
    });

    it(`are symmetric (⟨u, Hv⟩ = ⟨v, Hu⟩), dims ${dims}`, () => {
      const rng = new Rng(300 + s);
      const chain = randomChain(dims, rng);
      const target = randomMat(dims[dims.length - 1], dims[0], rng);
      const n = chain.params.length;
      const u = rng.fillGaussian(new Float64Array(n));
      const v = rng.fillGaussian(new Float64Array(n));
      const hu = hessianVector(chain, target, u);
      const hv = hessianVector(chain, target, v);
      let a = 0;
      let b = 0;
      for (let k = 0; k < n; k++) {
        a += u[k] * hv[k];
        b += v[k] * hu[k];
      }
      expect(Math.abs(a - b)).toBeLessThan(1e-12 * (1 + Math.abs(a)));
    });
  });

  it('the dense Hessian at a minimizer is 2 JᵀJ with J built explicitly', () => {
    const rng = new Rng(400);
    const chain = randomChain([2, 3, 2, 3], rng);
    const target = product(chain);
    const { a, b } = intermediates(chain);
    const n = chain.params.length;
    const dL = chain.dims[chain.dims.length - 1];
    const d0 = chain.dims[0];

    // Column of J for entry (r, c) of W_i: dP = A_i e_r e_cᵀ B_i.
    const jac: Float64Array[] = [];
    chain.factors.forEach((w, i) => {
      for (let r = 0; r < w.rows; r++) {
        for (let c = 0; c < w.cols; c++) {
          const col = new Float64Array(dL * d0);
          for (let p = 0; p < dL; p++) {
            for (let q = 0; q < d0; q++) {
              col[p * d0 + q] =
                a[i].data[p * a[i].cols + r] * b[i].data[c * d0 + q];
            }
          }
          jac.push(col);
        }
      }
    });
    const hess = denseHessian(chain, target);
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < n; y++) {
        let s = 0;
        for (let k = 0; k < dL * d0; k++) s += jac[x][k] * jac[y][k];
        expect(Math.abs(hess.data[x * n + y] - 2 * s)).toBeLessThan(1e-12);
      }
    }
  });
});
