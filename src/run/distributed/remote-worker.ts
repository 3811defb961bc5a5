import { fileURLToPath } from 'node:url';

import {
  Queue,
  UnrecoverableError,
  WaitingError,
  Worker,
  type Job,
} from 'bullmq';
import { Piscina } from 'piscina';

import { poolFailure } from '../execute.js';
import { defaultWorkerCount } from '../local.js';
import {
  isFailure,
  type TrialOutcomeMessage,
  type TrialTask,
} from '../protocol.js';
import {
  describeCause,
  onceEach,
  openRedis,
  probeRedis,
} from './connection.js';
import {
  readTask,
  resultData,
  type ReadTask,
  type TaskJobData,
} from './messages.js';
import { taskQueueName, workerName } from './names.js';
import { parseRedisUrl } from './redis-url.js';
import {
  checkWorkerOptions,
  type RemoteWorkerOptions,
} from './worker-options.js';

export interface TrialEvent {
  sweep: string;
  key: string;
  /** 1 for the first run of this trial. */
  attempt: number;
  attempts: number;
  /** `retry`: it threw and runs again; `failed`: stored as failed. */
  outcome: 'done' | 'failed' | 'retry';
  error?: string;
  durationMs: number;
}

export interface RemoteWorker {
  /** The trials queue this worker serves. */
  readonly queue: string;
  readonly threads: number;
  /** Trials running now. */
  running(): number;
  /**
   * Stops taking trials. `finish` waits for the running ones; `release`
   * stops them and hands them back to the queue for another worker (also
   * after a `finish` already in progress).
   */
  stop(mode?: 'finish' | 'release'): Promise<void>;
}

const workerFile = fileURLToPath(new URL('../worker.js', import.meta.url));

/**
 * A worker process's side: takes trials from the shared queue, runs each
 * on its own thread pool with the executor a local run uses, and pushes
 * the result to the results queue of the sweep the trial came from.
 */
export async function startRemoteWorker(
  options: RemoteWorkerOptions,
): Promise<RemoteWorker> {
  const settings = checkWorkerOptions(options);
  const target = parseRedisUrl(options.redisUrl);
  const notice = options.onNotice ?? (() => undefined);
  const threads = settings.workers ?? defaultWorkerCount();
  const queue = taskQueueName(settings.queue);
  const name = workerName(threads);

  await probeRedis(target, settings.connectTimeoutMs);
  let lost = false;
  const client = openRedis(target, {
    onLost: (reason) => {
      lost = true;
      notice(
        `Lost Redis at ${target.masked} (${reason}); reconnecting. ` +
          'Running trials continue and are handed in when it is back.',
      );
    },
    onRestored: () => {
      lost = false;
      notice(`Reconnected to Redis at ${target.masked}.`);
    },
  });
  const reportError = onceEach(notice);
  const onError = (error: Error) => {
    if (!lost) reportError(`Redis: ${describeCause(error)}`);
  };

  const pool = new Piscina<TrialTask, TrialOutcomeMessage>({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: settings.workerMemoryMb
      ? { maxOldGenerationSizeMb: settings.workerMemoryMb }
      : undefined,
  });

  const resultQueues = new Map<string, Queue>();
  const resultQueue = (queueName: string) => {
    let results = resultQueues.get(queueName);
    if (!results) {
      results = new Queue(queueName, { connection: client });
      results.on('error', onError);
      resultQueues.set(queueName, results);
    }

    return results;
  };

  /** Runs a trial; `final` when running it again cannot help. */
  const runOnPool = async (
    task: TrialTask,
    signal: AbortSignal | undefined,
  ): Promise<{ message: TrialOutcomeMessage; final: boolean }> => {
    const started = performance.now();
    const timeoutMs = settings.trialTimeoutMs;
    const timeout = timeoutMs
      ? AbortSignal.timeout(Math.ceil(timeoutMs))
      : undefined;
    const signals = [signal, timeout]
      .filter((item): item is AbortSignal => item !== undefined);

    try {
      const message = await pool.run(task, {
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
      return { message, final: false };
    } catch (error) {
      if (signal?.aborted) throw error;

      return {
        message: {
          key: task.key,
          error: poolFailure(error, timeoutMs),
          durationMs: performance.now() - started,
        },
        // A trial that ran out of time would run out of time again.
        final: timeout?.aborted === true,
      };
    }
  };

  let running = 0;
  const processTrial = async (
    job: Job<TaskJobData>,
    token?: string,
    signal?: AbortSignal,
  ) => {
    running += 1;
    try {
      await runJob(job, token, signal);
    } finally {
      running -= 1;
    }
  };

  const runJob = async (
    job: Job<TaskJobData>,
    token?: string,
    signal?: AbortSignal,
  ) => {
    let task: ReadTask;
    try {
      task = readTask(job.data);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;

    let message: TrialOutcomeMessage;
    let final: boolean;
    try {
      ({ message, final } = await runOnPool(
        { key: task.key, spec: task.spec },
        signal,
      ));
    } catch {
      // Released by a stopping worker: back to the queue, no attempt used.
      await job.moveToWait(token).catch(() => undefined);
      throw new WaitingError();
    }

    const event = {
      sweep: task.sweep,
      key: task.key,
      attempt,
      attempts,
      durationMs: message.durationMs,
    };
    if (isFailure(message) && attempt < attempts && !final) {
      options.onTrial?.({ ...event, outcome: 'retry', error: message.error });
      throw new Error(message.error);
    }

    // Handed in before the trial job completes: if this process dies in
    // between, the trial runs again and its second result is a no-op.
    await resultQueue(task.results).add(
      'result',
      resultData(name, { ...message, spec: task.spec }),
      { jobId: task.key, removeOnComplete: true, removeOnFail: false },
    );
    options.onTrial?.({
      ...event,
      outcome: isFailure(message) ? 'failed' : 'done',
      ...(isFailure(message) ? { error: message.error } : {}),
    });
  };

  const worker = new Worker<TaskJobData>(queue, processTrial, {
    connection: client,
    name,
    concurrency: threads,
    lockDuration: settings.lockMs,
    stalledInterval: settings.lockMs,
    maxStalledCount: settings.maxStalls,
    drainDelay: 2,
  });
  worker.on('error', onError);
  worker.on('stalled', (jobId) =>
    notice(
      `Trial ${jobId} was left by a worker that stopped; it runs again.`,
    ),
  );

  let closing: Promise<void> | undefined;

  return {
    queue,
    threads,
    running: () => running,
    stop: async (mode = 'finish') => {
      if (mode === 'release') worker.cancelAllJobs('released');
      closing ??= (async () => {
        await worker.close();
        await pool.destroy();
        await Promise.allSettled(
          [...resultQueues.values()].map((results) => results.close()),
        );
        await client.quit().catch(() => undefined);
        client.disconnect();
      })();
      await closing;
    },
  };
}

