/**
 * The shapes that cross the store boundary: what the executor hands the
 * writer, and what readers hand the dashboard, `query` and the plots.
 */
import type {
  Outcome,
  TrialResult,
  TrialSpec,
} from '../escape/spec.js';
import type { ConnectionOptions } from './connection.js';
import type { MigrationReport } from './migrate.js';
import type { PreparedTrial } from './rows.js';

/** One finished trial, as the executor hands it to the writer. */
export interface StoredTrial {
  sweepId: number;
  /** Content hash of the canonical spec; unique within a sweep. */
  key: string;
  spec: TrialSpec;
  result?: TrialResult;
  /** Why the trial failed; when set the outcome is stored as 'failed'. */
  error?: string;
  durationMs: number;
}

/** `Outcome` plus the outcome of a trial that threw. */
export type StoredOutcome = Outcome | 'failed';

export const STORED_OUTCOMES: readonly StoredOutcome[] = [
  'stayed',
  'escaped',
  'diverged',
  'unconverged',
  'failed',
];

export type RunStatus = 'running' | 'done' | 'stopped' | 'failed';

/** The latest row of `runs` for a sweep. */
export interface RunSummary {
  id: number;
  executor: string;
  pid: number | null;
  status: RunStatus;
  workers: number;
  busy: number;
  /** Trials stored by this run. */
  completed: number;
  /** Trials per second, recent; null before the first measurement. */
  rate: number | null;
  startedAt: string;
  heartbeatAt: string;
  endedAt: string | null;
}

export interface SweepSummary {
  id: number;
  name: string;
  file: string | null;
  total: number;
  /** Stored trials, failed ones included. */
  done: number;
  failed: number;
  /** Stored trials per outcome; every outcome present, zero when none. */
  outcomes: Record<StoredOutcome, number>;
  createdAt: string;
  updatedAt: string;
  latestRun: RunSummary | null;
}

/** A sweep with the normalised sweep document it was registered with. */
export interface SweepDetail extends SweepSummary {
  definition: unknown;
}

/** One row of the `trials` view, JSON columns left as text. */
export interface TrialRow {
  sweep: string;
  sweep_id: number;
  key: string;
  depth: number;
  width: number;
  dims: string;
  target_kind: string;
  family: string;
  step_ratio: number | null;
  step_size: number | null;
  radius: number;
  direction: string;
  seed: number;
  outcome: StoredOutcome;
  sharpness: number | null;
  escape_step: number | null;
  predicted_escape_step: number | null;
  diverged_step: number | null;
  final_loss: number | null;
  final_distance: number | null;
  final_sharpness: number | null;
  landing_ratio: number | null;
  steps: number | null;
  error: string | null;
  duration_ms: number | null;
  finished_at: string;
}

/** A stored trajectory sample; non-finite values come back as null. */
export interface StoredSample {
  step: number;
  loss: number | null;
  distance: number | null;
  topComponent: number | null;
  sharpness: number | null;
}

/**
 * The stored result: JSON has no NaN or Infinity, so non-finite numbers of
 * the original come back as null, and the trajectory lives in its own table.
 */
export type StoredResult = Omit<TrialResult, 'trajectory'>;

export interface TrialDetail extends TrialRow {
  spec: TrialSpec;
  result: StoredResult | null;
  trajectory: StoredSample[];
}

/** Axes a phase map can split the ratio buckets by. */
export type PhaseAxis =
  | 'depth'
  | 'width'
  | 'family'
  | 'direction'
  | 'target_kind'
  | 'radius';

/** Outcome counts of the trials in one (ratio bucket, axis value) cell. */
export interface PhaseCell {
  /** Index of the bucket: `lo ≤ step_ratio < hi` (last one: `≤ hi`). */
  bucket: number;
  lo: number;
  hi: number;
  value: string | number | null;
  total: number;
  escaped: number;
  diverged: number;
  stayed: number;
  unconverged: number;
  failed: number;
}

export interface PhaseMap {
  cells: PhaseCell[];
  /** Trials with no step ratio or one outside every bucket. */
  outside: number;
}

export interface TrialsPageOptions {
  /** Equality filters on `trials` columns; null matches NULL. */
  where?: { outcome?: string; [column: string]: unknown };
  /** A `trials` column; ties are broken by `key`. Default `key`. */
  orderBy?: string;
  desc?: boolean;
  limit: number;
  offset?: number;
  /**
   * Keyset paging: the `key` of the last row of the previous page. Only
   * when ordering by `key`, where it costs nothing whatever the depth.
   */
  afterKey?: string;
}

export interface WriterOptions extends ConnectionOptions {
  /** Buffered trials that trigger a flush from `add`. @default 1024 */
  batchSize?: number;
}

export interface SweepRegistration {
  name: string;
  file?: string;
  /** The normalised sweep document; stored as JSON. */
  definition: unknown;
  /** Trials in the plan. */
  total: number;
  /**
   * The plan's trial keys. When the name is stored with another
   * definition, they show whether every stored trial is still planned;
   * without them such a sweep is refused as soon as it has any trials.
   */
  keys?: () => Iterable<string>;
}

export interface ResultWriter {
  /** What opening did to the schema (versions, backup file). */
  readonly migration: MigrationReport;
  /**
   * Upserts by name (definition and total updated); returns the id. A new
   * definition is refused (SweepValidationError) when a stored trial of
   * the sweep is not in its plan: the sweep would mix two definitions.
   */
  registerSweep(sweep: SweepRegistration): number;
  /** True when the trial is stored or buffered; one indexed lookup. */
  isStored(sweepId: number, key: string): boolean;
  /** Buffers a finished trial; flushes when the batch is full. */
  add(trial: StoredTrial): void;
  /**
   * Buffers a trial whose row was computed where it ran (`prepareTrial`),
   * with its spec as JSON; otherwise exactly like `add`. The writer keeps
   * and completes `trial.values`, so hand it a row used nowhere else.
   */
  addPrepared(trial: PreparedTrial, spec: string): void;
  /** Stores the buffer in one transaction; returns the rows inserted. */
  flush(): number;
  /** Records a run as 'running'; returns its id. */
  startRun(run: {
    sweepId: number;
    executor: 'local' | 'redis';
    workers: number;
  }): number;
  heartbeat(
    runId: number,
    beat: { busy: number; completed: number; rate: number | null },
  ): void;
  /** Flushes, then marks the run ended with `status`. */
  endRun(runId: number, status: 'done' | 'stopped' | 'failed'): void;
  /** Stored (flushed) counts of the sweep. */
  progress(sweepId: number): { total: number; done: number; failed: number };
  /** Flushes, checkpoints the WAL into the file and closes; idempotent. */
  close(): void;
}
