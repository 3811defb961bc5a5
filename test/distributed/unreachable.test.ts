/**
 * Redis that is not there at start-up is a clear, fast error naming the
 * URL with its password masked; it must never hang.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { SharpsweepError } from '../../src/errors.js';
import type { SweepPlan } from '../../src/plan/index.js';
import { runDistributed } from '../../src/run/distributed/index.js';
import type { ResultWriter } from '../../src/store/index.js';
import {
  cliPath,
  fixtures,
  freePort,
  repoRoot,
  tempDir,
} from './harness.js';

const plan = { name: 'x', count: 0 } as unknown as SweepPlan;
// Never reached: the coordinator checks Redis before it touches the store.
const writer = {} as ResultWriter;

async function failure(redisUrl: string, connectTimeoutMs?: number) {
  const started = Date.now();
  try {
    await runDistributed(plan, 1, writer, { redisUrl, connectTimeoutMs });
  } catch (error) {
    return { error: error as SharpsweepError, ms: Date.now() - started };
  }
  throw new Error('runDistributed did not fail');
}

let silent: Server | undefined;
afterAll(() => silent?.close());

describe('Redis unreachable at start', () => {
  it('fails fast on a refused connection, password masked', async () => {
    const port = await freePort();
    const { error, ms } = await failure(`redis://:s3cret@127.0.0.1:${port}`);

    expect(error).toBeInstanceOf(SharpsweepError);
    expect(error.code).toBe('REDIS');
    expect(error.message).toContain(`redis://:****@127.0.0.1:${port}`);
    expect(error.message).toMatch(/connection refused/);
    expect(`${error.message} ${error.hint}`).not.toContain('s3cret');
    expect(ms).toBeLessThan(3_000);
  });

  it('gives up on a server that accepts and never answers', async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) =>
      silent!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = silent.address() as { port: number };

    const { error, ms } = await failure(`redis://127.0.0.1:${port}`, 1_000);
    expect(error.code).toBe('REDIS');
    expect(error.message).toMatch(/no answer within 1000 ms/);
    expect(ms).toBeLessThan(3_000);
  });

  const sweep = join(fixtures, 'slow.yaml');
  it.each([
    ['worker', (url: string) => ['worker', '--redis', url]],
    [
      'run',
      (url: string, db: string) =>
        ['run', sweep, '--db', db, '--redis', url, '--no-tui'],
    ],
  ])('makes `sharpsweep %s` exit with the Redis code', async (_, argv) => {
    const port = await freePort();
    const db = join(tempDir(), 'never.sqlite');
    const url = `redis://:s3cret@127.0.0.1:${port}`;
    const run = spawnSync(process.execPath, [cliPath, ...argv(url, db)], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 20_000,
    });

    // src/cli/report-error.ts maps REDIS to exit code 4.
    expect(run.status, run.stderr).toBe(4);
    expect(run.stderr).toContain(`redis://:****@127.0.0.1:${port}`);
    expect(run.stderr).not.toContain('s3cret');
    // Reported before anything is written.
    expect(existsSync(db)).toBe(false);
  });
});
