/**
 * Early stopping (`gd.earlyStop: true`): end a trial before maxSteps only
 * when its recorded outcome and escape step can no longer change.
 *
 * Every EARLY_STOP_INTERVAL steps, at iterate w_k, stop when ALL hold:
 *
 * 1. Converged, with room: `L(w_k) < EARLY_STOP_LOSS_FRACTION ·
 *    convergedLoss`. Near a linearly stable minimum GD decreases the loss
 *    monotonically, so the final loss stays below convergedLoss and the
 *    run is "converged" either way.
 * 2. Stalled: `‖w_k − w*‖` moved by at most EARLY_STOP_STALL · δ since the
 *    previous check. Near a stable minimum the remaining motion decays
 *    geometrically, so what is left is of the same tiny order.
 * 3. Clear of the threshold: `|‖w_k − w*‖ − δ| > EARLY_STOP_MARGIN · δ`,
 *    a million times the stall bound, so the remaining motion cannot carry
 *    the distance across δ: the final side of δ (stayed / escaped) is the
 *    current one, and an unset escape step stays unset (a set one is a
 *    first crossing and never changes).
 * 4. Linearly stable: the exact sharpness at w_k satisfies
 *    `η λ(w_k) / 2 ≤ EARLY_STOP_STABILITY`. This excludes a tiny-loss
 *    point on a minimum too sharp for η, from which GD would still escape
 *    (e.g. a radius of 1e-12 whose loss starts below 1e-20).
 *
 * Outcomes "diverged" stop at once in both modes, and "unconverged" is
 * only known at maxSteps, so neither needs a rule. The final sharpness of
 * an early-stopped run differs from the full run's only by the sharpness
 * change along the remaining (stalled) path, far below 1e-6 relative.
 */

/** Steps between early-stop checks. */
export const EARLY_STOP_INTERVAL = 100;

/** Rule 1: the loss must be this fraction of convergedLoss. */
export const EARLY_STOP_LOSS_FRACTION = 1e-3;

/** Rule 2: largest distance change between checks, as a fraction of δ. */
export const EARLY_STOP_STALL = 1e-12;

/** Rule 3: least gap between the distance and δ, as a fraction of δ. */
export const EARLY_STOP_MARGIN = 1e-6;

/** Rule 4: largest local step ratio `η λ(w_k) / 2`. */
export const EARLY_STOP_STABILITY = 0.999;

export interface EarlyStopState {
  loss: number;
  distance: number;
  previousDistance: number;
  escapeDistance: number;
  convergedLoss: number;
}

/**
 * Rules 1–3, which are cheap; the caller checks rule 4 (an exact
 * sharpness) only when these pass.
 */
export function cheapRulesHold(s: EarlyStopState): boolean {
  const delta = s.escapeDistance;

  return (
    s.loss < EARLY_STOP_LOSS_FRACTION * s.convergedLoss &&
    Math.abs(s.distance - s.previousDistance) <= EARLY_STOP_STALL * delta &&
    Math.abs(s.distance - delta) > EARLY_STOP_MARGIN * delta
  );
}
