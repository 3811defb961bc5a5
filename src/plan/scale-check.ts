/**
 * Sizes the numeric core can work with. Every entry of a command input
 * may be finite and the computation still overflow: the loss squares the
 * product, and the Hessian multiplies the squared sizes of all factors but
 * one. float64 ends near 1.8e308 and the eigen-solvers square Hessian
 * entries once more, so an input whose bounds pass 1e100 is refused here,
 * with its path, instead of failing deep inside a solver (or, worse,
 * giving an infinite loss that looks like a minimizer).
 */
import type { Issues, Path } from './issues.js';

// LIMITATION: away from a minimizer the Hessian also has a residual term,
// ‖M − P‖ times products of all factors but two, which these bounds do not
// cover when two factors are tiny and the rest huge. Such an input passes
// here and fails in the solver with a NumericError (exit 1, naming the
// input) instead of this located refusal (exit 2).

/** log10 of the largest bound accepted. */
const LOG10_LIMIT = 100;

const RESCALE_HINT =
  'rescale the problem: multiplying every factor by s and the target ' +
  'by s^L multiplies the sharpness by s^(2L−2)';

/**
 * Refuses factors and targets whose squared norms, product or sharpness
 * bound `2 Σ_i Π_{j≠i} ‖W_j‖_F²` (an upper bound of the Hessian λ_max at a
 * minimizer, DESIGN.md §1.1) exceed 1e100.
 */
export function checkScale(
  factors: number[][][],
  target: number[][] | undefined,
  issues: Issues,
): void {
  const sizes = factors.map(log10NormSq);
  const before = issues.total;

  sizes.forEach((size, index) =>
    tooLarge(['factors', index], `‖W_${index + 1}‖_F²`, size, issues));
  if (target !== undefined) {
    tooLarge(['target'], '‖M‖_F²', log10NormSq(target), issues);
  }
  if (issues.total > before) return;

  tooLarge(['factors'], 'the squared norm bound Π_j ‖W_j‖_F² of the ' +
    'product', sum(sizes), issues);
  const others = sizes.map((_, i) => sum(sizes.filter((__, j) => j !== i)));
  tooLarge(['factors'], 'the sharpness bound 2 Σ_i Π_{j≠i} ‖W_j‖_F²',
    Math.log10(2) + log10SumOfPowers(others), issues);
}

function tooLarge(
  path: Path,
  what: string,
  log10Value: number,
  issues: Issues,
): void {
  if (!(log10Value > LOG10_LIMIT)) return;

  issues.add({
    path,
    expected: `${what} at most 1e${LOG10_LIMIT}, which float64 can square`,
    found: `about 1e${Math.floor(log10Value)}`,
    hint: RESCALE_HINT,
  });
}

/** log10 ‖A‖_F², scaled by the largest entry so squaring cannot overflow. */
function log10NormSq(matrix: number[][]): number {
  let largest = 0;
  for (const row of matrix) {
    for (const x of row) largest = Math.max(largest, Math.abs(x));
  }
  if (largest === 0) return -Infinity;

  let scaled = 0;
  for (const row of matrix) {
    for (const x of row) scaled += (x / largest) ** 2;
  }

  return 2 * Math.log10(largest) + Math.log10(scaled);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** log10 Σ 10^v without overflow (−Infinity for zero terms). */
function log10SumOfPowers(values: number[]): number {
  const top = Math.max(...values);
  if (top === -Infinity) return -Infinity;

  const rest = values.reduce((total, v) => total + 10 ** (v - top), 0);

  return top + Math.log10(rest);
}
