import { OptionError } from '../../errors.js';
import type { TrialEvent } from './remote-worker.js';

export interface RemoteWorkerOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` for TLS. */
  redisUrl: string;
  /** Worker threads, one trial each. @default one per core */
  workers?: number;
  /** Base name of the trials queue; the coordinator's. @default sharpsweep */
  queue?: string;
  /**
   * How long a trial stays locked to this worker without a sign of life,
   * in ms; a worker that dies loses its trials to others after about
   * twice this. @default 30000
   */
  lockMs?: number;
  /**
   * Times a trial may be orphaned by dying workers before it is stored as
   * failed (it may be what kills them). @default 2
   */
  maxStalls?: number;
  /** Per-trial wall-clock limit; the trial is stored as failed past it. */
  trialTimeoutMs?: number;
  /** Heap limit of each worker thread, in MB. */
  workerMemoryMb?: number;
  /** Longest wait for Redis at start-up, in ms. @default 5000 */
  connectTimeoutMs?: number;
  onNotice?: (message: string) => void;
  /** Each trial this worker finishes, retries or fails. */
  onTrial?: (event: TrialEvent) => void;
}

export interface CheckedWorkerOptions {
  workers?: number;
  queue?: string;
  lockMs: number;
  maxStalls: number;
  trialTimeoutMs?: number;
  workerMemoryMb?: number;
  connectTimeoutMs: number;
}

/** Fills the defaults and checks every number once, at the boundary. */
export function checkWorkerOptions(
  options: RemoteWorkerOptions,
): CheckedWorkerOptions {
  const integer = (
    name: keyof RemoteWorkerOptions,
    minimum: number,
    fallback?: number,
  ): number | undefined => {
    const value = (options[name] as number | undefined) ?? fallback;
    if (value === undefined) return undefined;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new OptionError(
        `${name} must be an integer of at least ${minimum}, got ${value}`,
        {
          location: name,
          hint: fallback === undefined
            ? `Omit it, or give e.g. ${Math.max(minimum, 1)}.`
            : `Omit it for ${fallback}.`,
        },
      );
    }

    return value;
  };

  return {
    workers: integer('workers', 1),
    queue: options.queue,
    lockMs: integer('lockMs', 200, 30_000)!,
    maxStalls: integer('maxStalls', 0, 2)!,
    trialTimeoutMs: integer('trialTimeoutMs', 1),
    workerMemoryMb: integer('workerMemoryMb', 1),
    connectTimeoutMs: integer('connectTimeoutMs', 100, 5_000)!,
  };
}
