/**
 * GD far beyond linear stability overflows. What is stored must say so
 * with NULLs and the step, never NaN or Infinity dressed up as numbers.
 */
import { describe, expect, it } from 'vitest';

import { cli, readRows } from '../cli/helpers.js';
import { fixture, freshDb } from './harness.js';

interface Row {
  step_ratio: number;
  direction: string;
  outcome: string;
  escape_step: number | null;
  predicted_escape_step: number | null;
  diverged_step: number | null;
  steps: number;
  final_loss_type: string;
  final_sharpness_type: string;
  landing_ratio_type: string;
  result: string;
}

describe('divergence at step ratios 3 to 5 on matrix chains', () => {
  const db = freshDb();

  it('runs to the end with every trial stored', () => {
    const result = cli(['run', fixture('diverge.yaml'), '--db', db,
      '--no-tui']);
    expect(result.status, result.stderr).toBe(0);
  });

  it('stores diverged trials with their step and NULL, not NaN', () => {
    const rows = readRows<Row>(db, `
      SELECT step_ratio, direction, outcome, escape_step,
        predicted_escape_step, diverged_step, steps, result,
        typeof(final_loss) AS final_loss_type,
        typeof(final_sharpness) AS final_sharpness_type,
        typeof(landing_ratio) AS landing_ratio_type
      FROM trials`);
    // 2 seeds × 2 depths × 2 widths × 2 minimizers × 2 directions × 3 ρ
    expect(rows).toHaveLength(96);

    // DESIGN.md §1.3: at ρ ≈ 3 matrix chains usually diverge.
    for (const ratio of [3, 4, 5]) {
      const atRatio = rows.filter((row) =>
        Math.abs(row.step_ratio - ratio) < 1e-6);
      expect(atRatio).toHaveLength(32);
      const diverged = atRatio.filter((row) => row.outcome === 'diverged');
      expect(diverged.length, `ρ = ${ratio}`).toBeGreaterThan(
        atRatio.length / 2);
    }

    for (const row of rows.filter((r) => r.outcome === 'diverged')) {
      const context = JSON.stringify(row);
      expect(row.final_loss_type, context).toBe('null');
      expect(row.final_sharpness_type, context).toBe('null');
      expect(row.landing_ratio_type, context).toBe('null');
      expect(Number.isInteger(row.diverged_step), context).toBe(true);
      // GD stops at the step whose loss overflowed.
      expect(row.steps, context).toBe(row.diverged_step);
      // It left w* before it blew up ...
      expect(row.escape_step, context).not.toBeNull();
      expect(row.escape_step!, context).toBeLessThanOrEqual(
        row.diverged_step!);
      // ... when linear stability says it would: the predicted step
      // ln(δ/(r|⟨d,v_1⟩|)) / ln|1 − ηλ|, give or take the rounding to a
      // whole step and the other unstable directions of a random d.
      const gap = row.escape_step! - row.predicted_escape_step!;
      expect(gap, context).toBeGreaterThanOrEqual(-1);
      expect(gap, context).toBeLessThanOrEqual(2);
      // The result JSON parses (no NaN token) and agrees with the columns.
      const stored = JSON.parse(row.result);
      expect(stored.finalLoss, context).toBeNull();
      expect(stored.divergedStep, context).toBe(row.diverged_step);
    }
  });

  it('no column and no trajectory sample holds a non-finite number', () => {
    const numeric = ['sharpness', 'escape_step', 'predicted_escape_step',
      'diverged_step', 'final_loss', 'final_distance', 'final_sharpness',
      'landing_ratio', 'step_size', 'step_ratio'];
    for (const column of numeric) {
      // SQLite stores ±Infinity as a real that equals ±9e999; NaN would
      // have to be text.
      const [{ bad }] = readRows<{ bad: number }>(db, `
        SELECT count(*) AS bad FROM trials
        WHERE typeof(${column}) NOT IN ('real', 'integer', 'null')
           OR abs(${column}) = 9e999`);
      expect(bad, column).toBe(0);
    }

    const [{ bad, samples }] = readRows<{ bad: number; samples: number }>(
      db, `
      SELECT count(*) AS samples,
        sum(typeof(loss) NOT IN ('real', 'integer', 'null')
          OR abs(loss) = 9e999 OR abs(distance) = 9e999
          OR abs(top_component) = 9e999) AS bad
      FROM trajectory`);
    expect(samples).toBeGreaterThan(0);
    expect(bad).toBe(0);
  });
});
