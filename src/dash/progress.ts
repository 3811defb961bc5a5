/**
 * What the overview says about a sweep's progress: fraction, speed,
 * elapsed time, ETA and whether its run is alive.
 */
import type { RunInfo, SweepInfo } from './types.js';

/** A 'running' run whose heartbeat is older than this is shown stale. */
export const STALE_AFTER_MS = 10_000;

/** How far back counter deltas are averaged for a derived rate. */
const RATE_WINDOW_MS = 15_000;

/**
 * Milliseconds since the epoch of a stored time: ISO 8601, or SQLite's
 * `YYYY-MM-DD HH:MM:SS`, which is UTC without saying so.
 */
export function parseTime(text: string | null | undefined): number | null {
  if (!text) return null;

  const sqlite = /^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text);
  const parsed = Date.parse(sqlite ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(parsed) ? null : parsed;
}

export function runState(run: RunInfo | null, now: number): string {
  if (run === null) return 'no run';
  if (run.status !== 'running') return run.status;

  const heartbeat = parseTime(run.heartbeatAt);
  const stale = heartbeat === null || now - heartbeat > STALE_AFTER_MS;
  return stale ? 'stale' : 'running';
}

/** Trials per second from how `done` moved over the last seconds. */
export class RateTracker {
  private readonly samples = new Map<number, Array<[number, number]>>();

  add(sweep: number, done: number, now: number): void {
    const list = this.samples.get(sweep) ?? [];
    if (list.length > 0 && list[list.length - 1][1] === done) return;
    list.push([now, done]);
    while (list.length > 2 && now - list[1][0] > RATE_WINDOW_MS) {
      list.shift();
    }
    this.samples.set(sweep, list);
  }

  /**
   * Samples are taken when the counter moves; until `now` it has not
   * moved since the last one, so a stalled run's rate decays to zero.
   */
  rate(sweep: number, now: number): number | null {
    const list = this.samples.get(sweep);
    if (list === undefined || list.length < 2) return null;

    const [t0, d0] = list[0];
    const [, d1] = list[list.length - 1];
    // Less than a second of history says more about timer jitter.
    return now - t0 < 1000 ? null : ((d1 - d0) * 1000) / (now - t0);
  }
}

export interface SweepStats {
  fraction: number;
  state: string;
  /** Trials per second: the run's own figure, else counter deltas. */
  rate: number | null;
  elapsedSeconds: number | null;
  etaSeconds: number | null;
}

export function sweepStats(
  sweep: SweepInfo,
  derivedRate: number | null,
  now: number,
): SweepStats {
  const { run } = sweep;
  const state = runState(run, now);
  const fraction = sweep.total > 0 ? sweep.done / sweep.total : 1;

  const started = parseTime(run?.startedAt);
  const ended = parseTime(run?.endedAt) ?? (state === 'running' ? now : null);
  const endedOrBeat = ended ?? parseTime(run?.heartbeatAt);
  const elapsedSeconds = started !== null && endedOrBeat !== null
    ? Math.max(0, (endedOrBeat - started) / 1000)
    : null;

  let rate: number | null = null;
  if (state === 'running') {
    rate = run?.rate ?? derivedRate;
  } else if (run !== null && elapsedSeconds) {
    // A finished run: its average speed.
    rate = run.completed / elapsedSeconds;
  }

  const remaining = Math.max(0, sweep.total - sweep.done);
  let etaSeconds: number | null = null;
  if (remaining === 0) {
    etaSeconds = 0;
  } else if (state === 'running' && rate !== null && rate > 0) {
    etaSeconds = remaining / rate;
  }

  return { fraction, state, rate, elapsedSeconds, etaSeconds };
}
