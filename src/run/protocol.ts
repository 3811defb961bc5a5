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
