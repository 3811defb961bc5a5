import { performance } from 'node:perf_hooks';

import { runTrial } from '../escape/trial.js';
import type { TrialOutcomeMessage, TrialTask } from './protocol.js';

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
