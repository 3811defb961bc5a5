/**
 * Exact Hessian-vector products of `L(W) = ‖M − W_L⋯W_1‖_F²` at any point,
 * residual term included: forward-mode differentiation of the gradient
 * recursion in gradient.ts along a direction V,
 *
 *   dB_{i+1} = V_i B_i + W_i dB_i            (dB_1 = 0)
 *   dC_L = −dP,  dC_{i−1} = V_iᵀ C_i + W_iᵀ dC_i
 *   (H V)_i = −2 (dC_i B_iᵀ + C_i dB_iᵀ).
 *
 * Cost is about twice a gradient; buffers are allocated once.
 */
import { type Chain, createChain } from './chain.js';
import { GdWorkspace } from './gradient.js';
import {
  addMatmul,
  addMatmulNT,
  addMatmulTN,
  type Mat,
  matmul,
  matmulNT,
  matmulTN,
  zeros,
} from '../linalg/index.js';

export class HvpWorkspace {
  readonly n: number;
  private readonly base: GdWorkspace;
  private readonly dir: Chain;
  private readonly res: Chain;
  private readonly dprefix: Mat[];
  private readonly dback: Mat[];

  /** Linearises at the chain's current parameters (call `refresh` after
   *  changing them). */
  constructor(chain: Chain, target: Mat) {
    this.base = new GdWorkspace(chain, target);
    this.n = chain.params.length;
    this.dir = createChain(chain.dims);
    this.res = createChain(chain.dims);
    const dims = chain.dims;
    const depth = dims.length - 1;
    this.dprefix = [zeros(0, 0), this.dir.factors[0]];
    for (let i = 2; i <= depth; i++) this.dprefix.push(zeros(dims[i], dims[0]));
    this.dback = [];
    for (let i = 1; i <= depth; i++) this.dback.push(zeros(dims[i], dims[0]));
    this.refresh();
  }

  /** Recomputes the base point quantities (B_i, C_i); returns the loss. */
  refresh(): number {
    return this.base.lossAndGradient();
  }

  /** Gradient at the base point (valid after construction/refresh). */
  get gradient(): Float64Array {
    return this.base.grad;
  }

  /** out = H v. `v` and `out` are parameter-layout vectors. */
  apply(v: Float64Array, out: Float64Array): void {
    this.dir.params.set(v);
    const w = this.base.chain.factors;
    const vf = this.dir.factors;
    const hv = this.res.factors;
    const prefix = this.base.prefix;
    const back = this.base.back;
    const dprefix = this.dprefix;
    const dback = this.dback;
    const depth = w.length;

    // Tangent of the prefix products.
    for (let i = 2; i <= depth; i++) {
      matmul(dprefix[i], vf[i - 1], prefix[i - 1]);
      addMatmul(dprefix[i], w[i - 1], dprefix[i - 1]);
    }

    // Tangent of the residual: dR = −dP.
    const dr = dback[depth - 1].data;
    const dp = dprefix[depth].data;
    for (let k = 0; k < dr.length; k++) dr[k] = -dp[k];

    // Backward sweep: Hessian blocks, then the tangent of C_{i−1}.
    for (let i = depth; i >= 1; i--) {
      const dc = dback[i - 1];
      const h = hv[i - 1];
      if (i === 1) {
        for (let k = 0; k < h.data.length; k++) h.data[k] = -2 * dc.data[k];
        break;
      }
      matmulNT(h, dc, prefix[i - 1], -2);
      addMatmulNT(h, -2, back[i - 1], dprefix[i - 1]);
      matmulTN(dback[i - 2], vf[i - 1], back[i - 1]);
      addMatmulTN(dback[i - 2], w[i - 1], dc);
    }
    out.set(this.res.params);
  }
}

/** `H v` at `chain` for the loss against `target` (one-off use). */
export function hessianVector(
  chain: Chain,
  target: Mat,
  v: Float64Array,
): Float64Array {
  const out = new Float64Array(v.length);
  new HvpWorkspace(chain, target).apply(v, out);

  return out;
}

/**
 * The dense n×n Hessian, column j = H e_j, symmetrised. For small chains
 * (validation, dense eigen-decomposition); cost n HVPs.
 */
export function denseHessian(chain: Chain, target: Mat): Mat {
  const ws = new HvpWorkspace(chain, target);
  const n = ws.n;
  const h = zeros(n, n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);

  for (let j = 0; j < n; j++) {
    e[j] = 1;
    ws.apply(e, col);
    e[j] = 0;
    for (let i = 0; i < n; i++) h.data[i * n + j] = col[i];
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (h.data[i * n + j] + h.data[j * n + i]);
      h.data[i * n + j] = s;
      h.data[j * n + i] = s;
    }
  }

  return h;
}
