/**
 * The distributed executor against a real redis-server: worker processes
 * that join, die and restart, a coordinator killed mid-run, a sweep
 * submitted twice, Redis itself crashing. Each scenario must leave exactly
 * one row per trial, with the numbers of a local run of the same sweep.
 */
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { taskQueueName } from '../../src/run/distributed/names.js';
import { expectSameAsLocal } from './compare.js';
import {
  freePort,
  localRun,
  RedisServer,
  reportOf,
  requireTools,
  rows,
  startCoordinator,
  startRun,
  startWorker,
  stopAll,
  tempDir,
  waitFor,
  type Proc,
} from './harness.js';

const dir = tempDir();
const local = {
  slow: join(dir, 'local-slow.sqlite'),
  failing: join(dir, 'local-failing.sqlite'),
};
const SLOW_TOTAL = 8;
const FAILING_TOTAL = 4;
// Short locks so that dead processes are noticed within seconds.
const LOCK_MS = 2_000;

let redis: RedisServer;
const procs: Proc[] = [];

function worker(queue: string, threads = 1): Promise<Proc> {
  return startWorker(redis.url, [
    '--workers', String(threads), '--queue', queue,
    '--lock-ms', String(LOCK_MS),
  ]).then((proc) => {
    procs.push(proc);
    return proc;
  });
}

function coordinator(
  sweep: string,
  db: string,
  queue: string,
  options: Record<string, unknown> = {},
): Proc {
  const proc = startCoordinator(sweep, db, redis.url, {
    queue,
    lockMs: LOCK_MS,
    auditIntervalMs: 1_000,
    ...options,
  });
  procs.push(proc);

  return proc;
}

/** Stops workers the way an operator would; they must exit cleanly. */
async function stopWorkers(...workers: Proc[]): Promise<number[]> {
  for (const proc of workers) proc.child.kill('SIGTERM');
  const codes = await Promise.all(workers.map((proc) => proc.exited));
  expect(codes).toEqual(workers.map(() => 0));

  return workers.map((proc) => {
    const match = /stopped; (\d+) done/.exec(proc.stderr());
    return match ? Number(match[1]) : Number.NaN;
  });
}

function storedCount(db: string): number {
  try {
    return rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM trial_results')[0]
      .n;
  } catch {
    return 0;
  }
}

/** Length of a BullMQ list (`wait`, `active`) of a test's trials queue. */
async function listed(queue: string, list: string): Promise<number> {
  const client = new Redis(redis.url);
  try {
    return await client.llen(`bull:${taskQueueName(queue)}:${list}`);
  } finally {
    client.disconnect();
  }
}

function activeTrials(queue: string): Promise<number> {
  return listed(queue, 'active');
}

beforeAll(async () => {
  requireTools();
  redis = new RedisServer(await freePort());
  await redis.start();
  localRun('slow.yaml', local.slow);
  localRun('failing.yaml', local.failing);
}, 90_000);

afterAll(async () => {
  await stopAll(procs);
  await redis?.stop();
});

describe('distributed sweeps on BullMQ', () => {
  it('splits a sweep over two worker processes, one row per trial', async () => {
    const db = join(dir, 'two-workers.sqlite');
    const [first, second] = await Promise.all([
      worker('two'), worker('two'),
    ]);

    // Through the command itself, as a user runs it.
    const run = startRun('slow.yaml', db, redis.url, 'two');
    procs.push(run);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toContain(`${SLOW_TOTAL}/${SLOW_TOTAL} (100.0%)`);
    expectSameAsLocal(db, local.slow, SLOW_TOTAL);

    // Both took part. (A trial may run twice if a starved worker misses
    // its lock renewal; the guarantee is one row, checked above.)
    const done = await stopWorkers(first, second);
    expect(done.every((count) => count > 0)).toBe(true);
    expect(done[0] + done[1]).toBeGreaterThanOrEqual(SLOW_TOTAL);
  });

  it('recovers the trials of a worker killed with SIGKILL', async () => {
    const db = join(dir, 'killed-worker.sqlite');
    const [victim, survivor] = await Promise.all([
      worker('kill'), worker('kill'),
    ]);
    const run = coordinator('slow.yaml', db, 'kill');
    // Both busy, one thread each: the victim dies holding a trial.
    await waitFor('both workers running a trial', async () =>
      (await activeTrials('kill')) === 2, 20_000);
    victim.child.kill('SIGKILL');
    expect(await run.exited, run.stderr()).toBe(0);
    expect(reportOf(run).status).toBe('done');
    expectSameAsLocal(db, local.slow, SLOW_TOTAL);

    // The survivor found the victim's trial orphaned and ran it again.
    expect(survivor.stderr()).toMatch(/left by a worker that stopped/);
    await stopWorkers(survivor);
  });

  it('reconciles results a killed coordinator missed', async () => {
    const db = join(dir, 'killed-coordinator.sqlite');
    const workers = await Promise.all([worker('restart'), worker('restart')]);
    const first = coordinator('slow.yaml', db, 'restart');
    await waitFor('two stored trials', () => storedCount(db) >= 2, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = storedCount(db);

    // Results keep arriving in Redis while no coordinator runs.
    await waitFor('trials finishing meanwhile', async () =>
      (await activeTrials('restart')) === 0, 20_000);
    const second = coordinator('slow.yaml', db, 'restart');
    expect(await second.exited, second.stderr()).toBe(0);

    const report = reportOf(second);
    expect(report.status).toBe('done');
    expect(report.progress.resumed).toBeGreaterThan(before);
    expectSameAsLocal(db, local.slow, SLOW_TOTAL);
    await stopWorkers(...workers);
  });

  it('runs a sweep submitted twice only once', async () => {
    const db = join(dir, 'twice.sqlite');

    // Both submitted before any worker exists, so the first is surely
    // still running when the second arrives.
    const first = coordinator('slow.yaml', db, 'twice');
    await waitFor('the first coordinator', () =>
      /progress/.test(first.stdout()), 20_000);
    const second = coordinator('slow.yaml', db, 'twice');
    await waitFor('the second coordinator to wait', () =>
      /already being coordinated by pid/.test(second.stderr()), 20_000);
    const workers = await Promise.all([worker('twice'), worker('twice')]);

    // The second waits for the first and then finds everything stored.
    expect(await first.exited, first.stderr()).toBe(0);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(reportOf(first).progress.completedThisRun).toBe(SLOW_TOTAL);
    expect(reportOf(second).progress).toMatchObject({
      resumed: SLOW_TOTAL,
      completedThisRun: 0,
    });

    // And once more afterwards: nothing to enqueue, nothing run.
    const third = coordinator('slow.yaml', db, 'twice');
    expect(await third.exited, third.stderr()).toBe(0);
    expect(reportOf(third).progress.resumed).toBe(SLOW_TOTAL);

    expectSameAsLocal(db, local.slow, SLOW_TOTAL);
    await stopWorkers(...workers);
  });

  it('retries a throwing trial, then stores it failed like a local run', async () => {
    const db = join(dir, 'failing.sqlite');
    const [only] = await Promise.all([worker('failing')]);
    const run = coordinator('failing.yaml', db, 'failing', { attempts: 2 });
    expect(await run.exited, run.stderr()).toBe(0);
    expect(reportOf(run).progress).toMatchObject({
      total: FAILING_TOTAL,
      failed: 2,
    });
    expectSameAsLocal(db, local.failing, FAILING_TOTAL);

    // Two trials throw; each gets one retry before it is stored.
    const retries = only.stderr().match(/failed attempt 1\/2, retrying/g);
    expect(retries).toHaveLength(2);
    expect(only.stderr()).not.toMatch(/attempt 2\/2, retrying/);
    await stopWorkers(only);
  });

  it('carries on when Redis crashes and comes back empty', async () => {
    const db = join(dir, 'redis-crash.sqlite');
    const workers = await Promise.all([worker('crash'), worker('crash')]);
    const run = coordinator('slow.yaml', db, 'crash');
    await waitFor('a stored trial', () => storedCount(db) >= 1, 30_000);

    await redis.crash();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.start();

    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/Lost the connection to Redis/);
    expect(run.stderr()).toMatch(/Reconnected to Redis/);
    expect(reportOf(run).status).toBe('done');
    expectSameAsLocal(db, local.slow, SLOW_TOTAL);
    await stopWorkers(...workers);
  });

  it('stops on request, takes back unstarted trials, resumes', async () => {
    const db = join(dir, 'stopped.sqlite');
    const run = coordinator('slow.yaml', db, 'stop');
    await waitFor('the trials to be enqueued', async () =>
      (await listed('stop', 'wait')) === SLOW_TOTAL, 20_000);

    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(reportOf(run).status).toBe('stopped');
    // Nothing is left behind for workers that join later.
    expect(await listed('stop', 'wait')).toBe(0);
    expect(storedCount(db)).toBe(0);

    const only = await worker('stop');
    const again = coordinator('slow.yaml', db, 'stop');
    expect(await again.exited, again.stderr()).toBe(0);
    expectSameAsLocal(db, local.slow, SLOW_TOTAL);
    await stopWorkers(only);
  });

  it('hands a running trial back when a worker is stopped twice', async () => {
    const db = join(dir, 'released.sqlite');
    const run = coordinator('long.yaml', db, 'release');
    const only = await worker('release');
    await waitFor('the trial to start', async () =>
      (await activeTrials('release')) === 1, 20_000);

    // The trial needs several seconds; the worker must not wait for it.
    const started = Date.now();
    only.child.kill('SIGTERM');
    await waitFor('the first signal', () =>
      /stopping after 1 running/.test(only.stderr()), 5_000);
    only.child.kill('SIGTERM');
    expect(await only.exited, only.stderr()).toBe(0);
    expect(Date.now() - started).toBeLessThan(6_000);

    // Back in the queue at once, not left to expire as a stalled job.
    expect(await activeTrials('release')).toBe(0);
    expect(await listed('release', 'wait')).toBe(1);

    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(storedCount(db)).toBe(0);
  });
});
