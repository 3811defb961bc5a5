import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import type { SweepPlan } from '../../plan/index.js';
import type { ResultWriter } from '../../store/index.js';
import type { RunReport } from '../local.js';
import { ProgressTracker, type RunProgress } from '../progress.js';
import { isFailure } from '../protocol.js';
import { SweepChannel } from './channel.js';
import { CommitBatcher } from './commits.js';
import {
  describeCause,
  openRedis,
  probeRedis,
  type RedisFacts,
} from './connection.js';
import { Ledger } from './ledger.js';
import { CoordinatorLease, sleep } from './lease.js';
import type { FinishedTrial } from './messages.js';
import { sweepScope } from './names.js';
import {
  resolveOptions,
  type DistributedRunOptions,
  type ResolvedOptions,
} from './options.js';
import { Reconciler } from './reconcile.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import { startResultSink } from './results.js';

/** Trials per `addBulk`: few round trips, small Redis transactions. */
const ENQUEUE_BATCH = 200;
/** The tracker clamps `busy` to this; the live thread count replaces it. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const NO_WORKER_NOTICE_MS = 10_000;

/**
 * Runs every trial of `plan` that `writer` has not stored yet on remote
 * workers through BullMQ. Same contract as `runLocal`: results are written
 * as they arrive through the one writer, and a re-run resumes. Trials are
 * stored exactly once whatever crashes: see README.md in this folder.
 */
export async function runDistributed(
  plan: SweepPlan,
  sweepId: number,
  writer: ResultWriter,
  options: DistributedRunOptions,
): Promise<RunReport> {
  const settings = resolveOptions(options);
  const target = parseRedisUrl(settings.redisUrl);

  const facts = await probeRedis(target, settings.connectTimeoutMs);
  adviseOnRedis(target, facts, settings.onNotice);

  return new Coordinator(plan, sweepId, writer, settings, target).execute();
}

class Coordinator {
  private readonly tracker: ProgressTracker;
  private readonly ledger = new Ledger();
  private readonly halt = new AbortController();
  private fatal: unknown;
  private threads = 0;
  private active = 0;
  private redisLost = false;
  private readonly busy = { stats: false, audit: false };
  private noWorkersSince: number | undefined;
  private readonly errorsSeen = new Map<string, number>();
  private commits: CommitBatcher | undefined;
  private reconciler: Reconciler | undefined;

  constructor(
    private readonly plan: SweepPlan,
    private readonly sweepId: number,
    private readonly writer: ResultWriter,
    private readonly settings: ResolvedOptions,
    private readonly target: RedisTarget,
  ) {
    this.tracker = new ProgressTracker(plan.count, UNBOUNDED);
  }

  private get stopping(): boolean {
    return this.halt.signal.aborted;
  }

  async execute(): Promise<RunReport> {
    const { settings, writer, sweepId } = this;
    const userSignal = settings.signal;
    const onUserAbort = () => this.halt.abort();
    if (userSignal?.aborted) this.halt.abort();
    userSignal?.addEventListener('abort', onUserAbort, { once: true });

    const client = openRedis(this.target, {
      onLost: (reason) => this.lost(reason),
      onRestored: () => this.restored(),
    });
    const channel = new SweepChannel(
      client,
      {
        queue: settings.queue,
        scope: sweepScope(this.plan.name, settings.database),
        sweep: this.plan.name,
        attempts: settings.attempts,
      },
      (error) => this.bullError(error),
    );
    const lease = new CoordinatorLease(client, channel.leaseKey,
      settings.lockMs);
    const timers: NodeJS.Timeout[] = [];
    let sink: Worker | undefined;
    let leased = false;
    let runId: number | undefined;

    try {
      leased = await lease.acquire(this.halt.signal, (holder) =>
        settings.onNotice(
          `Sweep ${this.plan.name} of this database is already being ` +
            `coordinated by ${holder}; waiting until it finishes or stops.`,
        ),
      );
      if (!leased) {
        this.countStored();
        return this.conclude(undefined);
      }
      lease.keepAlive((error) => this.fail(error));

      await this.refreshStats(channel);
      runId = writer.startRun({
        sweepId,
        executor: 'redis',
        workers: Math.max(1, this.threads),
      });
      // Results a crashed coordinator could not store are delivered again.
      await channel.results.retryJobs({ state: 'failed' });

      const commits = new CommitBatcher(writer, settings.commitDelayMs);
      this.commits = commits;
      sink = startResultSink(client, channel.resultsQueue, commits, {
        batch: 64,
        lockMs: settings.lockMs,
        record: (finished) => this.record(finished),
        onNotice: settings.onNotice,
        onError: (error) => this.bullError(error),
        onFatal: (error) => this.fail(error),
      });
      this.reconciler = new Reconciler({
        channel,
        ledger: this.ledger,
        writer,
        sweepId,
        commits,
        record: (finished) => this.record(finished),
        onNotice: settings.onNotice,
      });

      const reportRun = runId;
      timers.push(
        setInterval(() => this.report(reportRun), 250),
        setInterval(() => void this.refreshStats(channel), 1_000),
        setInterval(() => void this.audit(), settings.auditIntervalMs),
      );

      await this.drainBacklog(channel);
      await this.feed(channel);
      await this.finish(channel);
    } catch (error) {
      this.fail(error);
    } finally {
      userSignal?.removeEventListener('abort', onUserAbort);
      for (const timer of timers) clearInterval(timer);
      await this.shutDown(client, channel, lease, leased, sink);
    }

    return this.conclude(runId);
  }

  /** Stores one finished trial (buffered; committed by the batcher). */
  private record(finished: FinishedTrial): void {
    const { writer, sweepId } = this;
    const failed = isFailure(finished);
    if (!writer.isStored(sweepId, finished.key)) {
      writer.add({
        sweepId,
        key: finished.key,
        spec: finished.spec,
        ...(isFailure(finished)
          ? { error: finished.error }
          : { result: finished.result }),
        durationMs: finished.durationMs,
      });
    }

    // A result for a key this run did not enqueue (sent to an earlier
    // coordinator) is stored too; the feeder counts it as already stored
    // when it reaches it.
    const copies = this.ledger.settle(finished.key);
    for (let copy = 0; copy < copies; copy += 1) {
      this.tracker.completed(failed);
    }
  }

  /** Enqueues the unstored trials, never more than `window` at once. */
  private async feed(channel: SweepChannel): Promise<void> {
    const { writer, sweepId, ledger } = this;
    let batch: Array<{ key: string; spec: FinishedTrial['spec'] }> = [];
    const send = async () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      await channel.enqueue(sending);
      ledger.markQueued(sending.map((trial) => trial.key));
    };

    for (const trial of this.plan.trials()) {
      if (this.stopping) break;

      if (writer.isStored(sweepId, trial.key)) {
        this.tracker.alreadyStored();
        continue;
      }
      if (ledger.add(trial.key, trial.spec)) batch.push(trial);

      if (batch.length >= ENQUEUE_BATCH) await send();
      while (ledger.size >= this.settings.window && !this.stopping) {
        await send();
        await ledger.changed(1_000);
      }
    }

    if (!this.stopping) await send();
  }

  /**
   * Waits for the enqueued trials. After a stop, trials no worker has
   * started are taken back and the running ones are waited for, as a
   * local run waits for the trials in flight.
   */
  private async finish(channel: SweepChannel): Promise<void> {
    const { ledger } = this;
    while (ledger.size > 0 && !this.stopping) {
      await ledger.changed(1_000);
    }

    while (ledger.size > 0 && this.fatal === undefined) {
      const queued = new Set(ledger.queuedKeys());
      for (const key of ledger.keys()) {
        if (!queued.has(key)) ledger.settle(key);
      }
      const withdrawn = await channel.withdraw([...queued]);
      for (const key of withdrawn) ledger.settle(key);

      if (ledger.size > 0) await ledger.changed(2_000);
    }
  }

  /**
   * Stores the results that finished while no coordinator was running
   * before enqueueing anything, so their trials are not run again.
   */
  private async drainBacklog(channel: SweepChannel): Promise<void> {
    const deadline = Date.now() + 2 * this.settings.lockMs + 5_000;
    while (!this.stopping && Date.now() < deadline) {
      const counts = await channel.results.getJobCounts(
        'waiting', 'active', 'delayed', 'prioritized',
      );
      const left = Object.values(counts).reduce((a, b) => a + b, 0);
      if (left === 0) return;

      await sleep(100, this.halt.signal);
    }
  }

  private async audit(): Promise<void> {
    if (this.busy.audit || this.redisLost || !this.reconciler) return;

    this.busy.audit = true;
    try {
      await this.reconciler.run();
    } catch (error) {
      if (!this.redisLost) this.bullError(error as Error);
    } finally {
      this.busy.audit = false;
    }
  }

  private async refreshStats(channel: SweepChannel): Promise<void> {
    if (this.busy.stats || this.redisLost) return;

    this.busy.stats = true;
    try {
      const [threads, active] = await Promise.all([
        channel.liveThreads(),
        channel.tasks.getActiveCount(),
      ]);
      this.threads = threads;
      this.active = active;
    } catch {
      // Redis away or CLIENT LIST refused: keep the last values.
    } finally {
      this.busy.stats = false;
    }
    this.adviseOnWorkers(channel);
  }

  private adviseOnWorkers(channel: SweepChannel): void {
    if (this.threads > 0 || this.ledger.size === 0) {
      this.noWorkersSince = undefined;
      return;
    }

    this.noWorkersSince ??= Date.now();
    if (Date.now() - this.noWorkersSince < NO_WORKER_NOTICE_MS) return;

    this.noWorkersSince = Number.POSITIVE_INFINITY;
    const queue = this.settings.queue === 'sharpsweep'
      ? ''
      : ` --queue ${this.settings.queue}`;
    this.settings.onNotice(
      `No sharpsweep worker is taking trials from queue ` +
        `${channel.taskQueue} yet; start one on each machine with ` +
        `\`sharpsweep worker --redis ${this.target.masked}${queue}\`.`,
    );
  }

  private snapshot(): RunProgress {
    const progress = this.tracker.snapshot(0);

    return {
      ...progress,
      workers: this.threads,
      busy: Math.min(this.active, this.threads),
    };
  }

  private report(runId: number): void {
    const progress = this.snapshot();
    try {
      this.writer.heartbeat(runId, {
        busy: progress.busy,
        completed: progress.completedThisRun,
        rate: progress.rate,
      });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.settings.onProgress?.(progress);
  }

  /** Trials already stored, for a run that stops before it feeds. */
  private countStored(): void {
    for (const trial of this.plan.trials()) {
      if (this.writer.isStored(this.sweepId, trial.key)) {
        this.tracker.alreadyStored();
      }
    }
  }

  private conclude(runId: number | undefined): RunReport {
    const progress = this.snapshot();
    const status = progress.done >= progress.total ? 'done' : 'stopped';
    if (runId !== undefined) {
      this.writer.endRun(runId, this.fatal === undefined ? status : 'failed');
    }
    if (this.fatal !== undefined) throw this.fatal;

    this.settings.onProgress?.(progress);

    return { status, progress };
  }

  private async shutDown(
    client: Redis,
    channel: SweepChannel,
    lease: CoordinatorLease,
    leased: boolean,
    sink: Worker | undefined,
  ): Promise<void> {
    // With Redis away, waiting for the result jobs in hand would hang;
    // they are delivered again to the next coordinator.
    await sink?.close(this.redisLost).catch(() => undefined);
    try {
      this.commits?.commit();
      this.writer.flush();
    } catch (error) {
      this.fail(error);
    }

    if (leased) await within(1_000, lease.release());
    await within(2_000, channel.close());
    await within(1_000, client.quit());
    client.disconnect();
  }

  private fail(error: unknown): void {
    this.fatal ??= error;
    this.halt.abort();
  }

  private lost(reason: string): void {
    this.redisLost = true;
    this.settings.onNotice(
      `Lost the connection to Redis at ${this.target.masked} (${reason}); ` +
        'reconnecting. Workers keep their trials; nothing stored is lost.',
    );
  }

  private restored(): void {
    this.redisLost = false;
    this.settings.onNotice(
      `Reconnected to Redis at ${this.target.masked}; checking for ` +
        'trials it lost meanwhile.',
    );
    void this.audit();
  }

  /** BullMQ reports connection trouble per client; say each thing once. */
  private bullError(error: Error): void {
    if (this.redisLost) return;

    const message = describeCause(error);
    const last = this.errorsSeen.get(message) ?? 0;
    if (Date.now() - last < 30_000) return;

    this.errorsSeen.set(message, Date.now());
    this.settings.onNotice(`Redis: ${message}`);
  }
}

function adviseOnRedis(
  target: RedisTarget,
  facts: RedisFacts,
  notice: (message: string) => void,
): void {
  if (facts.evictionPolicy !== null && facts.evictionPolicy !== 'noeviction') {
    notice(
      `Redis at ${target.masked} evicts keys under memory pressure ` +
        `(maxmemory-policy ${facts.evictionPolicy}); queued trials could ` +
        'vanish and be run again. Set maxmemory-policy noeviction.',
    );
  }
}

/** Waits for `work`, but no longer than `ms`: Redis may be away. */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  const cancel = new AbortController();
  await Promise.race([work.catch(() => undefined), sleep(ms, cancel.signal)]);
  cancel.abort();
}
