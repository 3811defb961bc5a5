/**
 * One short human line per trial, for plan listings and dashboards:
 * `dims 1-4-4-1 balanced ρ=1.2 r=1e-9 top seed 3`.
 */
import type {
  MinimizerSpec,
  TargetSpec,
  TrialSpec,
} from '../escape/spec.js';

export function describeTrial(spec: TrialSpec): string {
  const parts = [`dims ${spec.dims.join('-')}`];

  const target = describeTarget(spec.target);
  if (target !== undefined) parts.push(target);

  parts.push(describeMinimizer(spec.minimizer));
  parts.push(
    'ratio' in spec.step ? `ρ=${spec.step.ratio}` : `η=${spec.step.size}`,
  );
  parts.push(`r=${spec.radius}`, spec.direction, `seed ${spec.seed}`);

  return parts.join(' ');
}

/** The default target (unit Gaussian, trial seed) is left out. */
function describeTarget(target: TargetSpec): string | undefined {
  const seed = 'seed' in target && target.seed !== undefined
    ? `@${target.seed}`
    : '';

  switch (target.kind) {
    case 'scalar':
      return `M=${target.value}`;
    case 'gaussian':
      return target.scale === 1 && seed === ''
        ? undefined
        : `M~N(0,${target.scale}²)${seed}`;
    case 'singular':
      return `M:σ=${target.values.join(',')}${seed}`;
  }
}

function describeMinimizer(minimizer: MinimizerSpec): string {
  switch (minimizer.family) {
    case 'balanced':
      return 'balanced';
    case 'imbalanced':
      return `imbalanced(spread ${minimizer.spread})`;
    case 'random':
      return `random(scale ${minimizer.scale})`;
    case 'targeted':
      return `targeted(λ=${minimizer.sharpness})`;
  }
}
