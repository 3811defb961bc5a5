/**
 * The shapes the dashboard's data layer hands its views. Plain JSON, so
 * the same values cross a worker-thread boundary unchanged.
 */

/** Stored outcomes, in the order the dashboard lists them. */
export const OUTCOMES = [
  'stayed',
  'escaped',
  'diverged',
  'unconverged',
  'failed',
] as const;

export type StoredOutcome = (typeof OUTCOMES)[number];

/** Columns of `trial_results` a phase map can use as its rows. */
export const PHASE_AXES = [
  'depth',
  'width',
  'family',
  'direction',
  'target_kind',
] as const;

export type PhaseAxis = (typeof PHASE_AXES)[number];

/** The latest `runs` row of a sweep. */
export interface RunInfo {
  id: number;
  executor: string;
  status: string;
  workers: number;
  busy: number;
  completed: number;
  rate: number | null;
  startedAt: string;
  heartbeatAt: string;
  endedAt: string | null;
}

export interface SweepInfo {
  id: number;
  name: string;
  total: number;
  /** Stored trials, failed ones included. */
  done: number;
  failed: number;
  updatedAt: string;
  run: RunInfo | null;
}

/**
 * Step-ratio columns of a phase map: the distinct ratios when there are
 * few; runs of neighbouring ratios (`groups`, each its sorted ratios)
 * when there are somewhat more than columns; else bins whose edges always
 * include 1. No column mixes trials predicted to stay (ρ ≤ 1) with trials
 * predicted to leave.
 */
export type RatioColumns =
  | { kind: 'distinct'; values: number[]; split: number }
  | { kind: 'grouped'; groups: number[][]; split: number }
  | { kind: 'binned'; bins: Array<[number, number]>; split: number };

/** The extreme ratios of a sweep, for binning (null: no such ratio). */
export interface RatioExtremes {
  min: number;
  max: number;
  /** Largest ratio ≤ 1 and smallest > 1. */
  highestStable: number | null;
  lowestUnstable: number | null;
}

/** Trials of one (axis value, ratio column, outcome) group. */
export interface PhaseCount {
  value: string | number | null;
  /** Index into the ratio columns (`split` and up: ρ > 1); null when
   *  the trial has no ratio. */
  column: number | null;
  outcome: StoredOutcome;
  /**
   * The trial left the minimum: it passed δ (an escape step is stored),
   * or escaped, or diverged. The run summary's definition.
   */
  left: boolean;
  count: number;
}

export interface PhaseData {
  axis: PhaseAxis;
  columns: RatioColumns;
  counts: PhaseCount[];
}

/** A density grid of (step ratio, landing ratio) for escaped trials. */
export interface LandingData {
  /** Escaped trials with a landing ratio. */
  count: number;
  /** Of those, how many landed with λ_final·η/2 > 1. */
  above: number;
  ratioRange: [number, number];
  landingRange: [number, number];
  /** Bin counts; x along the step ratio, y along the landing ratio. */
  cells: Array<{ x: number; y: number; count: number }>;
}

/** The columns of a results-table row. */
export interface TrialRow {
  key: string;
  depth: number;
  width: number;
  family: string;
  direction: string;
  target_kind: string;
  step_ratio: number | null;
  step_size: number | null;
  outcome: StoredOutcome;
  sharpness: number | null;
  escape_step: number | null;
  predicted_escape_step: number | null;
  landing_ratio: number | null;
  final_sharpness: number | null;
}

export interface TrajectoryPoint {
  step: number;
  loss: number | null;
  distance: number | null;
}

export interface ClosedForm {
  value: number | null;
  exact: boolean;
}

/** Everything the detail view shows about one trial. */
export interface TrialDetail extends TrialRow {
  dims: number[];
  radius: number;
  seed: number;
  final_loss: number | null;
  steps: number | null;
  error: string | null;
  spec: unknown;
  closedForms: Record<string, ClosedForm>;
  trajectory: TrajectoryPoint[];
}

export interface FailureRow {
  key: string;
  depth: number;
  width: number;
  family: string;
  direction: string;
  step_ratio: number | null;
  error: string | null;
}

/** One condition of a table filter, already validated. */
export interface FilterTerm {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  /** Several values (`=` and `!=` only) mean any of / none of them. */
  values: Array<string | number | null>;
}

export interface TableQuery {
  filters: FilterTerm[];
  sort: string;
  descending: boolean;
  offset: number;
  limit: number;
}

/**
 * What a data call returns: a value, or why there is none. `waiting`
 * means the database is not there yet (a run that is just starting).
 */
export type Reply<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; waiting: boolean; message: string };
