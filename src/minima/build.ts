/** The starting minimizer of a trial from its spec. */
import { InputError } from '../errors.js';
import type { Chain } from '../dmf/index.js';
import type { MinimizerSpec } from '../escape/spec.js';
import type { Mat } from '../linalg/index.js';
import {
  balancedMinimizer,
  imbalancedMinimizer,
  randomMinimizer,
} from './families.js';
import { targetedMinimizer } from './targeted.js';

export function buildMinimizer(
  spec: MinimizerSpec,
  target: Mat,
  dims: number[],
  trialSeed: number,
): Chain {
  switch (spec.family) {
    case 'balanced':
      return balancedMinimizer(target, dims);
    case 'imbalanced':
      return imbalancedMinimizer(target, dims, spec.spread);
    case 'random':
      return randomMinimizer(target, dims, spec.scale, trialSeed);
    case 'targeted':
      return targetedMinimizer(target, dims, spec.sharpness).chain;
    default:
      throw new InputError(
        'minimizer.family must be balanced, imbalanced, random or ' +
          `targeted, got ${(spec as { family: unknown }).family}`,
        { location: 'minimizer.family' },
      );
  }
}
