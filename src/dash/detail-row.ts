/**
 * From a stored `trial_results` row (JSON columns as text) to what the
 * detail view shows. A row written by an older or newer writer may lack
 * fields; what cannot be read shows as missing instead of failing.
 */
import type {
  ClosedForm,
  TrajectoryPoint,
  TrialDetail,
  TrialRow,
} from './types.js';

export interface StoredRow extends TrialRow {
  dims: string;
  radius: number;
  seed: number;
  final_loss: number | null;
  steps: number | null;
  error: string | null;
  spec: string;
  result: string | null;
}

export function rowToDetail(
  row: StoredRow,
  trajectory: Array<Record<string, unknown>>,
): TrialDetail {
  const { spec, result, dims, ...rest } = row;
  const parsedResult = parseJson(result) as
    | { closedForms?: unknown }
    | null;

  return {
    ...rest,
    dims: numbers(parseJson(dims)),
    spec: parseJson(spec),
    closedForms: closedForms(parsedResult?.closedForms),
    trajectory: trajectory.map((sample) => ({
      step: sample.step as number,
      loss: sample.loss as number | null,
      distance: sample.distance as number | null,
    })) satisfies TrajectoryPoint[],
  };
}

function closedForms(value: unknown): Record<string, ClosedForm> {
  const forms: Record<string, ClosedForm> = {};
  if (value === null || typeof value !== 'object') return forms;

  for (const [name, form] of Object.entries(value)) {
    const entry = form as { value?: unknown; exact?: unknown } | null;
    forms[name] = {
      value: typeof entry?.value === 'number' ? entry.value : null,
      exact: entry?.exact === true,
    };
  }

  return forms;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value)
    ? value.filter((item): item is number => typeof item === 'number')
    : [];
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;

  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
