/**
 * The end-of-run table by step ratio, aggregated in SQL: counts come from
 * one GROUP BY, medians from two streams in step-ratio order read a row at
 * a time, so memory grows with the largest bucket's median values (8 bytes
 * each) rather than with every row (a million trials read as row objects
 * took hundreds of megabytes).
 */
import type Database from 'better-sqlite3';

export interface BucketSummary {
  /** Step ratio rounded to 3 significant digits. */
  ratio: number;
  trials: number;
  failed: number;
  /** Fraction that linear stability predicts to leave (ρ > 1). */
  predictedEscape: number;
  /** Fraction that moved farther than δ from the minimum. */
  observedEscape: number;
  diverged: number;
  medianLandingRatio: number | null;
  medianEscapeStepError: number | null;
}

/**
 * The bucket of a step ratio: round-off neighbours of one grid value
 * (a measured ρ of 1.2000000000000002) share the bucket of 1.2.
 */
export function ratioBucket(ratio: number): number {
  return Number(ratio.toPrecision(3));
}

// Leaving is observed as passing δ, whether or not GD then settled on
// another minimum (escaped) or never did (unconverged). Grouped by the
// stored ratio itself (few distinct values in practice, read from the
// ratio index in order); the buckets are merged here.
const COUNTS = `
  SELECT step_ratio,
         count(*) AS trials,
         sum(outcome = 'failed') AS failed,
         sum(outcome <> 'failed' AND (escape_step IS NOT NULL
             OR outcome IN ('escaped', 'diverged'))) AS left_,
         sum(outcome = 'diverged') AS diverged
  FROM trial_results
  WHERE sweep_id = ? AND step_ratio IS NOT NULL
  GROUP BY step_ratio
  ORDER BY step_ratio`;

// Rounding is monotone, so in step-ratio order each bucket's values
// arrive together.
const LANDINGS = `
  SELECT step_ratio, landing_ratio
  FROM trial_results
  WHERE sweep_id = ? AND outcome = 'escaped'
    AND step_ratio IS NOT NULL AND landing_ratio IS NOT NULL
  ORDER BY step_ratio`;

const GAPS = `
  SELECT step_ratio, abs(escape_step - predicted_escape_step)
  FROM trial_results
  WHERE sweep_id = ? AND step_ratio IS NOT NULL AND outcome <> 'failed'
    AND escape_step IS NOT NULL AND predicted_escape_step IS NOT NULL
  ORDER BY step_ratio`;

type CountRow = [number, number, number, number, number];

interface Counts {
  trials: number;
  failed: number;
  left: number;
  diverged: number;
}

/** Summarises the sweep `sweepId` by step ratio, in one read transaction. */
export function summaryByRatio(
  db: Database.Database,
  sweepId: number,
): BucketSummary[] {
  const read = db.transaction(() => {
    const buckets = new Map<number, Counts>();
    const rows = db.prepare(COUNTS).raw().iterate(sweepId) as
      IterableIterator<CountRow>;
    for (const [ratio, trials, failed, left, diverged] of rows) {
      const bucket = ratioBucket(ratio);
      const counts = buckets.get(bucket) ??
        { trials: 0, failed: 0, left: 0, diverged: 0 };
      counts.trials += trials;
      counts.failed += failed;
      counts.left += left;
      counts.diverged += diverged;
      buckets.set(bucket, counts);
    }
    const landing = medians(db, LANDINGS, sweepId);
    const gap = medians(db, GAPS, sweepId);

    return [...buckets].map(([ratio, counts]): BucketSummary => {
      const ran = counts.trials - counts.failed;
      const fraction = (count: number) => (ran === 0 ? 0 : count / ran);

      return {
        ratio,
        trials: counts.trials,
        failed: counts.failed,
        predictedEscape: fraction(ratio > 1 ? ran : 0),
        observedEscape: fraction(counts.left),
        diverged: fraction(counts.diverged),
        medianLandingRatio: landing.get(ratio) ?? null,
        medianEscapeStepError: gap.get(ratio) ?? null,
      };
    });
  });

  return read();
}

/**
 * The median of each bucket from rows `(step ratio, value)` in step-ratio
 * order: one bucket's values are held at a time, as 8-byte floats.
 */
function medians(
  db: Database.Database,
  sql: string,
  sweepId: number,
): Map<number, number> {
  const result = new Map<number, number>();
  let current: number | null = null;
  let values = new Float64Array(1024);
  let size = 0;
  const close = () => {
    if (current === null || size === 0) return;
    const sorted = values.subarray(0, size).sort();
    const middle = size >> 1;
    result.set(current, size % 2 === 1
      ? sorted[middle]
      : (sorted[middle - 1] + sorted[middle]) / 2);
  };

  const rows = db.prepare(sql).raw().iterate(sweepId) as
    IterableIterator<[number, number]>;
  for (const [ratio, value] of rows) {
    const bucket = ratioBucket(ratio);
    if (bucket !== current) {
      close();
      current = bucket;
      size = 0;
    }
    if (size === values.length) {
      const grown = new Float64Array(2 * size);
      grown.set(values);
      values = grown;
    }
    values[size++] = value;
  }
  close();

  return result;
}
