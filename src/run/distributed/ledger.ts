import type { TrialSpec } from '../../escape/spec.js';

interface Entry {
  spec: TrialSpec;
  /** Trials of the plan with this key (a grid may repeat a value). */
  copies: number;
  /** Known to Redis: the enqueue that carries it has returned. */
  queued: boolean;
}

/**
 * The trials this coordinator has enqueued and not yet stored. Bounded by
 * the window, so memory stays flat however large the sweep; waiting on it
 * is how the feeder and the end of the run learn that results arrived.
 */
export class Ledger {
  private readonly entries = new Map<string, Entry>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.entries.size;
  }

  /** Returns true when the key is new and must be enqueued. */
  add(key: string, spec: TrialSpec): boolean {
    const entry = this.entries.get(key);
    if (entry) {
      entry.copies += 1;
      return false;
    }
    this.entries.set(key, { spec, copies: 1, queued: false });

    return true;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  spec(key: string): TrialSpec | undefined {
    return this.entries.get(key)?.spec;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  markQueued(keys: string[]): void {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) entry.queued = true;
    }
  }

  /** Keys whose jobs Redis should know about. */
  queuedKeys(): string[] {
    return [...this.entries]
      .filter(([, entry]) => entry.queued)
      .map(([key]) => key);
  }

  /** Forgets a key; returns how many plan trials it stood for. */
  settle(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;

    this.entries.delete(key);
    this.wake();

    return entry.copies;
  }

  /** Resolves on the next settle, or after `ms` (to re-check other exits). */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.push(done);
    });
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
