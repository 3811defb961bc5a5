import { Redis } from 'ioredis';

import { SharpsweepError } from '../../errors.js';
import type { RedisTarget } from './redis-url.js';

export interface RedisFacts {
  version: string;
  /** `maxmemory-policy`; anything but `noeviction` can drop queued jobs. */
  evictionPolicy: string | null;
  /** Append-only file; without it a Redis crash loses recent jobs. */
  appendOnly: boolean | null;
}

/**
 * Connects once, with no retries, and fails fast with a clear error: at
 * start-up an unreachable Redis is a mistake to report, not an outage to
 * wait out. The client's own connect timeout does not cover a server that
 * accepts the connection and never answers, hence the outer deadline.
 */
export async function probeRedis(
  target: RedisTarget,
  timeoutMs = 5_000,
): Promise<RedisFacts> {
  let lastError: Error | undefined;
  const client = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // Otherwise a socket that never opened keeps the process alive for
    // the default two seconds after the failure.
    disconnectTimeout: 100,
  });
  client.on('error', (error: Error) => {
    lastError = error;
  });

  let facts: RedisFacts;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });

  try {
    const info = await Promise.race([
      client.connect().then(() => client.info()),
      deadline,
    ]);
    facts = readFacts(info);
  } catch (error) {
    throw redisUnreachable(target, lastError ?? error);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }

  const known = facts.version !== 'unknown';
  if (known && olderThan(facts.version, MINIMUM_VERSION)) {
    // BullMQ would refuse below 5.0 and print a warning of its own below
    // 6.2; refusing here keeps the message clear and the terminal clean.
    throw new SharpsweepError(
      'REDIS',
      `Redis at ${target.masked} is version ${facts.version}; sharpsweep ` +
        `needs ${MINIMUM_VERSION} or newer.`,
      { location: target.masked, hint: 'Upgrade Redis (or Valkey).' },
    );
  }

  return facts;
}

const MINIMUM_VERSION = '6.2.0';

function olderThan(version: string, minimum: string): boolean {
  const parts = (text: string) =>
    text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parts(version), parts(minimum)];
  for (let index = 0; index < 3; index += 1) {
    if ((a[index] ?? 0) !== (b[index] ?? 0)) {
      return (a[index] ?? 0) < (b[index] ?? 0);
    }
  }

  return false;
}

export interface ConnectionEvents {
  /** The connection dropped; the client keeps trying to reconnect. */
  onLost?: (reason: string) => void;
  /** Usable again after a loss. */
  onRestored?: () => void;
}

// LIMITATION: one Redis server only (redis:// or rediss://). Redis
// Cluster and Sentinel need other clients and hash-tagged queue names;
// users of those must point sharpsweep at a single primary.

/**
 * A long-lived client for BullMQ: commands wait for the connection instead
 * of failing (BullMQ's blocking reads require it), and reconnection never
 * gives up, so an outage of Redis pauses a run rather than ending it.
 */
export function openRedis(
  target: RedisTarget,
  events: ConnectionEvents = {},
): Redis {
  const client = new Redis(target.url, {
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  });

  let wasReady = false;
  let lost = false;
  client.on('ready', () => {
    if (lost) {
      lost = false;
      events.onRestored?.();
    }
    wasReady = true;
  });
  client.on('error', (error: Error) => {
    if (wasReady && !lost) {
      lost = true;
      events.onLost?.(describeCause(error));
    }
  });
  client.on('close', () => {
    if (wasReady && !lost && client.status !== 'end') {
      lost = true;
      events.onLost?.('connection closed');
    }
  });

  return client;
}

/**
 * Passes each distinct message on at most once per `ms`: a client that
 * retries reports the same trouble many times a second.
 */
export function onceEach(
  notice: (message: string) => void,
  ms = 30_000,
): (message: string) => void {
  const seen = new Map<string, number>();

  return (message) => {
    const last = seen.get(message);
    if (last !== undefined && Date.now() - last < ms) return;

    seen.set(message, Date.now());
    notice(message);
  };
}

export function redisUnreachable(
  target: RedisTarget,
  cause: unknown,
): SharpsweepError {
  return new SharpsweepError(
    'REDIS',
    `Cannot use Redis at ${target.masked}: ${describeCause(cause)}`,
    {
      location: target.masked,
      hint:
        'Check that redis-server runs there and accepts connections from ' +
        'this machine (bind, protected-mode, password, TLS with rediss://).',
      cause,
    },
  );
}

/** A short reason from a socket or Redis error, without any secret. */
export function describeCause(cause: unknown): string {
  const error = cause as { code?: string; message?: string } | undefined;
  const byCode: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
  };
  if (error?.code && byCode[error.code]) {
    return byCode[error.code];
  }

  const message = error?.message ?? String(cause);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) {
    return 'authentication failed (wrong or missing password)';
  }

  return message;
}

function readFacts(info: string): RedisFacts {
  const field = (name: string) =>
    new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
  const aof = field('aof_enabled');

  return {
    version: field('redis_version') ?? 'unknown',
    evictionPolicy: field('maxmemory_policy'),
    appendOnly: aof === null ? null : aof === '1',
  };
}

// LIMITATION: BullMQ itself also prints "IMPORTANT! Eviction policy is …"
// to the console when it connects to such a Redis; it cannot be turned
// off, so that line can appear above the dashboard.
/** Warns about settings that let Redis drop queued trials. */
export function adviseOnRedis(
  target: RedisTarget,
  facts: RedisFacts,
  notice: (message: string) => void,
): void {
  const policy = facts.evictionPolicy;
  if (policy !== null && policy !== 'noeviction') {
    notice(
      `Redis at ${target.masked} evicts keys under memory pressure ` +
        `(maxmemory-policy ${policy}); queued trials could vanish and ` +
        'be run again. Set maxmemory-policy noeviction.',
    );
  }
}
