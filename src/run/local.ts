import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import PQueue from 'p-queue';
import { Piscina } from 'piscina';

import type { TrialSpec } from '../escape/spec.js';
import type { PlannedTrial, SweepPlan } from '../plan/index.js';
import type { ResultWriter } from '../store/index.js';
import { SharpsweepError } from '../errors.js';
import { describeError, poolFailure } from './execute.js';
import { ProgressTracker, type RunProgress } from './progress.js';
import { isFailure, type TrialOutcomeMessage, type TrialTask } from './protocol.js';

export interface LocalRunOptions {
  /** Worker threads; default one per core. */
  workers?: number;
  /** Abort to stop feeding trials; those in flight still finish. */
  signal?: AbortSignal;
  /** Called about four times a second and once at the end. */
  onProgress?: (progress: RunProgress) => void;
  /** Per-trial wall-clock limit; the trial is stored as failed past it. */
  trialTimeoutMs?: number;
  /** Heap limit of each worker thread, in MB. */
  workerMemoryMb?: number;
  /** Milliseconds between writer flushes. */
  flushIntervalMs?: number;
}

export interface RunReport {
  status: 'done' | 'stopped';
  progress: RunProgress;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * Runs every trial of `plan` that `writer` has not stored yet on a pool of
 * worker threads. Results are written as they arrive, so a crash loses only
 * the trials in flight, and a re-run resumes where this one stopped.
 */
export async function runLocal(
  plan: SweepPlan,
  sweepId: number,
  writer: ResultWriter,
  options: LocalRunOptions = {},
): Promise<RunReport> {
  const workers = options.workers ?? defaultWorkerCount();
  const pool = new Piscina<TrialTask, TrialOutcomeMessage>({
    filename: workerFile,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    resourceLimits: options.workerMemoryMb
      ? { maxOldGenerationSizeMb: options.workerMemoryMb }
      : undefined,
  });

  // A thread that dies outside a task (it cannot even start, e.g. under
  // too small a heap limit) is reported on the pool, not on a trial: stop
  // feeding and say why instead of crashing with an unhandled event.
  let poolError: unknown;
  pool.on('error', (error: unknown) => {
    if (poolError === undefined) {
      poolError = error;
      // Tasks waiting for a thread would wait forever; destroying the
      // pool rejects them, and they are not stored (see runOne).
      void pool.destroy();
    }
  });

  // The queue bounds how many trials exist as objects at once: the plan is
  // a generator, so memory stays flat whatever the sweep size.
  // Only trials that can start at once are handed to the pool: a trial
  // waiting in piscina's own queue would count against its timeout and
  // could not be withdrawn by a graceful stop.
  const queue = new PQueue({ concurrency: workers });
  const highWater = workers * 8;
  const tracker = new ProgressTracker(plan.count, workers);
  const runId = writer.startRun({ sweepId, executor: 'local', workers });
  // A sweep with nothing stored yet needs no per-trial look-up.
  const resuming = writer.progress(sweepId).done > 0;

  const report = () => {
    const progress = tracker.snapshot(queue.pending);
    writer.heartbeat(runId, {
      busy: progress.busy,
      completed: progress.completedThisRun,
      rate: progress.rate,
    });
    options.onProgress?.(progress);
  };
  const flushTimer = setInterval(
    () => writer.flush(),
    options.flushIntervalMs ?? 200,
  );
  const progressTimer = setInterval(report, 250);

  const record = (trial: PlannedTrial, message: TrialOutcomeMessage) => {
    writer.add({
      sweepId,
      key: trial.key,
      spec: trial.spec,
      ...(isFailure(message)
        ? { error: message.error }
        : { result: message.result }),
      durationMs: message.durationMs,
    });
    tracker.completed(isFailure(message));
  };

  // A graceful stop lets only the running trials finish: the ones queued
  // behind them are dropped, not run.
  options.signal?.addEventListener('abort', () => queue.clear(), {
    once: true,
  });

  const runOne = async (trial: PlannedTrial) => {
    const started = performance.now();
    try {
      const signal = options.trialTimeoutMs
        ? AbortSignal.timeout(options.trialTimeoutMs)
        : undefined;
      const message = await pool.run(
        { key: trial.key, spec: trial.spec },
        { signal },
      );
      record(trial, message);
    } catch (error) {
      if (poolError !== undefined) {
        // Not this trial's fault: leave it unstored so a re-run runs it.
        return;
      }
      record(trial, {
        key: trial.key,
        error: poolFailure(error, options.trialTimeoutMs),
        durationMs: performance.now() - started,
      });
    }
  };

  try {
    for (const trial of plan.trials()) {
      if (options.signal?.aborted || poolError !== undefined) {
        break;
      }

      if (resuming && writer.isStored(sweepId, trial.key)) {
        tracker.alreadyStored();
        continue;
      }

      if (queue.size + queue.pending >= highWater) {
        await queue.onSizeLessThan(workers);
      }
      void queue.add(() => runOne(trial));
    }

    await queue.onIdle();
  } finally {
    clearInterval(flushTimer);
    clearInterval(progressTimer);
    writer.flush();
    await pool.destroy();
  }

  const progress = tracker.snapshot(0);
  const status = progress.done >= progress.total ? 'done' : 'stopped';
  writer.heartbeat(runId, {
    busy: 0,
    completed: progress.completedThisRun,
    rate: progress.rate,
  });
  if (poolError !== undefined && status !== 'done') {
    writer.endRun(runId, 'failed');
    throw new SharpsweepError(
      'INVALID_OPTION',
      `worker threads failed outside any trial: ${describeError(poolError)}`,
      {
        location: 'worker pool',
        hint:
          'If --worker-memory is set, raise it (64 MB or more); finished ' +
          'trials are stored and the same command resumes.',
      },
    );
  }
  writer.endRun(runId, status);
  options.onProgress?.(progress);

  return { status, progress };
}

export type { RunProgress, TrialSpec };
