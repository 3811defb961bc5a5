/**
 * Reading a sweep for plotting. The plots open their own read-only
 * connection: a figure can be drawn while `run` is still writing (WAL
 * readers never block the writer) and can never change the file.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

import { InputError, OptionError, StoreError } from '../errors.js';
import type { MinimizerSpec, StepSpec } from '../escape/spec.js';
import { closest } from '../plan/suggest.js';

export type PlotDatabase = Database.Database;

/** One stored trial, reduced to what the figures use. */
export interface PlotTrial {
  key: string;
  depth: number;
  width: number;
  dims: number[];
  targetKind: string;
  family: string;
  /** The family with its parameter, e.g. "imbalanced s=0.5". */
  familyLabel: string;
  direction: string;
  seed: number;
  radius: number;
  outcome: string;
  stepRatio: number | null;
  stepSize: number | null;
  sharpness: number | null;
  escapeStep: number | null;
  predictedEscapeStep: number | null;
  finalSharpness: number | null;
  landingRatio: number | null;
}

export interface PlotSample {
  step: number;
  loss: number | null;
  distance: number | null;
}

export function openPlotDb(file: string): PlotDatabase {
  if (!existsSync(file)) {
    throw new StoreError('STORE', `No sharpsweep database at ${file}.`, {
      location: file,
      hint: 'Pass the --db that `sharpsweep run` wrote to.',
    });
  }

  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.prepare('SELECT 1 FROM trials LIMIT 0').all();

    return db;
  } catch (cause) {
    throw new StoreError('STORE', `Cannot read trials from ${file}.`, {
      location: file,
      hint: 'Point --db at a database written by `sharpsweep run`.',
      cause,
    });
  }
}

export function listSweeps(db: PlotDatabase): string[] {
  const rows = db.prepare('SELECT name FROM sweeps ORDER BY name').all();

  return (rows as { name: string }[]).map((row) => row.name);
}

/**
 * Every stored trial of a sweep. An unknown sweep is an option error
 * (with the closest name); a sweep without trials is an input error.
 */
export function loadTrials(db: PlotDatabase, sweep: string): PlotTrial[] {
  requireSweep(db, sweep);

  const rows = db
    .prepare(
      `SELECT key, depth, width, dims, target_kind, family, direction,
              seed, radius, outcome, step_ratio, step_size, sharpness,
              escape_step, predicted_escape_step, final_sharpness,
              landing_ratio, spec
       FROM trials WHERE sweep = ? ORDER BY key`,
    )
    .all(sweep) as Record<string, unknown>[];
  if (rows.length === 0) {
    throw new InputError(`sweep "${sweep}" has no stored trials yet`, {
      location: `--sweep ${sweep}`,
      hint: 'Run it first: sharpsweep run <sweep.yaml> --db <file>.',
    });
  }

  return rows.map(toPlotTrial);
}

export function requireSweep(db: PlotDatabase, sweep: string): void {
  const names = listSweeps(db);
  if (names.includes(sweep)) return;

  const guess = closest(sweep, names);
  const known = names.length > 0 ? names.join(', ') : 'none';
  throw new OptionError(`unknown sweep "${sweep}"`, {
    location: '--sweep',
    hint: guess !== undefined
      ? `Did you mean "${guess}"? Sweeps in this database: ${known}.`
      : `Sweeps in this database: ${known}.`,
  });
}

function toPlotTrial(row: Record<string, unknown>): PlotTrial {
  const spec = parseJson(row.spec) as {
    minimizer?: MinimizerSpec;
    step?: StepSpec;
  };

  return {
    key: String(row.key),
    depth: Number(row.depth),
    width: Number(row.width),
    dims: parseJson(row.dims) as number[],
    targetKind: String(row.target_kind),
    family: String(row.family),
    familyLabel: familyLabel(spec?.minimizer, String(row.family)),
    direction: String(row.direction),
    seed: Number(row.seed),
    radius: Number(row.radius),
    outcome: String(row.outcome),
    stepRatio: gridRatio(spec?.step, numberOrNull(row.step_ratio)),
    stepSize: numberOrNull(row.step_size),
    sharpness: numberOrNull(row.sharpness),
    escapeStep: numberOrNull(row.escape_step),
    predictedEscapeStep: numberOrNull(row.predicted_escape_step),
    finalSharpness: numberOrNull(row.final_sharpness),
    landingRatio: numberOrNull(row.landing_ratio),
  };
}

/**
 * The ratio a trial was planned with. The stored ratio is recomputed
 * from η and λ and differs from the grid value in the last bits (0.95
 * comes back as 0.9499999999999998), which would split one grid column
 * into several; step-size sweeps keep the stored ratio, to 12 digits.
 */
function gridRatio(
  step: StepSpec | undefined,
  stored: number | null,
): number | null {
  if (step !== undefined && 'ratio' in step &&
    Number.isFinite(step.ratio)) {
    return step.ratio;
  }

  return stored === null ? null : Number(stored.toPrecision(12));
}

/** Families differ by their parameter, so the label carries it. */
export function familyLabel(
  minimizer: MinimizerSpec | undefined,
  family: string,
): string {
  switch (minimizer?.family) {
    case 'imbalanced':
      return `imbalanced s=${minimizer.spread}`;
    case 'random':
      return `random σ=${minimizer.scale}`;
    case 'targeted':
      return `targeted λ=${minimizer.sharpness}`;
    default:
      return family;
  }
}

/** Stored samples of the given trials, in step order, per key. */
export function loadTrajectories(
  db: PlotDatabase,
  sweep: string,
  keys: readonly string[],
): Map<string, PlotSample[]> {
  const select = db.prepare(
    `SELECT t.step, t.loss, t.distance
     FROM trajectory t JOIN sweeps s ON s.id = t.sweep_id
     WHERE s.name = ? AND t.key = ? ORDER BY t.step`,
  );
  const samples = new Map<string, PlotSample[]>();
  for (const key of keys) {
    const rows = select.all(sweep, key) as PlotSample[];
    samples.set(key, rows);
  }

  return samples;
}

/** Keys of the trials of a sweep that have trajectory samples. */
export function keysWithTrajectories(
  db: PlotDatabase,
  sweep: string,
): Set<string> {
  const rows = db
    .prepare(
      `SELECT DISTINCT t.key FROM trajectory t
       JOIN sweeps s ON s.id = t.sweep_id WHERE s.name = ?`,
    )
    .all(sweep) as { key: string }[];

  return new Set(rows.map((row) => row.key));
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
