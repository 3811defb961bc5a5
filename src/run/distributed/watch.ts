import type { SweepChannel } from './channel.js';
import { describeCause, onceEach } from './connection.js';
import { DEFAULT_QUEUE } from './names.js';
import type { RedisTarget } from './redis-url.js';

const NO_WORKER_NOTICE_MS = 10_000;

/**
 * What the coordinator knows about the world beyond its database: the
 * connection to Redis, the live workers and how busy they are. It turns
 * what it sees into notices, each said once rather than on every retry.
 */
export class ClusterWatch {
  /** Worker threads of the live sharpsweep workers on the queue. */
  threads = 0;
  // LIMITATION: BullMQ counts running jobs per queue, and the trials
  // queue is shared by every sweep on this Redis: with two sweeps at once
  // the "busy" figure of each includes the other's trials.
  /** Trials running on the queue (those of other sweeps included). */
  active = 0;
  /** The connection is down; the client is reconnecting. */
  lost = false;
  private refreshing = false;
  private threadsKnown = true;
  private quietSince = Date.now();
  private told = false;
  private readonly reportError: (message: string) => void;

  constructor(
    private readonly target: RedisTarget,
    private readonly queueBase: string,
    private readonly notice: (message: string) => void,
  ) {
    this.reportError = onceEach(notice);
  }

  async refresh(channel: SweepChannel, waitingFor: number): Promise<void> {
    if (this.refreshing || this.lost) return;

    this.refreshing = true;
    try {
      this.active = await channel.tasks.getActiveCount();
    } catch {
      // Redis away: keep the last values.
      this.refreshing = false;
      return;
    }
    try {
      this.threads = await channel.liveThreads();
    } catch {
      // CLIENT LIST may be refused by a managed Redis: the worker count
      // stays unknown (0), and is not taken to mean "no worker".
      this.threadsKnown = false;
    }
    this.refreshing = false;
    this.adviseOnWorkers(channel, waitingFor);
  }

  /** A result arrived: some worker is alive whatever CLIENT LIST says. */
  progressed(): void {
    this.quietSince = Date.now();
  }

  connectionLost(reason: string): void {
    this.lost = true;
    this.notice(
      `Lost the connection to Redis at ${this.target.masked} (${reason}); ` +
        'reconnecting. Workers keep their trials; nothing stored is lost.',
    );
  }

  connectionRestored(): void {
    this.lost = false;
    this.notice(
      `Reconnected to Redis at ${this.target.masked}; checking for ` +
        'trials it lost meanwhile.',
    );
  }

  /** BullMQ reports connection trouble per client; say each thing once. */
  error(error: Error): void {
    if (!this.lost) this.reportError(`Redis: ${describeCause(error)}`);
  }

  private adviseOnWorkers(channel: SweepChannel, waitingFor: number): void {
    if (this.threads > 0 || waitingFor === 0) {
      this.quietSince = Date.now();
      this.told = false;
      return;
    }
    if (!this.threadsKnown || this.told) return;
    if (Date.now() - this.quietSince < NO_WORKER_NOTICE_MS) return;

    this.told = true;
    const queue = this.queueBase === DEFAULT_QUEUE
      ? ''
      : ` --queue ${this.queueBase}`;
    this.notice(
      `No sharpsweep worker is taking trials from queue ` +
        `${channel.taskQueue} yet; start one on each machine with ` +
        `\`sharpsweep worker --redis ${this.target.masked}${queue}\`.`,
    );
  }
}
