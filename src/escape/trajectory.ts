/**
 * Trajectory sampling: at most `samples` iterates at log-spaced steps,
 * always step 0 and the last step taken, so both the fast early phase
 * and the slow tail of an escape are visible in a few dozen points.
 */

/**
 * Planned sample steps for a run of up to `maxSteps` steps: 0, then
 * `samples − 1` log-spaced steps in [1, maxSteps] (fewer after rounding
 * duplicates). A run that ends early at s adds s; the planned steps
 * above s are never reached, so the total still fits in `samples`.
 * With `samples = 1` nothing is planned: the run keeps its last step.
 */
export function plannedSampleSteps(
  maxSteps: number,
  samples: number,
): number[] {
  if (samples <= 0) return [];
  if (samples === 1) return [];
  if (maxSteps === 0) return [0];
  const m = samples - 1;
  const steps = new Set<number>([0]);

  for (let j = 0; j < m; j++) {
    const t = m === 1 ? 1 : j / (m - 1);
    steps.add(Math.min(maxSteps, Math.round(Math.pow(maxSteps, t))));
  }
  steps.add(maxSteps);

  return [...steps].sort((a, b) => a - b);
}
