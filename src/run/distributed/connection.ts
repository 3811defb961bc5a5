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
  });
  client.on('error', (error: Error) => {
    lastError = error;
  });

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

    return readFacts(info);
  } catch (error) {
    throw redisUnreachable(target, lastError ?? error);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

export interface ConnectionEvents {
  /** The connection dropped; the client keeps trying to reconnect. */
  onLost?: (reason: string) => void;
  /** Usable again after a loss. */
  onRestored?: () => void;
}

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
