/**
 * No secret is ever printed: Redis passwords given on the command line or
 * in SHARPSWEEP_REDIS_URL never reach stdout or stderr, whether the URL is
 * malformed, the server refuses it, or a distributed sweep runs through.
 * The server is a redis-server of our own on 127.0.0.1 with a password.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSweepFile } from '../../src/plan/index.js';
import { cli, cliAsync, fixtures, readRows } from '../cli/helpers.js';
import { freePort } from '../distributed/harness.js';
import {
  exited,
  expectNoDatabase,
  expectRefusal,
  freshDb,
  withEnv,
} from './harness.js';

const SECRET = 'Hardening-S3cret-7f2a';
const tiny = `${fixtures}/tiny.yaml`;

let redis: ChildProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  redis = spawn('redis-server', [
    '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1',
    '--port', String(port), '--requirepass', SECRET, '--daemonize', 'no',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });

  await new Promise<void>((resolve, reject) => {
    let seen = '';
    redis.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}): ${seen}`)));
    redis.stdout!.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('Ready to accept connections')) resolve();
    });
  });
});

afterAll(async () => {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  const gone = new Promise((resolve) => redis.once('exit', resolve));
  redis.kill('SIGTERM');
  await gone;
});

function expectSecretKept(output: string): void {
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain('wrong-password');
}

describe('secrets are never printed', () => {
  it.each([
    [`redis://:wrong-password@127.0.0.1:PORT`, 4, ':****@127.0.0.1'],
    [`redis://alice:wrong-password@127.0.0.1:PORT/0`, 4, 'alice:****@'],
    ['redis://127.0.0.1:PORT', 4, 'password'],
    [':wrong-password@@', 2, 'not a URL'],
    ['http://:wrong-password@127.0.0.1:PORT', 2, ':****@'],
    ['redis://:wrong-password@127.0.0.1:PORT/db-name', 2, ':****@'],
  ])('run --redis %s: exit %i, masked', (url, status, shown) => {
    const db = freshDb();
    const result = cli(['run', tiny, '--db', db, '--no-tui', '--redis',
      url.replace('PORT', String(port))]);

    expectRefusal(result, status, [shown]);
    expectSecretKept(result.stderr + result.stdout);
    expectNoDatabase(db);
  });

  it('worker with a wrong password in SHARPSWEEP_REDIS_URL: masked', () => {
    const result = withEnv({
      SHARPSWEEP_REDIS_URL: `redis://:wrong-password@127.0.0.1:${port}`,
    }, () => cli(['worker', '--workers', '1']));

    expectRefusal(result, 4, [':****@127.0.0.1']);
    expectSecretKept(result.stderr + result.stdout);
  });

  it('a whole distributed sweep prints the password nowhere', async () => {
    const url = `redis://:${SECRET}@127.0.0.1:${port}`;
    const db = freshDb();
    const worker = withEnv({ SHARPSWEEP_REDIS_URL: url }, () =>
      cliAsync(['worker', '--workers', '1', '--queue', 'hardening']));
    const workerExit = exited(worker);

    const run = await exited(cliAsync(['run', tiny, '--db', db, '--no-tui',
      '--redis', url, '--queue', 'hardening']));
    worker.kill('SIGTERM');
    const stopped = await workerExit;

    expect(run.code, run.stderr).toBe(0);
    expect(readRows(db, 'SELECT count(*) AS n FROM trials')).toEqual([
      { n: loadSweepFile(tiny).count },
    ]);
    for (const output of [run.stdout, run.stderr, stopped.stdout,
      stopped.stderr]) {
      expectSecretKept(output);
    }
    // The worker does say where it is connected, masked.
    expect(stopped.stdout + stopped.stderr).toContain(':****@127.0.0.1');
  });
});
