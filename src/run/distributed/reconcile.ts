import type { ResultWriter } from '../../store/index.js';
import type { SweepChannel } from './channel.js';
import type { CommitBatcher } from './commits.js';
import type { Ledger } from './ledger.js';
import { readTask, type FinishedTrial } from './messages.js';

export interface ReconcileContext {
  channel: SweepChannel;
  ledger: Ledger;
  writer: ResultWriter;
  sweepId: number;
  commits: CommitBatcher;
  record: (finished: FinishedTrial) => void;
  onNotice: (message: string) => void;
}

/**
 * Repairs what crashes leave behind; run periodically and after every
 * reconnection to Redis. Safe to run at any time: each repair either
 * stores a trial that is not stored or enqueues a trial whose job is gone,
 * and both are idempotent.
 */
export class Reconciler {
  /** Keys whose failed job was already retried once by this run. */
  private readonly retried = new Set<string>();

  constructor(private readonly context: ReconcileContext) {}

  async run(): Promise<void> {
    await this.settleFailedTasks();
    await this.requeueLost();
  }

  /**
   * A trial job fails only when workers died running it more often than
   * their stall limit allows (the trial may be what kills them), or when a
   * worker could not hand its result to Redis. The first is stored as a
   * failed trial; the second is retried once, then stored as failed too,
   * so a broken trial cannot keep a sweep from finishing.
   */
  private async settleFailedTasks(): Promise<void> {
    const { channel, commits, record, onNotice } = this.context;
    let stored = 0;

    for (const job of await channel.failedTasks()) {
      let task;
      try {
        task = readTask(job.data);
      } catch (error) {
        onNotice(
          `Removed unreadable trial job ${job.id}: ` +
            `${(error as Error).message}.`,
        );
        await job.remove();
        continue;
      }

      // BullMQ gives no code for this failure, only its fixed reason text.
      const stalled = /stalled/i.test(job.failedReason ?? '');
      if (!stalled && !this.retried.has(task.key)) {
        this.retried.add(task.key);
        await job.retry('failed');
        continue;
      }

      record({
        key: task.key,
        spec: task.spec,
        error: stalled
          ? `WorkerLost: the worker process running this trial stopped ` +
            `${job.stalledCounter} times (${job.failedReason})`
          : `WorkerError: ${job.failedReason ?? 'unknown failure'}`,
        durationMs: 0,
      });
      // Committed before the job goes, so a crash in between loses nothing.
      commits.commit();
      await job.remove();
      stored += 1;
    }

    if (stored > 0) {
      onNotice(
        `Stored ${stored} trial(s) as failed after their workers died ` +
          'repeatedly while running them.',
      );
    }
  }

  /** Trials enqueued by this run that Redis no longer knows about. */
  private async requeueLost(): Promise<void> {
    const { channel, ledger, writer, sweepId, onNotice } = this.context;

    const missing = await channel.missing(ledger.queuedKeys());
    const lost = missing.filter(
      (key) => ledger.has(key) && !writer.isStored(sweepId, key),
    );
    if (lost.length === 0) return;

    await channel.enqueue(
      lost.map((key) => ({ key, spec: ledger.spec(key)! })),
    );
    onNotice(
      `Enqueued ${lost.length} trial(s) again whose jobs Redis lost ` +
        '(a restart without persistence?); their work is repeated, their ' +
        'results are stored once.',
    );
  }
}
