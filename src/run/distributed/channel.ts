import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import type { TrialSpec } from '../../escape/spec.js';
import { taskData, type TaskJobData } from './messages.js';
import {
  parseTaskJobId,
  resultsQueueName,
  taskJobId,
  taskQueueName,
  threadsOfWorker,
} from './names.js';

export interface ChannelOptions {
  queue: string;
  scope: string;
  sweep: string;
  attempts: number;
}

/**
 * The coordinator's side of the two queues of one sweep: trials out on the
 * shared queue, results in on the sweep's own queue.
 */
export class SweepChannel {
  readonly tasks: Queue<TaskJobData>;
  readonly results: Queue;
  readonly taskQueue: string;
  readonly resultsQueue: string;

  constructor(
    private readonly client: Redis,
    private readonly options: ChannelOptions,
    onError: (error: Error) => void,
  ) {
    this.taskQueue = taskQueueName(options.queue);
    this.resultsQueue = resultsQueueName(options.queue, options.scope);
    this.tasks = new Queue(this.taskQueue, { connection: client });
    this.results = new Queue(this.resultsQueue, { connection: client });
    // Without listeners BullMQ would print these itself.
    this.tasks.on('error', onError);
    this.results.on('error', onError);
  }

  get leaseKey(): string {
    return this.results.toKey('coordinator');
  }

  /**
   * Adds trials; a trial whose job already exists (queued, running or
   * retrying) is left as it is, so enqueueing twice runs nothing twice.
   */
  async enqueue(
    trials: Array<{ key: string; spec: TrialSpec }>,
  ): Promise<void> {
    if (trials.length === 0) return;

    await this.tasks.addBulk(
      trials.map(({ key, spec }) => ({
        name: 'trial',
        data: taskData(this.options.sweep, this.resultsQueue, key, spec),
        opts: {
          jobId: taskJobId(this.options.scope, key),
          attempts: this.options.attempts,
          removeOnComplete: true,
          // Kept so the coordinator can store or retry them.
          removeOnFail: false,
        },
      })),
    );
  }

  /**
   * Removes trials no worker has started; a running one is locked and
   * stays. Returns the keys removed.
   */
  async withdraw(keys: string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const key of keys) {
      const id = taskJobId(this.options.scope, key);
      if ((await this.tasks.remove(id)) === 1) removed.push(key);
    }

    return removed;
  }

  /**
   * Which of `keys` have neither a trial job nor a result job in Redis.
   * A worker pushes the result before it completes the trial, and the
   * coordinator acknowledges the result only after its commit, so a key in
   * neither place that is not stored was lost by Redis.
   */
  async missing(keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];

    const pipeline = this.client.pipeline();
    for (const key of keys) {
      pipeline.exists(this.tasks.toKey(taskJobId(this.options.scope, key)));
      pipeline.exists(this.results.toKey(key));
    }
    const replies = (await pipeline.exec()) ?? [];

    return keys.filter((_, index) => {
      const task = replies[2 * index]?.[1];
      const result = replies[2 * index + 1]?.[1];
      return task === 0 && result === 0;
    });
  }

  /** Failed trial jobs of this sweep, whatever coordinator enqueued them. */
  async failedTasks(): Promise<Array<Job<TaskJobData>>> {
    const mine: Array<Job<TaskJobData>> = [];
    const page = 200;
    for (let start = 0; ; start += page) {
      const jobs = await this.tasks.getFailed(start, start + page - 1);
      for (const job of jobs) {
        if (parseTaskJobId(job?.id)?.scope === this.options.scope) {
          mine.push(job);
        }
      }
      if (jobs.length < page) return mine;
    }
  }

  /** Worker threads of the live sharpsweep workers on the trials queue. */
  async liveThreads(): Promise<number> {
    const clients = await this.tasks.getWorkers();

    return clients.reduce(
      (sum, client) => sum + threadsOfWorker(String(client.rawname ?? '')),
      0,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.tasks.close(), this.results.close()]);
  }
}
