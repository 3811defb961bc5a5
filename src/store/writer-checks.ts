/**
 * Argument checks and errors of the writer, so each method reads as its
 * steps; messages name the method, the rule and the value received.
 */
import { StoreError } from '../errors.js';
import type { SweepRegistration } from './types.js';

/** The sweep document as JSON, once the registration is valid. */
export function checkRegistration(sweep: SweepRegistration): string {
  const definition = JSON.stringify(sweep.definition);
  if (typeof sweep.name !== 'string' || sweep.name === '') {
    throw invalid('registerSweep', 'name must be a non-empty string');
  }
  if (!Number.isSafeInteger(sweep.total) || sweep.total < 0) {
    throw invalid('registerSweep',
      `total must be a non-negative integer, got ${sweep.total}`);
  }
  if (typeof definition !== 'string') {
    throw invalid('registerSweep', 'definition must be JSON');
  }

  return definition;
}

export function checkRun(run: { executor: string; workers: number }) {
  if (run.executor !== 'local' && run.executor !== 'redis') {
    throw invalid('startRun',
      `executor must be 'local' or 'redis', got ${String(run.executor)}`);
  }
  if (!Number.isSafeInteger(run.workers) || run.workers < 1) {
    throw invalid('startRun',
      `workers must be a positive integer, got ${run.workers}`);
  }
}

export function checkBeat(beat: { busy: number; completed: number }) {
  for (const field of ['busy', 'completed'] as const) {
    if (!Number.isSafeInteger(beat[field]) || beat[field] < 0) {
      throw invalid('heartbeat',
        `${field} must be a non-negative integer, got ${beat[field]}`);
    }
  }
}

export function checkEndStatus(status: string) {
  if (['done', 'stopped', 'failed'].includes(status)) return;

  throw invalid('endRun',
    `status must be done, stopped or failed, got ${String(status)}`);
}

export function closedWriter(path: string): StoreError {
  return new StoreError('STORE', `The writer of ${path} is closed.`, {
    location: path,
    hint: 'Open a new writer with openWriter().',
  });
}

export function unknownSweep(path: string, sweepId: number): StoreError {
  return new StoreError(
    'STORE',
    `Sweep id ${sweepId} is not registered in ${path}.`,
    { location: path, hint: 'Call registerSweep() first.' },
  );
}

export function unknownRun(path: string, runId: number): StoreError {
  return new StoreError(
    'STORE',
    `Run id ${runId} does not exist in ${path}.`,
    { location: path, hint: 'Use the id returned by startRun().' },
  );
}

function invalid(method: string, rule: string): StoreError {
  return new StoreError('STORE', `${method}: ${rule}.`, {
    location: method,
  });
}
