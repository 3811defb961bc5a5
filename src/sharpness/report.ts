/**
 * One call that answers "how sharp is this point?": the exact sharpness
 * by the right route, the loss, the closed forms and the bounds — what
 * the `sharpness` command prints.
 */
import type { ClosedFormValue } from '../escape/spec.js';
import {
  type Chain,
  chainFromFactors,
  checkTarget,
  loss as chainLoss,
  type MatrixInput,
  product,
  toMat,
} from '../dmf/index.js';
import { frobSq, type Mat } from '../linalg/index.js';
import { closedForms } from './closedForms.js';
import { minimizerSharpness } from './exact.js';
import { hessianExtremes } from './hessian.js';

/**
 * A point counts as a global minimizer when
 * `loss ≤ MINIMIZER_LOSS_FRACTION · max(1, ‖M‖_F²)`, i.e. the residual is
 * below 1e-10 of the target's size: round-off level, as when the target
 * is a product computed elsewhere. The Hessian's residual term is then
 * O(1e-10) relative, below every tolerance the tool reports.
 */
export const MINIMIZER_LOSS_FRACTION = 1e-20;

export interface SharpnessReport {
  /** Hessian `λ_max`: `2 λ_max(T)` at a minimizer, else full Hessian. */
  sharpness: number;
  loss: number;
  atMinimizer: boolean;
  closedForms: Record<string, ClosedFormValue>;
  /** rank-one (lower) and spectral-norm sum (upper) of `2 λ_max(T)`. */
  bounds: { lower: number; upper: number };
  /** Full Hessian `λ_min`, reported away from minimizers. */
  lambdaMin?: number;
  route: 'dense' | 'lanczos';
  parameters: number;
}

export function isMinimizerLoss(loss: number, target: Mat): boolean {
  return (
    Number.isFinite(loss) &&
    loss <= MINIMIZER_LOSS_FRACTION * Math.max(1, frobSq(target))
  );
}

/**
 * Sharpness report at `factors` (`[W_1, …, W_L]`, or a chain) for the
 * loss against `target` (default: their product, i.e. at a minimizer).
 */
export function sharpnessReport(
  factors: MatrixInput[] | Chain,
  target?: MatrixInput,
): SharpnessReport {
  const chain = Array.isArray(factors) ? chainFromFactors(factors) : factors;
  const m = target === undefined ? product(chain) : toMat(target, 'target');
  checkTarget(chain, m);

  const loss = chainLoss(chain, m);
  const atMinimizer = isMinimizerLoss(loss, m);
  let sharpness: number;
  let lambdaMin: number | undefined;
  let route: 'dense' | 'lanczos';

  if (atMinimizer) {
    const exact = minimizerSharpness(chain);
    sharpness = exact.sharpness;
    route = exact.route;
  } else {
    const ext = hessianExtremes(chain, m);
    sharpness = ext.lambdaMax;
    lambdaMin = ext.lambdaMin;
    route = ext.route;
  }

  const forms = closedForms(chain, m, {
    atMinimizer,
    exactSharpness: atMinimizer ? sharpness : undefined,
  });
  const report: SharpnessReport = {
    sharpness,
    loss,
    atMinimizer,
    closedForms: forms,
    // Away from a minimizer the closed forms bound only the Gauss-Newton
    // part 2JᵀJ of the Hessian, not λ_max itself; the only bounds then
    // are the computed eigenvalue, exact to round-off.
    bounds: atMinimizer
      ? orderedBounds(
          forms.rankOne.value,
          forms.spectralNormSum.value,
          sharpness,
        )
      : { lower: sharpness, upper: sharpness },
    route,
    parameters: chain.params.length,
  };
  if (lambdaMin !== undefined) report.lambdaMin = lambdaMin;

  return report;
}

/**
 * Where a bound is exact it equals the sharpness up to round-off, which
 * may land it an ulp on the wrong side; clamp so that lower ≤ exact ≤
 * upper always reads true.
 */
function orderedBounds(
  lower: number,
  upper: number,
  exact: number,
): { lower: number; upper: number } {
  return { lower: Math.min(lower, exact), upper: Math.max(upper, exact) };
}
