import { describe, expect, it } from 'vitest';

import { median, summariseByRatio } from '../../src/cli/summary.js';

const row = (
  step_ratio: number,
  outcome: string,
  extra: Partial<{
    landing_ratio: number;
    escape_step: number;
    predicted_escape_step: number;
  }> = {},
) => ({
  step_ratio,
  outcome,
  landing_ratio: extra.landing_ratio ?? null,
  escape_step: extra.escape_step ?? null,
  predicted_escape_step: extra.predicted_escape_step ?? null,
});

describe('summary by step ratio', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('compares observed departures with the ρ > 1 prediction', () => {
    const buckets = summariseByRatio([
      row(0.9, 'stayed'),
      row(0.9, 'escaped', { landing_ratio: 0.5 }),
      row(1.2, 'escaped', {
        landing_ratio: 0.8, escape_step: 20, predicted_escape_step: 19.5,
      }),
      row(1.2, 'escaped', {
        landing_ratio: 0.9, escape_step: 30, predicted_escape_step: 28,
      }),
      row(1.2, 'diverged'),
      row(1.2, 'failed'),
      // Round-off neighbours of one grid value share a bucket.
      row(1.2000000000000002, 'stayed'),
      // Passed δ but never settled: it left all the same.
      row(1.2, 'unconverged', { escape_step: 12 }),
    ]);

    expect(buckets.map((b) => b.ratio)).toEqual([0.9, 1.2]);
    expect(buckets[0]).toMatchObject({
      trials: 2, failed: 0, predictedEscape: 0, observedEscape: 0.5,
      medianLandingRatio: 0.5,
    });
    expect(buckets[1]).toMatchObject({
      trials: 6, failed: 1, predictedEscape: 1, observedEscape: 0.8,
      diverged: 0.2, medianEscapeStepError: 1.25,
    });
    expect(buckets[1].medianLandingRatio).toBeCloseTo(0.85, 12);
  });
});
