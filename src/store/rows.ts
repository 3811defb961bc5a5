/**
 * From a finished trial to the values of its `trial_results` row and its
 * `trajectory` rows. SQLite would store NaN as NULL anyway but ±Infinity
 * as a REAL that breaks averages and JSON; every non-finite number is
 * stored as NULL, so a NULL reads "no finite value".
 */
import { StoreError } from '../errors.js';
import type { TrialResult } from '../escape/spec.js';
import type { StoredTrial, TrialRow } from './types.js';

const RESULT_OUTCOMES: readonly string[] = [
  'stayed',
  'escaped',
  'diverged',
  'unconverged',
];

/**
 * Named parameters of the insert into `trial_results`: a `trials` row
 * without the sweep name, plus the spec and result JSON.
 */
export type TrialValues = Omit<TrialRow, 'sweep'> & {
  spec: string;
  result: string | null;
};

/**
 * A trial's row as computed where the trial ran (a worker thread): every
 * value but its spec JSON, which the executor already holds, and its
 * `finished_at`, the time it reaches the writer.
 */
export type PreparedValues = Omit<TrialValues, 'spec' | 'finished_at'>;

export interface PreparedTrial {
  values: PreparedValues;
  samples: SampleValues[];
}

export interface SampleValues {
  step: number;
  loss: number | null;
  distance: number | null;
  top_component: number | null;
  sharpness: number | null;
}

export function finiteOrNull(value: number | null | undefined) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The first argument that is a finite number, else null. */
function firstFinite(...values: (number | null | undefined)[]) {
  for (const value of values) {
    if (finiteOrNull(value) !== null) return value as number;
  }

  return null;
}

export function trialValues(
  trial: StoredTrial,
  finishedAt: string,
): TrialValues {
  return {
    ...preparedValues(trial),
    finished_at: finishedAt,
    spec: JSON.stringify(trial.spec),
  };
}

/** The row values and trajectory samples of a trial, checked storable. */
export function prepareTrial(trial: StoredTrial): PreparedTrial {
  return {
    values: preparedValues(trial),
    samples: sampleValues(trial.result),
  };
}

function preparedValues(trial: StoredTrial): PreparedValues {
  const { spec, result, error } = trial;
  checkStorable(trial);

  const dims = spec.dims;
  const hidden = dims.slice(1, -1);
  const width = hidden.length > 0
    ? Math.max(...hidden)
    : Math.max(dims[0], dims[dims.length - 1]);
  const specRatio = 'ratio' in spec.step ? spec.step.ratio : null;
  const specSize = 'size' in spec.step ? spec.step.size : null;

  return {
    sweep_id: trial.sweepId,
    key: trial.key,
    depth: dims.length - 1,
    width,
    dims: JSON.stringify(dims),
    target_kind: spec.target.kind,
    family: spec.minimizer.family,
    step_ratio: firstFinite(result?.stepRatio, specRatio),
    step_size: firstFinite(result?.stepSize, specSize),
    radius: spec.radius,
    direction: spec.direction,
    seed: spec.seed,
    outcome: error !== undefined ? 'failed' : result!.outcome,
    sharpness: finiteOrNull(result?.sharpness),
    escape_step: finiteOrNull(result?.escapeStep),
    predicted_escape_step: finiteOrNull(result?.predictedEscapeStep),
    diverged_step: finiteOrNull(result?.divergedStep),
    final_loss: finiteOrNull(result?.finalLoss),
    final_distance: finiteOrNull(result?.finalDistance),
    final_sharpness: finiteOrNull(result?.finalSharpness),
    landing_ratio: finiteOrNull(result?.landingRatio),
    steps: finiteOrNull(result?.steps),
    error: error ?? null,
    duration_ms: finiteOrNull(trial.durationMs),
    result: result === undefined ? null : resultJson(result),
  };
}

/** The result without its trajectory; JSON turns non-finite into null. */
function resultJson(result: TrialResult): string {
  const { trajectory: _omitted, ...rest } = result;

  return JSON.stringify(rest);
}

export function sampleValues(result: TrialResult | undefined) {
  return (result?.trajectory ?? []).map(
    (sample): SampleValues => ({
      step: sample.step,
      loss: finiteOrNull(sample.loss),
      distance: finiteOrNull(sample.distance),
      top_component: finiteOrNull(sample.topComponent),
      sharpness: finiteOrNull(sample.sharpness),
    }),
  );
}

/**
 * Rejects a trial whose row cannot be written, at `add` time, so one bad
 * trial never poisons the batch it would have been flushed with.
 */
function checkStorable(trial: StoredTrial): void {
  const problem = storageProblem(trial);
  if (problem === null) return;

  throw new StoreError(
    'STORE',
    `Trial ${trial.key} of sweep ${trial.sweepId} cannot be stored: ` +
      `${problem}.`,
    {
      location: `trial ${trial.key}`,
      hint: 'Store a failed trial with `error` set and its spec intact.',
    },
  );
}

function storageProblem(trial: StoredTrial): string | null {
  const { spec, result, error } = trial;
  if (typeof trial.key !== 'string' || trial.key === '') {
    return 'the key must be a non-empty string';
  }
  if (!Array.isArray(spec?.dims) || spec.dims.length < 2) {
    return 'spec.dims must list at least two widths';
  }
  if (!Number.isFinite(spec.radius)) {
    return `spec.radius must be finite, got ${spec.radius}`;
  }
  if (!Number.isSafeInteger(spec.seed)) {
    return `spec.seed must be an integer, got ${spec.seed}`;
  }
  const labels: [string, unknown][] = [
    ['spec.target.kind', spec.target?.kind],
    ['spec.minimizer.family', spec.minimizer?.family],
    ['spec.direction', spec.direction],
  ];
  for (const [field, value] of labels) {
    if (typeof value !== 'string') return `${field} must be a string`;
  }
  if (error !== undefined) {
    return typeof error === 'string' ? null : 'error must be a string';
  }
  if (result === undefined) {
    return 'it has neither a result nor an error';
  }
  if (!RESULT_OUTCOMES.includes(result.outcome)) {
    return `result.outcome must be one of ${RESULT_OUTCOMES.join(', ')}, ` +
      `got ${String(result.outcome)}`;
  }

  return null;
}
