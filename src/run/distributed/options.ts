import { OptionError } from '../../errors.js';
import type { RunProgress } from '../progress.js';
import { DEFAULT_QUEUE } from './names.js';

export interface DistributedRunOptions {
  /** `redis://[:password@]host[:port][/db]` or `rediss://…` for TLS. */
  redisUrl: string;
  /** Abort to stop enqueueing; trials already running still finish. */
  signal?: AbortSignal;
  /** Called about four times a second and once at the end. */
  onProgress?: (progress: RunProgress) => void;
  /** Things the user should know: Redis lost and back, repairs made. */
  onNotice?: (message: string) => void;
  /** Runs of a trial that throws before it is stored as failed. @default 2 */
  attempts?: number;
  /** Base name of the trials queue; workers must use the same. */
  queue?: string;
  /**
   * Path of the database the writer writes, so that the same sweep run
   * into two databases does not share results. Pass it.
   */
  database?: string;
  /** Most trials enqueued and not yet stored at once. @default 2000 */
  window?: number;
  /** Longest a finished trial waits for its commit, in ms. @default 50 */
  commitDelayMs?: number;
  /**
   * Lease of the coordinator and lock of the results it is storing, in
   * ms: a coordinator that dies is replaced at most this long after.
   * @default 10000
   */
  lockMs?: number;
  /** Period of the search for lost and failed trial jobs. @default 15000 */
  auditIntervalMs?: number;
  /** Longest wait for Redis at start-up, in ms. @default 5000 */
  connectTimeoutMs?: number;
}

export type ResolvedOptions = Required<
  Omit<DistributedRunOptions, 'signal' | 'onProgress' | 'onNotice' | 'database'>
> &
  Pick<DistributedRunOptions, 'signal' | 'onProgress' | 'database'> & {
    onNotice: (message: string) => void;
  };

const integerRules: Array<
  [keyof DistributedRunOptions, number, number]
> = [
  // [option, default, minimum]
  ['attempts', 2, 1],
  ['window', 2_000, 1],
  ['commitDelayMs', 50, 0],
  ['lockMs', 10_000, 200],
  ['auditIntervalMs', 15_000, 100],
  ['connectTimeoutMs', 5_000, 100],
];

/** Fills the defaults and checks every number once, at the boundary. */
export function resolveOptions(
  options: DistributedRunOptions,
): ResolvedOptions {
  if (typeof options.redisUrl !== 'string' || options.redisUrl === '') {
    throw new OptionError('a Redis URL is required for a distributed run', {
      location: '--redis',
      hint: 'For example --redis redis://127.0.0.1:6379.',
    });
  }

  const numbers: Record<string, number> = {};
  for (const [name, fallback, minimum] of integerRules) {
    const value = (options[name] as number | undefined) ?? fallback;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new OptionError(
        `${name} must be an integer of at least ${minimum}, got ${value}`,
        { location: name, hint: `Omit it for ${fallback}.` },
      );
    }
    numbers[name] = value;
  }

  return {
    redisUrl: options.redisUrl,
    queue: options.queue ?? DEFAULT_QUEUE,
    database: options.database,
    signal: options.signal,
    onProgress: options.onProgress,
    onNotice: options.onNotice ?? (() => undefined),
    attempts: numbers.attempts,
    window: numbers.window,
    commitDelayMs: numbers.commitDelayMs,
    lockMs: numbers.lockMs,
    auditIntervalMs: numbers.auditIntervalMs,
    connectTimeoutMs: numbers.connectTimeoutMs,
  };
}
