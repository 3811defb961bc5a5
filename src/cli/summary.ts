import {
  openReader,
  ratioBucket,
  type BucketSummary,
} from '../store/index.js';
import { formatNumber, formatPercent, formatTable } from './format.js';

interface Row {
  step_ratio: number | null;
  outcome: string;
  landing_ratio: number | null;
  escape_step: number | null;
  predicted_escape_step: number | null;
}

export type { BucketSummary };

/**
 * Groups a sweep's trials by step ratio (to 3 significant digits) and
 * compares what happened with the linear-stability prediction. This is
 * the definition in memory, for a handful of rows; the end-of-run table
 * computes the same in SQL (`StoreReader.summaryByRatio`), whatever the
 * sweep size.
 */
export function summariseByRatio(rows: Iterable<Row>): BucketSummary[] {
  const buckets = new Map<number, Row[]>();
  for (const row of rows) {
    if (row.step_ratio === null) {
      continue;
    }
    const ratio = ratioBucket(row.step_ratio);
    const bucket = buckets.get(ratio) ?? [];
    bucket.push(row);
    buckets.set(ratio, bucket);
  }

  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ratio, bucket]) => {
      const ran = bucket.filter((row) => row.outcome !== 'failed');
      // Leaving is observed as passing δ, whether or not GD then settled
      // on another minimum (escaped) or never did (unconverged).
      const left = ran.filter(
        (row) =>
          row.escape_step !== null ||
          row.outcome === 'escaped' ||
          row.outcome === 'diverged',
      );
      const landing = ran
        .filter((row) => row.outcome === 'escaped')
        .map((row) => row.landing_ratio)
        .filter((value): value is number => value !== null);
      const stepErrors = ran
        .filter(
          (row) =>
            row.escape_step !== null && row.predicted_escape_step !== null,
        )
        .map((row) =>
          Math.abs(row.escape_step! - row.predicted_escape_step!),
        );
      const fraction = (count: number) =>
        ran.length === 0 ? 0 : count / ran.length;

      return {
        ratio,
        trials: bucket.length,
        failed: bucket.length - ran.length,
        predictedEscape: fraction(ran.filter((row) => ratio > 1).length),
        observedEscape: fraction(left.length),
        diverged: fraction(
          ran.filter((row) => row.outcome === 'diverged').length,
        ),
        medianLandingRatio: median(landing),
        medianEscapeStepError: median(stepErrors),
      };
    });
}

export function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }

  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;

  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function printSummary(dbPath: string, sweep: string): void {
  const reader = openReader(dbPath);
  try {
    const [found] = reader.query(
      'SELECT id FROM sweeps WHERE name = ?', [sweep],
    ) as { id: number }[];
    const buckets = found === undefined ? [] : reader.summaryByRatio(found.id);

    const table = formatTable(
      [
        'ρ',
        'trials',
        'failed',
        'predicted',
        'left',
        'diverged',
        'landing ratio',
        '|obs−pred|',
      ],
      buckets.map((b) => [
        formatNumber(b.ratio, 3),
        String(b.trials),
        String(b.failed),
        formatPercent(b.predictedEscape),
        formatPercent(b.observedEscape),
        formatPercent(b.diverged),
        formatNumber(b.medianLandingRatio, 4),
        formatNumber(b.medianEscapeStepError, 3),
      ]),
    );
    process.stdout.write(
      `\nSweep "${sweep}" by step ratio ρ = ηλ_max/2:\n\n` +
        table +
        '\n\n' +
        [
          'predicted  fraction that linear stability predicts to leave (ρ > 1)',
          'left       fraction that moved farther than δ from the minimum',
          'landing    median λ_final·η/2 of escaped trials (≤ 1: stable for η)',
          '|obs−pred| median gap between observed and predicted escape step',
        ].join('\n') +
        `\n\nEvery trial: sharpsweep query --db ${dbPath} ` +
        `"SELECT * FROM trials WHERE sweep = '${sweep}'"\n`,
    );
  } finally {
    reader.close();
  }
}
