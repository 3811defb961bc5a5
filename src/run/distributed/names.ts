/**
 * Every name the distributed executor gives to things in Redis, in one
 * place so the coordinator and the workers agree.
 *
 * Layout (default base name `sharpsweep`, version 0.1.0):
 *   sharpsweep-0.1.0                         trials of every sweep (shared)
 *     job id  <sweep>@<db>/<key>             one per trial
 *   sharpsweep-0.1.0.results.<sweep>@<db>    finished trials of one sweep
 *     job id  <key>                          of one database
 *   bull:<results queue>:coordinator         lease of the one coordinator
 *
 * `<db>` is a short hash of the coordinator's host name and the absolute
 * path of its database, so the same sweep run into two databases never
 * shares results.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { OptionError } from '../../errors.js';

export const DEFAULT_QUEUE = 'sharpsweep';

/**
 * The trials queue. The version is part of the name so that workers only
 * take trials from a coordinator of the same release: another version may
 * compute different numbers, and a sweep must not mix them.
 */
export function taskQueueName(base = DEFAULT_QUEUE): string {
  checkQueueBase(base);

  return `${base}-${sharpsweepVersion()}`;
}

export function resultsQueueName(base: string, scope: string): string {
  return `${taskQueueName(base)}.results.${scope}`;
}

// LIMITATION: the host name is part of the identity, so a coordinator
// restarted under another host name (a laptop on another network) does
// not see the results its predecessor left in Redis; those trials are run
// again (and their old results stay in Redis until deleted by hand).
/** Identifies one sweep of one database: `<sweep>@<8 hex>`. */
export function sweepScope(sweep: string, database?: string): string {
  const place = database === undefined ? '' : absolute(database);
  const tag = createHash('sha256')
    .update(`${hostname()}\u0000${place}`)
    .digest('hex')
    .slice(0, 8);

  return `${sweep}@${tag}`;
}

export function taskJobId(scope: string, key: string): string {
  return `${scope}/${key}`;
}

/** The scope and key of a trial job id; undefined for a foreign id. */
export function parseTaskJobId(
  id: string | undefined,
): { scope: string; key: string } | undefined {
  const slash = id?.lastIndexOf('/') ?? -1;
  if (id === undefined || slash < 1) return undefined;

  return { scope: id.slice(0, slash), key: id.slice(slash + 1) };
}

/**
 * A worker process names its connection after its thread count, so the
 * coordinator can count the slots of the live workers from `CLIENT LIST`.
 * Redis connection names cannot hold spaces.
 */
export function workerName(threads: number): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_');

  return `sharpsweep.${threads}.${host}.${process.pid}`;
}

/** Threads announced by a worker connection name, or 0 if not ours. */
export function threadsOfWorker(connectionName: string): number {
  const match = /:w:sharpsweep\.(\d+)\./.exec(connectionName);

  return match ? Number(match[1]) : 0;
}

let cachedVersion: string | undefined;

/** The version of this sharpsweep, from its package.json. */
export function sharpsweepVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;

  // From src/run/distributed under vitest, dist/src/run/distributed when
  // built: walk up to the package root rather than count levels.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sharpsweep' && pkg.version) {
        cachedVersion = pkg.version;
        return cachedVersion;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      cachedVersion = 'unknown';
      return cachedVersion;
    }
    dir = parent;
  }
}

function absolute(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    return full;
  }
}

function checkQueueBase(base: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(base)) {
    throw new OptionError(
      `--queue expects letters, digits, ".", "_" or "-", received "${base}"`,
      {
        location: '--queue',
        hint: `Omit it for "${DEFAULT_QUEUE}", or use e.g. --queue team-a.`,
      },
    );
  }
}
