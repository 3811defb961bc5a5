import { describe, expect, it } from 'vitest';
import { cloneChain } from '../../src/dmf/index.js';
import { minimizerFacts } from '../../src/escape/atMinimizer.js';
import { runTrial, type TrialSpec } from '../../src/escape/index.js';
import { closedForms, minimizerSharpness } from '../../src/sharpness/index.js';
import { buildMinimizer, buildTarget } from '../../src/minima/index.js';

/** 4 layers of 8×8: 256 parameters, enough for the per-process cache. */
const dims = [8, 8, 8, 8, 8];

function spec(ratio: number, seed = 3): TrialSpec {
  return {
    dims,
    target: { kind: 'gaussian', scale: 1 },
    minimizer: { family: 'imbalanced', spread: 0.5 },
    radius: 1e-6,
    direction: 'top',
    step: { ratio },
    gd: {
      maxSteps: 50,
      escapeDistance: 1e-3,
      convergedLoss: 1e-20,
      earlyStop: false,
    },
    seed,
    trajectorySamples: 4,
    trajectorySharpness: false,
  };
}

describe('facts at the minimizer, shared between trials', () => {
  it('a repeated minimizer gets the numbers of a fresh computation', () => {
    const target = buildTarget({ kind: 'gaussian', scale: 1 }, dims, 11);
    const chain = buildMinimizer(
      { family: 'imbalanced', spread: 0.5 },
      target,
      dims,
      11,
    );
    const first = minimizerFacts(chain, target);
    const again = minimizerFacts(chain, target);
    const fresh = minimizerSharpness(chain);
    expect(again.exact.sharpness).toBe(fresh.sharpness);
    expect(Array.from(again.exact.top)).toEqual(Array.from(fresh.top));
    expect(again.closedForms).toEqual(
      closedForms(chain, target, { exactSharpness: fresh.sharpness }),
    );
    expect(again).toBe(first);

    // One changed parameter is another minimizer (no stale answer).
    const moved = cloneChain(chain);
    moved.params[0] *= 1 + 1e-12;
    expect(minimizerFacts(moved, target)).not.toBe(first);
  });

  it('trials from one minimizer agree whether or not it was seen before', () => {
    const a = runTrial(spec(0.9));
    runTrial(spec(1.2));
    runTrial(spec(0.5, 4)); // another minimizer in between
    const b = runTrial(spec(0.9));
    expect(b).toEqual(a);
    // The stored closed forms are each trial's own objects.
    expect(b.closedForms).not.toBe(a.closedForms);
  });
});
