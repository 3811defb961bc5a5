/**
 * Loss, gradient and the in-place GD step on a preallocated workspace.
 *
 * With `B_i = W_{i−1}⋯W_1` (prefix products) and the back-propagated
 * residual `C_i = A_iᵀ R`, `R = M − P`, the gradient is
 * `∂L/∂W_i = −2 C_i B_iᵀ`, and `C_{i−1} = W_iᵀ C_i` needs no suffix
 * products `A_i` at all. Every buffer is allocated once here, so the GD
 * loop allocates nothing; all gradients come from the same iterate
 * before the single update pass.
 */
import { checkTarget, type Chain } from './chain.js';
import {
  type Mat,
  matmul,
  matmulNT,
  matmulTN,
  view,
  zeros,
} from '../linalg/index.js';

export class GdWorkspace {
  readonly chain: Chain;
  readonly target: Mat;
  /** `prefix[i]` = `B_{i+1}` = W_i⋯W_1 for i ≥ 1 (`prefix[1]` is W_1). */
  readonly prefix: Mat[];
  /** `back[i]` = `C_{i+1}` = A_{i+1}ᵀ R, `d_{i+1} × d_0`; last is R. */
  readonly back: Mat[];
  /** Gradient in parameter layout, with per-factor views. */
  readonly grad: Float64Array;
  readonly gradFactors: Mat[];

  constructor(chain: Chain, target: Mat) {
    checkTarget(chain, target);
    this.chain = chain;
    this.target = target;
    const dims = chain.dims;
    const depth = dims.length - 1;
    const d0 = dims[0];

    this.prefix = [zeros(0, 0), chain.factors[0]];
    for (let i = 2; i <= depth; i++) this.prefix.push(zeros(dims[i], d0));
    this.back = [];
    for (let i = 1; i <= depth; i++) this.back.push(zeros(dims[i], d0));
    this.grad = new Float64Array(chain.params.length);
    this.gradFactors = [];
    let offset = 0;
    for (let i = 1; i <= depth; i++) {
      this.gradFactors.push(view(this.grad, offset, dims[i], dims[i - 1]));
      offset += dims[i] * dims[i - 1];
    }
  }

  /**
   * Forward pass: prefix products and the residual `R = M − P` (in the
   * last `back` buffer). Returns the loss `‖R‖_F²`.
   */
  forward(): number {
    const w = this.chain.factors;
    const depth = w.length;
    for (let i = 2; i <= depth; i++) {
      matmul(this.prefix[i], w[i - 1], this.prefix[i - 1]);
    }
    const p = this.prefix[depth].data;
    const m = this.target.data;
    const r = this.back[depth - 1].data;
    let s = 0;
    for (let k = 0; k < r.length; k++) {
      const e = m[k] - p[k];
      r[k] = e;
      s += e * e;
    }

    return s;
  }

  /** Loss and gradient (into `grad`) at the current parameters. */
  lossAndGradient(): number {
    const loss = this.forward();
    this.backward();

    return loss;
  }

  /** Back-propagation after `forward()`: fills `back` and `grad`. */
  backward(): void {
    const w = this.chain.factors;
    const depth = w.length;

    for (let i = depth; i >= 1; i--) {
      const c = this.back[i - 1];
      const g = this.gradFactors[i - 1];
      if (i === 1) {
        // B_1 = I: the gradient is −2 C_1 itself.
        for (let k = 0; k < g.data.length; k++) g.data[k] = -2 * c.data[k];
      } else {
        matmulNT(g, c, this.prefix[i - 1], -2);
        matmulTN(this.back[i - 2], w[i - 1], c);
      }
    }
  }

  /**
   * One GD step `w ← w − η ∇L(w)`; returns the loss before the step.
   */
  step(eta: number): number {
    const loss = this.lossAndGradient();
    const p = this.chain.params;
    const g = this.grad;
    for (let k = 0; k < p.length; k++) p[k] -= eta * g[k];

    return loss;
  }

  /**
   * Applies `w ← w − η·grad` with the gradient already computed and
   * returns `‖w_new − anchor‖`, fused into the same pass.
   */
  descendFrom(eta: number, anchor: Float64Array): number {
    const p = this.chain.params;
    const g = this.grad;
    let s = 0;
    for (let k = 0; k < p.length; k++) {
      const x = p[k] - eta * g[k];
      p[k] = x;
      const d = x - anchor[k];
      s += d * d;
    }

    return Math.sqrt(s);
  }
}

/** Convenience: gradient of the loss at `chain` as a fresh vector. */
export function gradient(chain: Chain, target: Mat): Float64Array {
  const ws = new GdWorkspace(chain, target);
  ws.lossAndGradient();

  return Float64Array.from(ws.grad);
}
