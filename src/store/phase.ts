/**
 * Outcome counts per (step-ratio bucket, axis value): the data of a phase
 * map, counted by SQLite so a million trials never reach JavaScript.
 */
import type Database from 'better-sqlite3';
import { OptionError } from '../errors.js';
import type { PhaseAxis, PhaseCell, PhaseMap } from './types.js';

export const PHASE_AXES: readonly PhaseAxis[] = [
  'depth', 'width', 'family', 'direction', 'target_kind', 'radius',
];

// LIMITATION: each call visits every trial of the sweep, in the covering
// index trial_results_phase (schema v2) rather than the rows, which is
// still linear in the sweep size: not something to poll every frame.
/**
 * `edges` are ascending bucket edges `b_0 < … < b_k`: bucket `i` holds
 * `b_i ≤ step_ratio < b_{i+1}`, the last one also `step_ratio = b_k`.
 */
export function outcomesByRatio(
  db: Database.Database,
  sweepId: number,
  axis: PhaseAxis,
  edges: number[],
): PhaseMap {
  checkAxis(axis);
  checkEdges(edges);

  const last = edges.length - 2;
  const cases = edges.slice(0, -1).map((_, i) =>
    `WHEN step_ratio >= ? AND step_ratio ${i === last ? '<=' : '<'} ? ` +
    `THEN ${i}`);
  const bounds = edges.slice(0, -1).flatMap((lo, i) => [lo, edges[i + 1]]);

  // The axis is one of PHASE_AXES, a fixed column name, never user text.
  const rows = db.prepare(`
    SELECT bucket, value, count(*) AS total,
      sum(outcome = 'escaped') AS escaped,
      sum(outcome = 'diverged') AS diverged,
      sum(outcome = 'stayed') AS stayed,
      sum(outcome = 'unconverged') AS unconverged,
      sum(outcome = 'failed') AS failed
    FROM (
      SELECT CASE ${cases.join(' ')} END AS bucket, ${axis} AS value, outcome
      FROM trial_results WHERE sweep_id = ?
    )
    GROUP BY bucket, value
    ORDER BY bucket, value`).all(...bounds, sweepId) as
    (Omit<PhaseCell, 'lo' | 'hi' | 'bucket'> & { bucket: number | null })[];

  const cells: PhaseCell[] = [];
  let outside = 0;
  for (const row of rows) {
    if (row.bucket === null) {
      outside += row.total;
      continue;
    }
    cells.push({
      ...row,
      bucket: row.bucket,
      lo: edges[row.bucket],
      hi: edges[row.bucket + 1],
    });
  }

  return { cells, outside };
}

function checkAxis(axis: string): void {
  if ((PHASE_AXES as readonly string[]).includes(axis)) return;

  throw new OptionError(
    `axis must be one of ${PHASE_AXES.join(', ')}, got ${String(axis)}.`,
    { location: 'axis' },
  );
}

function checkEdges(edges: number[]): void {
  const ascending = Array.isArray(edges) && edges.length >= 2 &&
    edges.every((edge, i) =>
      Number.isFinite(edge) && (i === 0 || edge > edges[i - 1]));
  if (ascending) return;

  throw new OptionError(
    'buckets must be at least two finite, strictly ascending step-ratio ' +
      `edges, got ${JSON.stringify(edges)}.`,
    { location: 'buckets', hint: 'For example [0, 0.5, 1, 1.5, 2, 3].' },
  );
}
