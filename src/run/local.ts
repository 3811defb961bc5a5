import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { Piscina } from 'piscina';

import type { TrialSpec } from '../escape/spec.js';
import type { PlannedTrial, SweepPlan } from '../plan/index.js';
import type { PreparedTrial, ResultWriter } from '../store/index.js';
import { SharpsweepError } from '../errors.js';
import { describeError, poolFailure } from './execute.js';
import { ProgressTracker, type RunProgress } from './progress.js';
import type { TrialBatch } from './protocol.js';

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

/**
 * A trial's garbage is short-lived: a small young generation per thread
 * collects it as well as V8's default does, and keeps a run of a million
 * trivial trials about 80 MB lower at its peak (two threads).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * Runs every trial of `plan` that `writer` has not stored yet on a pool of
 * worker threads, in batches sized to their measured duration. Results are
 * written as each batch returns, so a crash loses only the batches in
 * flight, and a re-run resumes where this one stopped.
 */
export async function runLocal(
  plan: SweepPlan,
  sweepId: number,
  writer: ResultWriter,
  options: LocalRunOptions = {},
): Promise<RunReport> {
  const workers = options.workers ?? defaultWorkerCount();
  const pool = new Piscina<TrialBatch, PreparedTrial[]>({
    filename: workerFile,
    name: 'runBatch',
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    resourceLimits: {
      maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
      ...(options.workerMemoryMb
        ? { maxOldGenerationSizeMb: options.workerMemoryMb }
        : {}),
    },
  });

  // A thread that dies outside a task (it cannot even start, e.g. under
  // too small a heap limit) is reported on the pool, not on a trial: stop
  // feeding and say why instead of crashing with an unhandled event.
  let poolError: unknown;
  pool.on('error', (error: unknown) => {
    if (poolError === undefined) {
      poolError = error;
      // Tasks waiting for a thread would wait forever; destroying the
      // pool rejects them, and they are not stored (see runBatch).
      void pool.destroy();
    }
  });

  const tracker = new ProgressTracker(plan.count, workers);
  const sizer = new BatchSizer(options.trialTimeoutMs);
  const runId = writer.startRun({ sweepId, executor: 'local', workers });
  // A sweep with nothing stored yet needs no per-trial look-up.
  const resuming = writer.progress(sweepId).done > 0;
  let busy = 0;

  const report = () => {
    const progress = tracker.snapshot(busy);
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

  // A graceful stop lets only the batches in flight finish; trials not
  // yet handed to a thread are dropped, not run.
  // A lane that fails (the writer could not store a batch) stops the
  // others too; their batches in flight still finish and are stored.
  let laneError: { error: unknown } | undefined;
  const stopping = () =>
    options.signal?.aborted === true || poolError !== undefined ||
    laneError !== undefined;

  // The plan is a generator, pulled a batch at a time: memory stays flat
  // whatever the sweep size.
  const planned = plan.trials()[Symbol.iterator]();
  let exhausted = false;
  const take = (): PlannedTrial[] => {
    const batch: PlannedTrial[] = [];
    const size = sizer.size();
    while (batch.length < size && !exhausted) {
      const next = planned.next();
      if (next.done === true) {
        exhausted = true;
        break;
      }
      const trial = next.value;
      if (resuming && writer.isStored(sweepId, trial.key)) {
        tracker.alreadyStored();
        continue;
      }
      batch.push(trial);
    }

    return batch;
  };

  const recordFailure = (
    trial: PlannedTrial,
    error: unknown,
    started: number,
  ) => {
    writer.add({
      sweepId,
      key: trial.key,
      spec: trial.spec,
      error: poolFailure(error, options.trialTimeoutMs),
      durationMs: performance.now() - started,
    });
    tracker.completed(true);
  };

  /** Hands `batch` to a thread; the outcome never rejects. */
  const dispatch = (batch: PlannedTrial[]): Dispatched => {
    const specs = batch.map((trial) => JSON.stringify(trial.spec));
    const started = performance.now();
    const limit = sizer.limit(batch.length);
    busy += 1;
    const outcome = pool.run(
      {
        sweepId,
        keys: batch.map((trial) => trial.key),
        specs: `[${specs.join(',')}]`,
      },
      { signal: limit === undefined ? undefined : AbortSignal.timeout(limit) },
    ).then(
      (rows): BatchOutcome => ({ rows }),
      (error: unknown): BatchOutcome => ({ error }),
    ).finally(() => {
      busy -= 1;
    });

    return { batch, specs, started, outcome };
  };

  /**
   * Stores what a batch gave. When it failed as a whole (a thread died,
   * or it ran past its time limit), its trials run again one by one, so
   * only the trial at fault is stored as failed.
   */
  const settle = async (
    sent: Dispatched,
    outcome: BatchOutcome,
  ): Promise<void> => {
    if ('error' in outcome) {
      // A failed pool is not these trials' fault: leave them unstored so
      // a re-run runs them.
      if (poolError !== undefined) return;
      if (sent.batch.length === 1) {
        recordFailure(sent.batch[0], outcome.error, sent.started);
        return;
      }
      sizer.reset();
      for (const trial of sent.batch) {
        if (poolError !== undefined) return;
        const single = dispatch([trial]);
        await settle(single, await single.outcome);
      }
      return;
    }

    let measuredMs = 0;
    outcome.rows.forEach((row, index) => {
      writer.addPrepared(row, sent.specs[index]);
      tracker.completed(row.values.outcome === 'failed');
      measuredMs += row.values.duration_ms ?? 0;
    });
    sizer.observe(outcome.rows.length, measuredMs);
  };

  // One lane per thread, with BatchSizer.queueDepth batches in flight; the
  // next batch is handed over before the rows of the last are stored.
  const lane = async () => {
    try {
      const inFlight: Dispatched[] = [];
      const refill = () => {
        while (inFlight.length < sizer.queueDepth() && !stopping()) {
          const batch = take();
          if (batch.length === 0) return;
          inFlight.push(dispatch(batch));
        }
      };
      refill();
      while (inFlight.length > 0) {
        const current = inFlight.shift()!;
        const outcome = await current.outcome;
        // Work is handed over before the rows are stored; after a failed
        // batch, its trials are first re-run one by one.
        if ('rows' in outcome) refill();
        await settle(current, outcome);
        refill();
      }
    } catch (error) {
      laneError ??= { error };
    }
  };

  try {
    await Promise.all(Array.from({ length: workers }, lane));
    if (laneError !== undefined) throw laneError.error;
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

type BatchOutcome = { rows: PreparedTrial[] } | { error: unknown };

interface Dispatched {
  batch: PlannedTrial[];
  /** Each trial's spec as JSON, stored with its row. */
  specs: string[];
  started: number;
  outcome: Promise<BatchOutcome>;
}

/** Milliseconds of work a batch of trials aims at. */
const TARGET_BATCH_MS = 20;
const MAX_BATCH = 512;

// LIMITATION: sizes follow a running mean, so a long trial planned among
// many trivial ones makes its batch long (progress and a graceful stop
// wait for it), and with a timeout a trial that hangs inside a batch is
// only timed alone after the batch's own limit: it is stored as failed
// after up to twice the timeout.

/**
 * Sizes batches from the trial durations the workers measure: many
 * trivial trials per message, one long trial per message. Short batches
 * keep progress streaming and let a graceful stop return promptly (only
 * the batches in flight finish); the first batches hold one trial each,
 * until there is a measurement.
 */
export class BatchSizer {
  private perTrialMs: number | null = null;

  constructor(private readonly timeoutMs?: number) {}

  observe(trials: number, totalMs: number): void {
    if (trials === 0 || !Number.isFinite(totalMs)) return;
    const mean = totalMs / trials;
    this.perTrialMs = this.perTrialMs === null
      ? mean
      : 0.7 * this.perTrialMs + 0.3 * mean;
  }

  /**
   * Batches handed to one thread at a time: one. A second batch waiting
   * in a thread would keep it busy while the main thread stores rows, but
   * a thread that dies (out of memory) takes its waiting batch down with
   * it, and the innocent trials there would be stored as failed.
   */
  queueDepth(): number {
    return 1;
  }

  /** Back to one trial per batch until the next measurement. */
  reset(): void {
    this.perTrialMs = null;
  }

  size(): number {
    if (this.perTrialMs === null) return 1;
    const perTrial = Math.max(this.perTrialMs, 1e-3);
    let size = Math.floor(TARGET_BATCH_MS / perTrial);
    if (this.timeoutMs !== undefined) {
      // Batches stay far below the per-trial limit they run under.
      size = Math.min(size, Math.floor(this.timeoutMs / (4 * perTrial)));
    }

    return Math.min(MAX_BATCH, Math.max(1, size));
  }

  /**
   * How long a batch may run before it is stopped, with a per-trial
   * timeout: a lone trial gets the timeout; a batch gets at most the
   * timeout, and less when it is expected to be quick, so a hanging trial
   * is found soon and then timed alone.
   */
  limit(size: number): number | undefined {
    if (this.timeoutMs === undefined) return undefined;
    if (size === 1) return Math.ceil(this.timeoutMs);
    const expected = size * (this.perTrialMs ?? this.timeoutMs);

    // Whole milliseconds: AbortSignal.timeout refuses fractions.
    return Math.ceil(Math.min(this.timeoutMs, Math.max(1_000, 20 * expected)));
  }
}
