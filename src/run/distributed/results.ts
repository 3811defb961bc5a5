import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import { trialKey } from '../../plan/index.js';
import type { CommitBatcher } from './commits.js';
import { readResult, type FinishedTrial } from './messages.js';

export interface ResultSinkOptions {
  /** Result jobs taken at once; they share one commit. */
  batch: number;
  /** Lock of a result job; a coordinator that dies holding one loses it. */
  lockMs: number;
  /** Stores a finished trial (buffered; committed by `commits`). */
  record: (finished: FinishedTrial) => void;
  onNotice: (message: string) => void;
  /** Connection trouble; BullMQ retries by itself. */
  onError: (error: Error) => void;
  /** The store failed: the run must stop. The job stays in Redis. */
  onFatal: (error: unknown) => void;
}

/**
 * Consumes the sweep's results queue. A result is acknowledged (and then
 * deleted from Redis) only after the SQLite commit that holds its row.
 */
export function startResultSink(
  client: Redis,
  queueName: string,
  commits: CommitBatcher,
  options: ResultSinkOptions,
): Worker {
  const consume = async (job: Job) => {
    let finished: FinishedTrial;
    try {
      finished = readResult(job.data);
      if (trialKey(finished.spec) !== finished.key) {
        throw new Error(`its spec does not hash to key ${finished.key}`);
      }
    } catch (error) {
      // Acknowledged and dropped: retrying cannot repair it, and if the
      // trial is still missing the audit enqueues it again.
      options.onNotice(
        `Dropped result job ${job.id}: ${(error as Error).message}.`,
      );
      return;
    }

    try {
      options.record(finished);
      await commits.committed();
    } catch (error) {
      options.onFatal(error);
      throw error;
    }
  };

  const worker = new Worker(queueName, consume, {
    connection: client,
    concurrency: options.batch,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(500, options.lockMs / 2),
    // A result must never be given up because coordinators died holding
    // it; each delivery is harmless.
    maxStalledCount: 1_000_000,
    drainDelay: 1,
  });
  worker.on('error', options.onError);

  return worker;
}
