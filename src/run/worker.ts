// Worker-thread side of the local executor (piscina loads this file).
import { resourceLimits } from 'node:worker_threads';

import type { TrialSpec } from '../escape/spec.js';
import type { PreparedTrial } from '../store/rows.js';
import { executeBatch, executeTask } from './execute.js';
import type {
  TrialBatch,
  TrialOutcomeMessage,
  TrialTask,
} from './protocol.js';

export default function runTask(
  task: TrialTask,
): TrialOutcomeMessage | Promise<TrialOutcomeMessage> {
  const fault = injectedFaults().get(task.spec.seed);
  if (fault !== undefined) {
    return injectFault(fault, task.spec.seed);
  }

  return executeTask(task);
}

/** Several trials in one task (piscina's `name: 'runBatch'`). */
export function runBatch(
  batch: TrialBatch,
): PreparedTrial[] | Promise<PreparedTrial[]> {
  const faults = injectedFaults();
  if (faults.size > 0) {
    // A faulty trial takes its whole batch down with it, as a real crash
    // would; the executor then runs that batch's trials one by one.
    for (const spec of JSON.parse(batch.specs) as TrialSpec[]) {
      const fault = faults.get(spec.seed);
      if (fault !== undefined) return injectFault(fault, spec.seed);
    }
  }

  return executeBatch(batch);
}

/*
 * TESTING HOOK, inert unless the environment variable SHARPSWEEP_FAULT is
 * set. The hardening tests use it to check that a worker thread that dies
 * loses no trial and does not stop the sweep. The value is a comma-separated
 * list of `<fault>:<trial seed>`; every trial with that seed then
 *
 *   crash  kills its thread with an uncaught exception,
 *   oom    allocates until its thread reaches the heap limit (only with
 *          `run --worker-memory <mb>` of at most 1024, so a forgotten
 *          limit cannot exhaust the machine),
 *   hang   spins without returning (pair it with `run --timeout <ms>`;
 *          it gives up by itself after five minutes).
 *
 * e.g. SHARPSWEEP_FAULT=crash:1,oom:2,hang:3. A malformed value fails every
 * trial with a message saying so, rather than being silently ignored.
 */
type Fault = 'crash' | 'oom' | 'hang';

const FAULT_ENTRY = /^(crash|oom|hang):(\d+)$/;
const OOM_CEILING_MB = 1024;
const HANG_LIMIT_MS = 5 * 60_000;

let parsedFaults: Map<number, Fault> | undefined;

function injectedFaults(): Map<number, Fault> {
  if (parsedFaults !== undefined) return parsedFaults;

  const faults = new Map<number, Fault>();
  const value = process.env.SHARPSWEEP_FAULT?.trim() ?? '';
  for (const entry of value === '' ? [] : value.split(',')) {
    const match = FAULT_ENTRY.exec(entry.trim());
    if (match === null) {
      throw new Error(
        `SHARPSWEEP_FAULT entry "${entry}" is not <crash|oom|hang>:<seed>`,
      );
    }
    faults.set(Number(match[2]), match[1] as Fault);
  }
  parsedFaults = faults;

  return faults;
}

function injectFault(
  fault: Fault,
  seed: number,
): Promise<never> {
  const what = `injected ${fault} (SHARPSWEEP_FAULT) at trial seed ${seed}`;

  if (fault === 'crash') {
    // Thrown outside the task, so nothing in the worker can catch it and
    // the thread dies the way a native-level bug would take it down.
    setImmediate(() => {
      throw new Error(what);
    });

    return new Promise(() => {});
  }

  if (fault === 'oom') {
    const limit = resourceLimits.maxOldGenerationSizeMb ?? Infinity;
    if (!(limit <= OOM_CEILING_MB)) {
      throw new Error(
        `${what} refused: needs --worker-memory ≤ ${OOM_CEILING_MB}`,
      );
    }
    const hoard: number[][] = [];
    for (;;) {
      hoard.push(new Array<number>(1 << 18).fill(hoard.length + 0.5));
    }
  }

  const deadline = Date.now() + HANG_LIMIT_MS;
  while (Date.now() < deadline) {
    // Busy on purpose: only terminating the thread can stop it.
  }
  throw new Error(`${what} ended after ${HANG_LIMIT_MS} ms`);
}
