import type { TrialResult, TrialSpec } from '../escape/spec.js';

/**
 * What crosses the boundary between an executor and whatever runs a trial
 * (a worker thread here, a remote worker process through Redis). Kept in one
 * place so both sides agree.
 */
export interface TrialTask {
  key: string;
  spec: TrialSpec;
}

export type TrialOutcomeMessage =
  | { key: string; result: TrialResult; durationMs: number }
  | { key: string; error: string; durationMs: number };

export function isFailure(
  message: TrialOutcomeMessage,
): message is { key: string; error: string; durationMs: number } {
  return 'error' in message;
}

/**
 * Several trials in one message to a worker thread, so that the hand-off
 * costs the main thread once per batch rather than once per trial. The
 * specs travel as one JSON array: the executor already holds each spec's
 * JSON (it is what the database stores), and one string is far cheaper to
 * pass between threads than as many cloned objects.
 */
export interface TrialBatch {
  sweepId: number;
  keys: string[];
  /** JSON array of the trials' specs, in the order of `keys`. */
  specs: string;
}
