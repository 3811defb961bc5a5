import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { median, summariseByRatio } from '../../src/cli/summary.js';
import type { Outcome } from '../../src/escape/spec.js';
import { openReader, openWriter } from '../../src/store/index.js';
import { specFor } from '../store/fixtures.js';

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

describe('summary by step ratio in SQL', () => {
  it('agrees with the in-memory definition on a varied sweep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-summary-'));
    try {
      const file = join(dir, 'summary.sqlite');
      const writer = openWriter(file);
      const sweepId = writer.registerSweep({
        name: 's', definition: {}, total: 400,
      });
      const other = writer.registerSweep({
        name: 'other', definition: {}, total: 1,
      });
      // A small deterministic generator: every outcome, odd and even
      // bucket sizes, round-off neighbours, NULL landing ratios and gaps.
      let state = 12345;
      const next = () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state / 2 ** 31;
      };
      const outcomes = ['stayed', 'escaped', 'diverged', 'unconverged'];
      const rows: Parameters<typeof summariseByRatio>[0] extends
        Iterable<infer R> ? R[] : never = [];
      for (let i = 0; i < 400; i++) {
        const base = [0.5, 0.9, 1.2, 1.6][Math.floor(next() * 4)];
        const ratio = next() < 0.2 ? base * (1 + 2 ** -52) : base;
        const failed = next() < 0.05;
        const outcome = outcomes[Math.floor(next() * 4)] as Outcome;
        const escapeStep = next() < 0.5 ? Math.floor(next() * 100) : null;
        const predicted = ratio > 1 && next() < 0.8 ? next() * 100 : null;
        const landing = next() < 0.9 ? next() : null;
        const spec = specFor([2, 2, 2], { seed: i, step: { ratio } });
        const key = `k${i}`;
        if (failed) {
          writer.add({ sweepId, key, spec, error: 'Error: x', durationMs: 1 });
        } else {
          writer.add({
            sweepId, key, spec, durationMs: 1,
            result: {
              outcome, sharpness: 2, stepSize: 1, stepRatio: ratio,
              escapeStep, predictedEscapeStep: predicted, divergedStep: null,
              finalLoss: 0, finalDistance: 0, finalSharpness: 1,
              landingRatio: landing, steps: 10, topOverlap: 1,
              closedForms: {}, trajectory: [],
            },
          });
        }
        rows.push({
          step_ratio: ratio,
          outcome: failed ? 'failed' : outcome,
          landing_ratio: failed ? null : landing,
          escape_step: failed ? null : escapeStep,
          predicted_escape_step: failed ? null : predicted,
        });
      }
      writer.add({
        sweepId: other, key: 'k0', spec: specFor([2, 2, 2]), durationMs: 1,
        error: 'Error: another sweep',
      });
      writer.close();

      const reader = openReader(file);
      try {
        const stored = reader.summaryByRatio(sweepId);
        const expected = summariseByRatio(rows);
        expect(stored.map((b) => b.ratio)).toEqual([0.5, 0.9, 1.2, 1.6]);
        expect(stored).toEqual(expected);
        // Only the sweep asked for; a failed trial keeps its requested
        // ratio and counts as a trial, with no fraction of zero trials run.
        expect(reader.summaryByRatio(other)).toEqual([{
          ratio: 1.2, trials: 1, failed: 1, predictedEscape: 0,
          observedEscape: 0, diverged: 0, medianLandingRatio: null,
          medianEscapeStepError: null,
        }]);
      } finally {
        reader.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
