/**
 * A small, fully known result set in a fresh database built from the
 * schema file: every count and value the plot tests check follows from
 * the construction below, not from the plotting code.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMA = join(import.meta.dirname, '../../db/migrations/001_initial.sql');

export const RADIUS = 1e-6;
export const DELTA = 1e-3;
export const RATIOS = [0.8, 1.2, 1.6];
export const DEPTHS = [2, 4];
export const SEEDS = [0, 1];
/** Starting sharpness by depth. */
export const SHARPNESS: Record<number, number> = { 2: 10, 4: 40 };
/** Landing ratio λ_end η / 2 of every escaped trial. */
export const LANDING_RATIO = 0.9;

export interface FixtureTrial {
  key: string;
  depth: number;
  ratio: number;
  seed: number;
  outcome: string;
}

/**
 * Outcomes: ρ = 0.8 stays, ρ = 1.2 escapes, ρ = 1.6 escapes except depth 4
 * seed 0, which diverges. One extra failed trial (depth 2, ρ = 1.2).
 */
export function fixtureTrials(): FixtureTrial[] {
  const trials: FixtureTrial[] = [];
  for (const depth of DEPTHS) {
    for (const ratio of RATIOS) {
      for (const seed of SEEDS) {
        let outcome = ratio < 1 ? 'stayed' : 'escaped';
        if (depth === 4 && ratio === 1.6 && seed === 0) outcome = 'diverged';
        trials.push({ key: keyOf(depth, ratio, seed), depth, ratio, seed,
          outcome });
      }
    }
  }
  trials.push({ key: keyOf(2, 1.2, 9), depth: 2, ratio: 1.2, seed: 9,
    outcome: 'failed' });

  return trials;
}

function keyOf(depth: number, ratio: number, seed: number): string {
  return `d${depth}r${Math.round(ratio * 10)}s${seed}`.padEnd(32, '0');
}

/** Linear growth factor |1 − ηλ| = 2ρ − 1 of the top component. */
export function predictedEscape(ratio: number): number {
  return Math.log(DELTA / RADIUS) / Math.log(2 * ratio - 1);
}

export const TRAJECTORY_STEPS = [0, 1, 2, 4, 8, 16, 32, 64];

export function buildFixtureDb(file: string): FixtureTrial[] {
  const db = new Database(file);
  db.exec(readFileSync(SCHEMA, 'utf8'));
  const now = '2025-01-01T00:00:00.000Z';
  const addSweep = db.prepare(
    `INSERT INTO sweeps (name, definition, total, created_at, updated_at)
     VALUES (?, '{}', ?, ?, ?)`,
  );
  const trials = fixtureTrials();
  const sweepId = Number(
    addSweep.run('fixture', trials.length, now, now).lastInsertRowid,
  );
  addSweep.run('empty', 4, now, now);

  const insert = db.prepare(
    `INSERT INTO trial_results (sweep_id, key, depth, width, dims,
       target_kind, family, step_ratio, step_size, radius, direction, seed,
       outcome, sharpness, escape_step, predicted_escape_step,
       final_loss, final_sharpness, landing_ratio, steps, error,
       finished_at, spec, result)
     VALUES (@sweep_id, @key, @depth, 3, @dims, 'gaussian', 'balanced',
       @ratio, @step_size, ${RADIUS}, 'top', @seed, @outcome, @sharpness,
       @escape_step, @predicted, @final_loss, @final_sharpness,
       @landing_ratio, 100, @error, '${now}', @spec, NULL)`,
  );
  const sample = db.prepare(
    `INSERT INTO trajectory (sweep_id, key, step, loss, distance)
     VALUES (?, ?, ?, ?, ?)`,
  );

  for (const trial of trials) {
    const lambda = SHARPNESS[trial.depth];
    const stepSize = (2 * trial.ratio) / lambda;
    const escaped = trial.outcome === 'escaped';
    const left = escaped || trial.outcome === 'diverged';
    const failed = trial.outcome === 'failed';
    insert.run({
      sweep_id: sweepId,
      key: trial.key,
      depth: trial.depth,
      dims: JSON.stringify(Array(trial.depth + 1).fill(3)),
      // Stored ratios are recomputed from η and λ and may miss the grid
      // value in the last bit; the plots must still group them with it.
      ratio: trial.seed === 1 ? trial.ratio * (1 - Number.EPSILON)
        : trial.ratio,
      step_size: failed ? null : stepSize,
      seed: trial.seed,
      outcome: trial.outcome,
      sharpness: failed ? null : lambda,
      escape_step: left ? Math.ceil(predictedEscape(trial.ratio)) : null,
      predicted: left ? predictedEscape(trial.ratio) : null,
      final_loss: escaped ? 1e-24 : null,
      final_sharpness: escaped ? (LANDING_RATIO * 2) / stepSize : null,
      landing_ratio: escaped ? LANDING_RATIO : null,
      error: failed ? 'worker crashed' : null,
      spec: JSON.stringify({
        minimizer: { family: 'balanced' },
        step: { ratio: trial.ratio },
      }),
    });

    if (trial.depth === 2 && trial.seed === 0 && !failed) {
      const growth = Math.abs(1 - 2 * trial.ratio);
      for (const step of TRAJECTORY_STEPS) {
        const distance = Math.min(RADIUS * growth ** step, 0.5);
        sample.run(sweepId, trial.key, step, lambda * distance ** 2, distance);
      }
    }
  }
  db.close();

  return trials;
}
