/**
 * What travels through Redis: a trial for a worker, a finished trial for
 * the coordinator. The bodies are JSON text with non-finite numbers and
 * -0 spelled out, because BullMQ's JSON would turn them into null or 0 and
 * the stored numbers must equal those of a local run bit for bit.
 */
import type { TrialSpec } from '../../escape/spec.js';
import { isFailure, type TrialOutcomeMessage } from '../protocol.js';

/** Bumped when the shapes below change incompatibly. */
export const MESSAGE_VERSION = 1;

/** Data of a job on the trials queue. */
export interface TaskJobData {
  v: number;
  /** Sweep name, for the worker's log lines. */
  sweep: string;
  key: string;
  /** The queue the result goes to. */
  results: string;
  /** `encode({ spec })`. */
  body: string;
}

/** Data of a job on a results queue. */
export interface ResultJobData {
  v: number;
  key: string;
  /** Connection name of the worker that ran it. */
  worker: string;
  /** `encode(outcome)` with the spec that was run. */
  body: string;
}

export type FinishedTrial = TrialOutcomeMessage & { spec: TrialSpec };

export function taskData(
  sweep: string,
  results: string,
  key: string,
  spec: TrialSpec,
): TaskJobData {
  return { v: MESSAGE_VERSION, sweep, key, results, body: encode({ spec }) };
}

export interface ReadTask {
  key: string;
  spec: TrialSpec;
  sweep: string;
  results: string;
}

/** The trial of a job, or an error saying why it is unusable. */
export function readTask(data: unknown): ReadTask {
  const task = data as Partial<TaskJobData> | undefined;
  if (task?.v !== MESSAGE_VERSION || typeof task.key !== 'string') {
    throw new Error(`not a sharpsweep trial (version ${String(task?.v)})`);
  }
  if (typeof task.results !== 'string' || task.results === '') {
    throw new Error(`trial ${task.key} names no results queue`);
  }
  const { spec } = decode(String(task.body)) as { spec?: TrialSpec };
  if (typeof spec !== 'object' || spec === null) {
    throw new Error(`trial ${task.key} carries no spec`);
  }

  return {
    key: task.key,
    spec,
    sweep: String(task.sweep ?? ''),
    results: task.results,
  };
}

export function resultData(
  worker: string,
  finished: FinishedTrial,
): ResultJobData {
  return {
    v: MESSAGE_VERSION,
    key: finished.key,
    worker,
    body: encode(finished),
  };
}

/** The finished trial of a result job, or an error saying why not. */
export function readResult(data: unknown): FinishedTrial {
  const message = data as Partial<ResultJobData> | undefined;
  if (message?.v !== MESSAGE_VERSION) {
    throw new Error(`not a sharpsweep result (version ${String(message?.v)})`);
  }

  const finished = decode(String(message.body)) as FinishedTrial;
  const valid =
    typeof finished === 'object' &&
    finished !== null &&
    finished.key === message.key &&
    typeof finished.spec === 'object' &&
    typeof finished.durationMs === 'number' &&
    (isFailure(finished)
      ? typeof finished.error === 'string'
      : typeof finished.result === 'object' && finished.result !== null);
  if (!valid) {
    throw new Error(`result ${String(message.key)} is malformed`);
  }

  return finished;
}

const SPECIAL = '$number';

export function encode(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'number') return item;
    if (Number.isFinite(item) && !Object.is(item, -0)) return item;

    return { [SPECIAL]: Object.is(item, -0) ? '-0' : String(item) };
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (
      typeof item === 'object' &&
      item !== null &&
      SPECIAL in item &&
      Object.keys(item).length === 1
    ) {
      return Number((item as Record<string, string>)[SPECIAL]);
    }

    return item;
  });
}
