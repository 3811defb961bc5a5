import { expect } from 'vitest';

import { rows } from './harness.js';

// Per-run bookkeeping, not results: when and how long, not what.
const VOLATILE = new Set(['finished_at', 'duration_ms', 'sweep_id']);

function trialRows(dbPath: string): Array<Record<string, unknown>> {
  return rows(dbPath, 'SELECT * FROM trial_results ORDER BY key').map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).filter(([column]) => !VOLATILE.has(column)),
      ),
  );
}

function samples(dbPath: string): unknown[] {
  return rows(
    dbPath,
    'SELECT key, step, loss, distance, top_component, sharpness ' +
      'FROM trajectory ORDER BY key, step',
  );
}

/**
 * The guarantees, checked on the database a distributed run wrote: one row
 * per trial of the sweep (no loss, no duplicate), counters that match the
 * rows, and every stored number equal to that of the local run.
 */
export function expectSameAsLocal(
  distributedDb: string,
  localDb: string,
  total: number,
): void {
  const [counts] = rows<{ n: number; keys: number }>(
    distributedDb,
    'SELECT COUNT(*) AS n, COUNT(DISTINCT key) AS keys FROM trial_results',
  );
  expect(counts).toEqual({ n: total, keys: total });

  const [sweep] = rows<{ done: number; failed: number; stored: number;
    storedFailed: number }>(
    distributedDb,
    `SELECT s.done, s.failed,
       (SELECT COUNT(*) FROM trial_results t WHERE t.sweep_id = s.id)
         AS stored,
       (SELECT COUNT(*) FROM trial_results t
         WHERE t.sweep_id = s.id AND t.outcome = 'failed') AS storedFailed
     FROM sweeps s`,
  );
  expect(sweep.done).toBe(sweep.stored);
  expect(sweep.failed).toBe(sweep.storedFailed);

  // Exact equality, not a tolerance: same code, same seeds, same bits.
  expect(trialRows(distributedDb)).toEqual(trialRows(localDb));
  expect(samples(distributedDb)).toEqual(samples(localDb));
}
