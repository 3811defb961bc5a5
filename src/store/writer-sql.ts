/** The statements the writer prepares once and runs per trial or batch. */

const TRIAL_COLUMNS = [
  'sweep_id', 'key', 'depth', 'width', 'dims', 'target_kind', 'family',
  'step_ratio', 'step_size', 'radius', 'direction', 'seed', 'outcome',
  'sharpness', 'escape_step', 'predicted_escape_step', 'diverged_step',
  'final_loss', 'final_distance', 'final_sharpness', 'landing_ratio',
  'steps', 'error', 'duration_ms', 'finished_at', 'spec', 'result',
];

const SAMPLE_COLUMNS = [
  'sweep_id', 'key', 'step', 'loss', 'distance', 'top_component',
  'sharpness',
];

function insertInto(table: string, columns: string[], key: string): string {
  const names = columns.join(', ');
  const params = columns.map((column) => `@${column}`).join(', ');

  // Only a conflict on the key is ignored (finished trials are
  // immutable); unlike OR IGNORE, a NOT NULL violation still fails loudly.
  return `INSERT INTO ${table} (${names}) VALUES (${params})
    ON CONFLICT (${key}) DO NOTHING`;
}

export const WRITER_SQL = {
  upsertSweep: `
    INSERT INTO sweeps (name, file, definition, total, created_at,
                        updated_at)
    VALUES (@name, @file, @definition, @total, @now, @now)
    ON CONFLICT (name) DO UPDATE SET
      file = coalesce(excluded.file, file),
      definition = excluded.definition,
      total = excluded.total,
      updated_at = excluded.updated_at
    RETURNING id`,

  storedSweep: `SELECT id, definition FROM sweeps WHERE name = ?`,

  storedTrials: `SELECT count(*) FROM trial_results WHERE sweep_id = ?`,

  isStored: `SELECT 1 FROM trial_results WHERE sweep_id = ? AND key = ?`,

  insertTrial: insertInto('trial_results', TRIAL_COLUMNS, 'sweep_id, key'),

  insertSample: insertInto('trajectory', SAMPLE_COLUMNS,
    'sweep_id, key, step'),

  bumpSweep: `
    UPDATE sweeps
    SET done = done + ?, failed = failed + ?, updated_at = ?
    WHERE id = ?`,

  progress: `SELECT total, done, failed FROM sweeps WHERE id = ?`,

  startRun: `
    INSERT INTO runs (sweep_id, executor, pid, workers, status,
                      started_at, heartbeat_at)
    VALUES (?, ?, ?, ?, 'running', ?, ?)
    RETURNING id`,

  heartbeat: `
    UPDATE runs SET busy = ?, completed = ?, rate = ?, heartbeat_at = ?
    WHERE id = ?`,

  endRun: `
    UPDATE runs SET status = ?, ended_at = ?, heartbeat_at = ?
    WHERE id = ?`,
} as const;
