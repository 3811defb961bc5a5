/**
 * Test databases for the dashboard: the real schema file, rows inserted
 * by hand (the tests act as the writer), and trials taken from the
 * reference escape cases.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const schemaFile = join(repoRoot, 'db/migrations/001_initial.sql');
const casesFile = join(repoRoot, '../shared/reference/cases.json');

export interface TempDb {
  path: string;
  db: Database.Database;
  dispose(): void;
}

/** A fresh WAL database with the schema applied, as the writer makes it. */
export function tempDatabase(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-dash-'));
  const path = join(dir, 'test.sqlite');
  const db = createDatabase(path);

  return {
    path,
    db,
    dispose() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates `path` with the schema, in WAL mode, as the writer does. */
export function createDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(readFileSync(schemaFile, 'utf8'));
  db.pragma('user_version = 1');

  return db;
}

export function addSweep(
  db: Database.Database,
  name: string,
  counters: { total: number; done?: number; failed?: number },
): number {
  const now = new Date().toISOString();
  const info = db
    .prepare(
      `INSERT INTO sweeps (name, definition, total, done, failed,
                           created_at, updated_at)
       VALUES (?, '{}', ?, ?, ?, ?, ?)`,
    )
    .run(
      name,
      counters.total,
      counters.done ?? 0,
      counters.failed ?? 0,
      now,
      now,
    );

  return Number(info.lastInsertRowid);
}

export interface RunRow {
  status: string;
  workers: number;
  busy: number;
  startedAt: string;
  heartbeatAt: string;
  completed: number;
  rate: number | null;
}

export function addRun(db: Database.Database, sweep: number, run: RunRow) {
  db.prepare(
    `INSERT INTO runs (sweep_id, executor, workers, busy, status,
                       started_at, heartbeat_at, completed, rate)
     VALUES (?, 'local', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sweep, run.workers, run.busy, run.status, run.startedAt,
    run.heartbeatAt, run.completed, run.rate);
}

export interface Trial {
  key: string;
  depth: number;
  width?: number;
  family?: string;
  direction?: string;
  stepRatio: number | null;
  stepSize?: number | null;
  outcome: string;
  sharpness?: number | null;
  escapeStep?: number | null;
  predictedEscapeStep?: number | null;
  finalSharpness?: number | null;
  landingRatio?: number | null;
  radius?: number;
  seed?: number;
  dims?: number[];
  error?: string | null;
  result?: unknown;
}

/** Inserts trials and keeps the sweep's counters in step, as the writer. */
export function addTrials(
  db: Database.Database,
  sweep: number,
  trials: Trial[],
): void {
  const insert = db.prepare(
    `INSERT INTO trial_results (sweep_id, key, depth, width, dims,
       target_kind, family, step_ratio, step_size, radius, direction, seed,
       outcome, sharpness, escape_step, predicted_escape_step,
       final_sharpness, landing_ratio, steps, error, finished_at, spec,
       result)
     VALUES (@sweep, @key, @depth, @width, @dims, 'gaussian', @family,
       @ratio, @size, @radius, @direction, @seed, @outcome, @sharpness,
       @escape, @predicted, @finalSharpness, @landing, 100, @error, @now,
       '{}', @result)`,
  );
  const counters = db.prepare(
    `UPDATE sweeps SET done = done + @done, failed = failed + @failed,
       updated_at = @now WHERE id = @sweep`,
  );

  db.transaction(() => {
    const now = new Date().toISOString();
    for (const t of trials) {
      insert.run({
        sweep,
        key: t.key,
        depth: t.depth,
        width: t.width ?? 4,
        dims: JSON.stringify(t.dims ?? [1, 4, 1]),
        family: t.family ?? 'balanced',
        ratio: t.stepRatio,
        size: t.stepSize ?? null,
        radius: t.radius ?? 1e-6,
        direction: t.direction ?? 'top',
        seed: t.seed ?? 0,
        outcome: t.outcome,
        sharpness: t.sharpness ?? null,
        escape: t.escapeStep ?? null,
        predicted: t.predictedEscapeStep ?? null,
        finalSharpness: t.finalSharpness ?? null,
        landing: t.landingRatio ?? null,
        error: t.error ?? null,
        now,
        result: t.result === undefined ? null : JSON.stringify(t.result),
      });
    }
    const failed = trials.filter((t) => t.outcome === 'failed').length;
    counters.run({ sweep, done: trials.length, failed, now });
  })();
}

export interface EscapeCase {
  dims: number[];
  factors: number[][][];
  sharpness: number;
  stepSize: number;
  stepRatio: number;
  radius: number;
  escapeDistance: number;
  outcome: string;
  escapeStep: number | null;
  finalSharpness: number;
}

export interface MinimizerCase {
  dims: number[];
  factors: number[][][];
  sharpness: number;
}

export function referenceCases(): {
  escapes: EscapeCase[];
  minimizers: MinimizerCase[];
} {
  return JSON.parse(readFileSync(casesFile, 'utf8'));
}

/**
 * The reference escapes as stored trials. The landing ratio and the
 * predicted escape step follow from the case by their definitions
 * (DESIGN.md §1.3; the perturbation is v_1 itself, so ⟨d, v_1⟩ = 1).
 */
export function escapeTrials(): Trial[] {
  return referenceCases().escapes.map((c, i) => ({
    key: `ref${i}`,
    depth: c.dims.length - 1,
    dims: c.dims,
    stepRatio: c.stepRatio,
    stepSize: c.stepSize,
    outcome: c.outcome,
    sharpness: c.sharpness,
    escapeStep: c.escapeStep,
    predictedEscapeStep: predictedEscapeStep(c),
    finalSharpness: c.finalSharpness,
    landingRatio: (c.finalSharpness * c.stepSize) / 2,
    radius: c.radius,
  }));
}

export function predictedEscapeStep(c: EscapeCase): number | null {
  if (c.stepRatio <= 1) return null;

  return Math.log(c.escapeDistance / c.radius) /
    Math.log(Math.abs(1 - c.stepSize * c.sharpness));
}

/** A seeded generator (mulberry32), so random test data repeats. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `check` until it passes or `timeoutMs` runs out. */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 3000,
  what: string | (() => string) = 'condition',
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - start > timeoutMs) {
      const described = typeof what === 'string' ? what : what();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${described}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
