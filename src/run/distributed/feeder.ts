import type { TrialSpec } from '../../escape/spec.js';
import type { SweepPlan } from '../../plan/index.js';
import type { ResultWriter } from '../../store/index.js';
import type { ProgressTracker } from '../progress.js';
import type { SweepChannel } from './channel.js';
import { sleep } from './lease.js';
import type { Ledger } from './ledger.js';

/** Trials per `addBulk`: few round trips, small Redis transactions. */
const ENQUEUE_BATCH = 200;

export interface FeederContext {
  plan: SweepPlan;
  sweepId: number;
  writer: ResultWriter;
  ledger: Ledger;
  tracker: ProgressTracker;
  channel: SweepChannel;
  window: number;
  lockMs: number;
  /** Aborted when the run must stop (asked to, or failed). */
  halt: AbortSignal;
  /** True once the run failed: nothing more is waited for. */
  failed: () => boolean;
}

/**
 * The coordinator's outbound half: streams the plan into the trials queue
 * with at most `window` trials outstanding, so neither this process nor
 * Redis ever holds a whole large sweep.
 */
export class Feeder {
  constructor(private readonly context: FeederContext) {}

  private get stopping(): boolean {
    return this.context.halt.aborted;
  }

  /** Enqueues the unstored trials, never more than `window` at once. */
  async feed(): Promise<void> {
    const { writer, sweepId, ledger, channel } = this.context;
    let batch: Array<{ key: string; spec: TrialSpec }> = [];
    const send = async () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      await channel.enqueue(sending);
      ledger.markQueued(sending.map((trial) => trial.key));
    };

    for (const trial of this.context.plan.trials()) {
      if (this.stopping) break;

      if (writer.isStored(sweepId, trial.key)) {
        this.context.tracker.alreadyStored();
        continue;
      }
      if (ledger.add(trial.key, trial.spec)) batch.push(trial);

      if (batch.length >= ENQUEUE_BATCH) await send();
      while (ledger.size >= this.context.window && !this.stopping) {
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
  async finish(): Promise<void> {
    const { ledger, channel } = this.context;
    while (ledger.size > 0 && !this.stopping) {
      await ledger.changed(1_000);
    }

    while (ledger.size > 0 && !this.context.failed()) {
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
  async drainBacklog(): Promise<void> {
    const deadline = Date.now() + 2 * this.context.lockMs + 5_000;
    while (!this.stopping && Date.now() < deadline) {
      const counts = await this.context.channel.results.getJobCounts(
        'waiting', 'active', 'delayed', 'prioritized',
      );
      const left = Object.values(counts).reduce((a, b) => a + b, 0);
      if (left === 0) return;

      await sleep(100, this.context.halt);
    }
  }
}
