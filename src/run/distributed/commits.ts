import type { ResultWriter } from '../../store/index.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Lets many result jobs share one SQLite transaction. Each job waits for
 * the commit that includes its row and only then is acknowledged to Redis:
 * a crash before the commit leaves the job in Redis to be delivered again,
 * and the idempotent insert turns that second delivery into a no-op.
 */
export class CommitBatcher {
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly writer: ResultWriter,
    private readonly delayMs: number,
  ) {}

  /** Resolves once everything added to the writer so far is committed. */
  committed(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.timer ??= setTimeout(() => this.commit(), this.delayMs);
    });
  }

  /** Commits now; used on the way out. */
  commit(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.waiters;
    this.waiters = [];

    try {
      this.writer.flush();
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}
