/**
 * The progress of the run that embeds the dashboard, handed over in
 * memory: the run already counts its trials, so while it runs the
 * overview shows its counters without asking SQLite every few hundred
 * milliseconds (the database is still read, less often, for the run's
 * times and for every other sweep).
 */
import type { SweepInfo } from './types.js';

/** What the run knows about itself; the fields of its progress report. */
export interface FeedProgress {
  total: number;
  done: number;
  failed: number;
  completedThisRun: number;
  rate: number | null;
  busy: number;
  workers: number;
}

export class ProgressFeed {
  private latest: FeedProgress | null = null;
  private changes = 0;

  /** @param sweep name of the sweep the run computes */
  constructor(readonly sweep: string) {}

  set(progress: FeedProgress): void {
    const previous = this.latest;
    const next = {
      total: progress.total,
      done: progress.done,
      failed: progress.failed,
      completedThisRun: progress.completedThisRun,
      rate: progress.rate,
      busy: progress.busy,
      workers: progress.workers,
    };
    if (previous !== null && sameProgress(previous, next)) return;
    this.latest = next;
    this.changes += 1;
  }

  get(): FeedProgress | null {
    return this.latest;
  }

  /** Goes up with every change: a poll that sees the same number skips. */
  get version(): number {
    return this.changes;
  }
}

function sameProgress(a: FeedProgress, b: FeedProgress): boolean {
  return a.total === b.total && a.done === b.done && a.failed === b.failed &&
    a.completedThisRun === b.completedThisRun && a.rate === b.rate &&
    a.busy === b.busy && a.workers === b.workers;
}

/**
 * The sweeps as read from the database, with the run's own sweep carrying
 * the run's in-memory counters when those are ahead of the stored ones.
 * A run stores in batches, so the database can only trail it; taking the
 * larger count keeps the bar from ever moving backwards.
 */
export function withFeed(
  sweeps: SweepInfo[],
  feed: ProgressFeed | undefined,
  progress: FeedProgress | null,
): SweepInfo[] {
  if (feed === undefined || progress === null) return sweeps;

  return sweeps.map((sweep) => {
    if (sweep.name !== feed.sweep || progress.done < sweep.done) return sweep;
    const run = sweep.run === null || sweep.run.status !== 'running'
      ? sweep.run
      : {
        ...sweep.run,
        busy: progress.busy,
        workers: progress.workers,
        completed: Math.max(sweep.run.completed, progress.completedThisRun),
        rate: progress.rate ?? sweep.run.rate,
      };
    return {
      ...sweep,
      total: progress.total,
      done: progress.done,
      failed: Math.max(sweep.failed, progress.failed),
      run,
    };
  });
}
