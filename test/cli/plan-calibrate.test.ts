import { describe, expect, it } from 'vitest';

import { calibrate } from '../../src/cli/commands/plan.js';
import { parseSweep } from '../../src/plan/index.js';

const sweep = (depth: number, maxSteps: number) =>
  parseSweep(
    [
      'name: deep',
      'grid:',
      `  depth: [${depth}]`,
      '  width: [1]',
      '  stepRatio: [0.5]',
      `  maxSteps: [${maxSteps}]`,
    ].join('\n'),
    'deep.yaml',
  );

/** A clock that advances `ms` milliseconds each time it is read. */
function ticking(ms: number) {
  let t = 0;
  let reads = 0;
  const now = () => {
    reads++;
    return (t += ms);
  };

  return { now, reads: () => reads };
}

describe('plan calibration', () => {
  it('stops on its time budget, not after a fixed step count', () => {
    // Runs of 1, 2, 4 steps each "take" 100 ms; the 0.25 s budget of a
    // trial is spent after the third, whatever the depth. A fixed count
    // of 2,000 steps on 100,000 factors took about 30 s.
    const plan = sweep(100_000, 20_000);
    const estimate = plan.estimate();
    const clock = ticking(100);

    const seconds = calibrate(
      plan.sample(1).map((t) => t.spec),
      estimate,
      clock.now,
    );

    expect(clock.reads()).toBe(6);
    // The rate comes from the last, longest run: 0.1 s for 4 steps.
    expect(seconds).toBeCloseTo((0.1 / 4) * estimate.gdSteps, 9);
  });

  it('never times more steps than a trial runs', () => {
    // A clock that never advances never ends the budget: the runs stop at
    // maxSteps = 10 (1 + 2 + 4 + 3 steps), so the clock is read 8 times.
    const plan = sweep(3, 10);
    const clock = ticking(0);

    calibrate(plan.sample(1).map((t) => t.spec), plan.estimate(), clock.now);

    expect(clock.reads()).toBe(8);
  });
});
