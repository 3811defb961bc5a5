import { performance } from 'node:perf_hooks';

import type { TrialSpec } from '../escape/spec.js';
import { runTrial } from '../escape/trial.js';
import { prepareTrial, type PreparedTrial } from '../store/rows.js';
import {
  isFailure,
  type TrialBatch,
  type TrialOutcomeMessage,
  type TrialTask,
} from './protocol.js';

/**
 * Runs one trial and turns any exception into a stored failure: a trial that
 * throws must be recorded with its cause, never dropped.
 */
export function executeTask(task: TrialTask): TrialOutcomeMessage {
  const started = performance.now();

  try {
    const result = runTrial(task.spec);

    return {
      key: task.key,
      result,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return {
      key: task.key,
      error: describeError(error),
      durationMs: performance.now() - started,
    };
  }
}

/**
 * Runs a batch of trials one after another and returns each one's
 * database row (`prepareTrial`), so the main thread only has to store it.
 * A trial whose result cannot be stored becomes a failed trial naming why.
 */
export function executeBatch(batch: TrialBatch): PreparedTrial[] {
  const specs = JSON.parse(batch.specs) as TrialSpec[];

  return specs.map((spec, index) => {
    const key = batch.keys[index];

    return prepare(batch.sweepId, key, spec, executeTask({ key, spec }));
  });
}

function prepare(
  sweepId: number,
  key: string,
  spec: TrialSpec,
  message: TrialOutcomeMessage,
): PreparedTrial {
  const base = { sweepId, key, spec, durationMs: message.durationMs };
  try {
    return prepareTrial(
      isFailure(message)
        ? { ...base, error: message.error }
        : { ...base, result: message.result },
    );
  } catch (error) {
    return prepareTrial({ ...base, error: describeError(error) });
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }

  return String(error);
}

/**
 * Why the pool gave no answer for a trial (its thread died, or the
 * per-trial timeout stopped it), in the words every executor stores.
 */
export function poolFailure(error: unknown, timeoutMs?: number): string {
  if (error instanceof Error && error.name === 'AbortError' && timeoutMs) {
    return `TimeoutError: trial exceeded ${timeoutMs} ms and was stopped`;
  }

  return `WorkerError: worker thread failed (${describeError(error)})`;
}
