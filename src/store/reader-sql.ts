/** The fixed statements of the reader, and the run row it maps. */
import type { RunStatus, RunSummary } from './types.js';

const SWEEP_COLUMNS = `id, name, file, definition, total, done, failed,
  created_at, updated_at`;

export const READER_SQL = {
  allSweeps: `SELECT ${SWEEP_COLUMNS} FROM sweeps ORDER BY id`,

  sweepByName: `SELECT ${SWEEP_COLUMNS} FROM sweeps WHERE name = ?`,

  // Served from the (sweep_id, outcome) index without touching rows.
  outcomeCounts: `
    SELECT sweep_id, outcome, count(*) AS n
    FROM trial_results
    GROUP BY sweep_id, outcome`,

  latestRuns: `
    SELECT * FROM runs
    WHERE id IN (SELECT max(id) FROM runs GROUP BY sweep_id)`,

  trial: `SELECT * FROM trials WHERE sweep_id = ? AND key = ?`,

  trajectory: `
    SELECT step, loss, distance, top_component AS topComponent, sharpness
    FROM trajectory
    WHERE sweep_id = ? AND key = ?
    ORDER BY step`,
} as const;

export interface RunRow {
  id: number;
  sweep_id: number;
  executor: string;
  pid: number | null;
  workers: number;
  busy: number;
  status: RunStatus;
  started_at: string;
  heartbeat_at: string;
  ended_at: string | null;
  completed: number;
  rate: number | null;
}

export function toRun(row: RunRow): RunSummary {
  return {
    id: row.id,
    executor: row.executor,
    pid: row.pid,
    status: row.status,
    workers: row.workers,
    busy: row.busy,
    completed: row.completed,
    rate: row.rate,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    endedAt: row.ended_at,
  };
}
