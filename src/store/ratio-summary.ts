/**
 * The end-of-run table by step ratio, aggregated in SQL: counts come from
 * one GROUP BY, medians from two sorted streams read a row at a time, so
 * the memory it takes does not grow with the sweep (a million trials read
 * as row objects took hundreds of megabytes).
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

const BUCKET = 'ratio_bucket(step_ratio)';

// Leaving is observed as passing δ, whether or not GD then settled on
// another minimum (escaped) or never did (unconverged).
const COUNTS = `
  SELECT ${BUCKET} AS ratio,
         count(*) AS trials,
         sum(outcome = 'failed') AS failed,
         sum(outcome <> 'failed' AND (escape_step IS NOT NULL
             OR outcome IN ('escaped', 'diverged'))) AS left_,
         sum(outcome = 'diverged') AS diverged,
         sum(outcome = 'escaped' AND landing_ratio IS NOT NULL) AS landings,
         sum(outcome <> 'failed' AND escape_step IS NOT NULL
             AND predicted_escape_step IS NOT NULL) AS gaps
  FROM trial_results
  WHERE sweep_id = ? AND step_ratio IS NOT NULL
  GROUP BY 1
  ORDER BY 1`;

const LANDINGS = `
  SELECT ${BUCKET}, landing_ratio
  FROM trial_results
  WHERE sweep_id = ? AND step_ratio IS NOT NULL
    AND outcome = 'escaped' AND landing_ratio IS NOT NULL
  ORDER BY 1, 2`;

const GAPS = `
  SELECT ${BUCKET}, abs(escape_step - predicted_escape_step)
  FROM trial_results
  WHERE sweep_id = ? AND step_ratio IS NOT NULL AND outcome <> 'failed'
    AND escape_step IS NOT NULL AND predicted_escape_step IS NOT NULL
  ORDER BY 1, 2`;

interface CountRow {
  ratio: number;
  trials: number;
  failed: number;
  left_: number;
  diverged: number;
  landings: number;
  gaps: number;
}

/** Summarises the sweep `sweepId` by step ratio, in one read transaction. */
export function summaryByRatio(
  db: Database.Database,
  sweepId: number,
): BucketSummary[] {
  db.function('ratio_bucket', { deterministic: true }, (value) =>
    typeof value === 'number' ? ratioBucket(value) : null);

  const read = db.transaction(() => {
    const counts = db.prepare(COUNTS).all(sweepId) as CountRow[];
    const landing = medians(db, LANDINGS, sweepId,
      new Map(counts.map((row) => [row.ratio, row.landings])));
    const gap = medians(db, GAPS, sweepId,
      new Map(counts.map((row) => [row.ratio, row.gaps])));

    return counts.map((row): BucketSummary => {
      const ran = row.trials - row.failed;
      const fraction = (count: number) => (ran === 0 ? 0 : count / ran);

      return {
        ratio: row.ratio,
        trials: row.trials,
        failed: row.failed,
        predictedEscape: fraction(row.ratio > 1 ? ran : 0),
        observedEscape: fraction(row.left_),
        diverged: fraction(row.diverged),
        medianLandingRatio: landing.get(row.ratio) ?? null,
        medianEscapeStepError: gap.get(row.ratio) ?? null,
      };
    });
  });

  return read();
}

/**
 * The median of each bucket from rows `(bucket, value)` sorted by both,
 * given how many values each bucket has: only the one or two middle
 * values of each bucket are kept.
 */
function medians(
  db: Database.Database,
  sql: string,
  sweepId: number,
  sizes: Map<number, number>,
): Map<number, number> {
  const result = new Map<number, number>();
  let current: number | null = null;
  let index = 0;
  let lower = 0;
  const rows = db.prepare(sql).raw().iterate(sweepId) as
    IterableIterator<[number, number]>;
  for (const [bucket, value] of rows) {
    if (bucket !== current) {
      current = bucket;
      index = 0;
    }
    const size = sizes.get(bucket) ?? 0;
    const middle = size >> 1;
    if (size % 2 === 1 && index === middle) {
      result.set(bucket, value);
    } else if (size % 2 === 0 && index === middle - 1) {
      lower = value;
    } else if (size % 2 === 0 && index === middle) {
      result.set(bucket, (lower + value) / 2);
    }
    index += 1;
  }

  return result;
}
