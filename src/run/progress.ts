import { performance } from 'node:perf_hooks';

export interface RunProgress {
  total: number;
  /** Trials with a stored result, failures included. */
  done: number;
  failed: number;
  /** Trials found already stored when this run started. */
  resumed: number;
  completedThisRun: number;
  /** Trials per second over the last few seconds; null before the first. */
  rate: number | null;
  etaSeconds: number | null;
  busy: number;
  workers: number;
  elapsedMs: number;
}

const windowMs = 5_000;

/** Counts completions and derives a recent rate and an ETA from them. */
export class ProgressTracker {
  private readonly started = performance.now();
  private resumed = 0;
  private completedCount = 0;
  private failedCount = 0;
  private readonly marks: Array<[number, number]> = [];

  constructor(
    private readonly total: number,
    private readonly workers: number,
  ) {}

  alreadyStored(): void {
    this.resumed += 1;
  }

  completed(failed: boolean): void {
    this.completedCount += 1;
    if (failed) {
      this.failedCount += 1;
    }
  }

  snapshot(busy: number): RunProgress {
    const now = performance.now();
    this.marks.push([now, this.completedCount]);
    while (this.marks.length > 2 && now - this.marks[0][0] > windowMs) {
      this.marks.shift();
    }

    const [firstTime, firstCount] = this.marks[0];
    const span = (now - firstTime) / 1000;
    const rate =
      span > 0.2 && this.completedCount > 0
        ? (this.completedCount - firstCount) / span
        : null;
    const done = this.resumed + this.completedCount;
    const remaining = Math.max(0, this.total - done);

    return {
      total: this.total,
      done,
      failed: this.failedCount,
      resumed: this.resumed,
      completedThisRun: this.completedCount,
      rate,
      etaSeconds: rate && rate > 0 ? remaining / rate : null,
      busy: Math.min(busy, this.workers),
      workers: this.workers,
      elapsedMs: now - this.started,
    };
  }
}
