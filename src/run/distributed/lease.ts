import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import type { Redis } from 'ioredis';

import { SharpsweepError } from '../../errors.js';

interface Holder {
  host: string;
  pid: number;
  token: string;
  since: string;
}

// Extends the lease only while we still hold it (compare-and-set).
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return false`;

// Removes the lease only if we hold it.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

// Takes over the lease only if it still names the holder we saw.
const STEAL = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return false`;

/**
 * One coordinator per sweep and database: two would each store the results
 * they happen to receive and wait forever for the others. The lease is a
 * Redis key with an expiry that its holder renews; a coordinator that dies
 * stops renewing, and the next one takes over when it expires — at once
 * if the holder was a process on this host that no longer exists.
 */
export class CoordinatorLease {
  private readonly value: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {
    const holder: Holder = {
      host: hostname(),
      pid: process.pid,
      token: randomUUID(),
      since: new Date().toISOString(),
    };
    this.value = JSON.stringify(holder);
  }

  /**
   * Waits until this process holds the lease. Returns false if `signal`
   * aborted first. `onWait` hears once who holds it.
   */
  async acquire(
    signal: AbortSignal | undefined,
    onWait: (holder: string) => void,
  ): Promise<boolean> {
    let told = false;
    while (!signal?.aborted) {
      const taken = await this.client.set(
        this.key, this.value, 'PX', this.ttlMs, 'NX',
      );
      if (taken === 'OK') return true;

      const current = await this.client.get(this.key);
      if (current !== null && this.holderIsGone(current)) {
        const stolen = await this.client.eval(
          STEAL, 1, this.key, current, this.value, this.ttlMs,
        );
        if (stolen === 'OK') return true;
      }

      if (!told && current !== null) {
        told = true;
        onWait(describeHolder(current));
      }
      await sleep(Math.min(1_000, this.ttlMs / 4), signal);
    }

    return false;
  }

  /**
   * Renews every third of the lease; `onLost` hears if another process
   * took it over, which happens only after this one stalled longer than
   * the lease (or Redis forgot the key, when it is simply taken again).
   */
  keepAlive(onLost: (error: SharpsweepError) => void): void {
    let renewing = false;
    const renew = async () => {
      const renewed = await this.client.eval(
        RENEW, 1, this.key, this.value, this.ttlMs,
      );
      if (renewed === 'OK') return;

      // Redis forgot the key (restarted empty): take it again.
      const retaken = await this.client.set(
        this.key, this.value, 'PX', this.ttlMs, 'NX',
      );
      if (retaken === 'OK') return;

      const current = await this.client.get(this.key);
      if (current === this.value) return;

      onLost(
        new SharpsweepError(
          'REDIS',
          'Another coordinator took over this sweep ' +
            `(${current ? describeHolder(current) : 'unknown'}).`,
          {
            hint:
              'Run one coordinator per sweep and database; this one ' +
              'stopped because it was unresponsive longer than its lease.',
          },
        ),
      );
    };
    this.timer = setInterval(() => {
      // While Redis is away one renewal waits; the next ticks must not
      // queue up behind it and race it when Redis is back.
      if (renewing) return;

      renewing = true;
      renew()
        .catch(() => undefined)
        .finally(() => (renewing = false));
    }, Math.max(100, this.ttlMs / 3));
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.client.eval(RELEASE, 1, this.key, this.value);
  }

  private holderIsGone(value: string): boolean {
    const holder = parseHolder(value);
    if (holder === undefined || holder.host !== hostname()) return false;
    if (holder.pid === process.pid) return false;

    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}

function parseHolder(value: string): Holder | undefined {
  try {
    const holder = JSON.parse(value) as Partial<Holder>;
    if (typeof holder.host === 'string' && typeof holder.pid === 'number') {
      return holder as Holder;
    }
  } catch {
    // Not ours: treat as a live holder of unknown origin.
  }

  return undefined;
}

function describeHolder(value: string): string {
  const holder = parseHolder(value);

  return holder
    ? `pid ${holder.pid} on ${holder.host} since ${holder.since}`
    : 'an unknown process';
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
