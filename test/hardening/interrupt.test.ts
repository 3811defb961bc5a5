/**
 * Ctrl-C during a `--no-tui` run: the first SIGINT stops gracefully and
 * keeps everything finished; a second one stops at once. Either way the
 * file stays intact and the same command completes the sweep.
 */
import { describe, expect, it } from 'vitest';

import { loadSweepFile } from '../../src/plan/index.js';
import { cli, cliAsync, readRows } from '../cli/helpers.js';
import {
  exited,
  expectIntegrity,
  fixture,
  freshDb,
  sleep,
  storedCount,
  waitFor,
} from './harness.js';

function distinctKeys(file: string): number {
  return new Set([...loadSweepFile(file).trials()].map((t) => t.key)).size;
}

/** Resumes with the same command; the sweep must then be complete. */
function expectResumeCompletes(sweep: string, db: string): void {
  const total = distinctKeys(sweep);
  const resumed = cli(['run', sweep, '--db', db, '--no-tui']);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(readRows(db, `
    SELECT count(*) AS n, count(DISTINCT key) AS keys FROM trials`))
    .toEqual([{ n: total, keys: total }]);
  expectIntegrity(db);
}

describe('Ctrl-C during a plain (--no-tui) run', () => {
  it('stops gracefully: exit 130, finished trials kept, resumable',
    async () => {
    const steady = fixture('steady.yaml');
    const db = freshDb();
    const child = cliAsync(['run', steady, '--db', db, '--no-tui']);
    const exit = exited(child);

    await waitFor(() => storedCount(db) >= 30, '30 stored trials');
    child.kill('SIGINT');
    const { code, stderr } = await exit;

    expect(code, stderr).toBe(130);
    expect(stderr).toContain('Stopping');
    expect(stderr).toContain('run the same command again to resume');
    expect(stderr).not.toMatch(/^\s+at /m);

    // What the message reports is what the file holds.
    const reported = /Stopped with (\d+)\/(\d+) trials stored/.exec(stderr);
    expect(reported, stderr).not.toBeNull();
    const stored = storedCount(db);
    expect(Number(reported![1])).toBe(stored);
    expect(Number(reported![2])).toBe(distinctKeys(steady));
    expect(stored).toBeLessThan(distinctKeys(steady));
    expect(readRows(db, 'SELECT done FROM sweeps')).toEqual([
      { done: stored },
    ]);
    expect(readRows(db, 'SELECT status FROM runs')).toEqual([
      { status: 'stopped' },
    ]);
    expectIntegrity(db);

    expectResumeCompletes(steady, db);
  });

  it('a closed output pipe stops it like Ctrl-C: exit 141, resumable',
    async () => {
    // `sharpsweep run … | head -1`: the reader goes away mid-run.
    const steady = fixture('steady.yaml');
    const db = freshDb();
    const child = cliAsync(['run', steady, '--db', db, '--no-tui']);
    const exit = exited(child);

    await waitFor(() => storedCount(db) >= 30, '30 stored trials');
    child.stdout!.destroy();
    const { code, stderr } = await exit;

    // The run learns of the closed pipe at its next write: progress lines
    // are periodic, so a run may also finish first and then exit 0. What
    // must never happen is an exit 0 with trials missing.
    const stored = storedCount(db);
    expect(readRows(db, 'SELECT done FROM sweeps')).toEqual([
      { done: stored },
    ]);
    if (code === 0) {
      expect(stored).toBe(distinctKeys(steady));
      expect(readRows(db, 'SELECT status FROM runs')).toEqual([
        { status: 'done' },
      ]);
    } else {
      expect(code, stderr).toBe(141);
      expect(stderr).toContain('run the same command again to resume');
      expect(stored).toBeLessThan(distinctKeys(steady));
      expect(readRows(db, 'SELECT status FROM runs')).toEqual([
        { status: 'stopped' },
      ]);
    }
    expectIntegrity(db);

    expectResumeCompletes(steady, db);
  });

  it('a second Ctrl-C stops at once without corrupting anything', async () => {
    // Trials of about a second each: a graceful stop would wait for them.
    const slow = fixture('slow.yaml');
    const db = freshDb();
    const child = cliAsync(['run', slow, '--db', db, '--no-tui',
      '--workers', '2']);
    const exit = exited(child);

    await waitFor(() => storedCount(db) >= 1, 'the first stored trial');
    child.kill('SIGINT');
    await sleep(100);
    const second = Date.now();
    child.kill('SIGINT');
    const { code, stderr } = await exit;
    const stopMs = Date.now() - second;

    expect(code, stderr).toBe(130);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stopMs, 'did not stop at once').toBeLessThan(5_000);
    const stored = storedCount(db);
    expect(stored).toBeLessThan(distinctKeys(slow));
    expect(readRows(db, 'SELECT done FROM sweeps')).toEqual([
      { done: stored },
    ]);
    expectIntegrity(db);

    expectResumeCompletes(slow, db);
  });

  // The first Ctrl-C promises to wait only for the trials in flight: the
  // ones queued behind them must not run.
  it('a graceful stop finishes only the trials in flight', async () => {
    const slow = fixture('slow.yaml');
    const db = freshDb();
    const child = cliAsync(['run', slow, '--db', db, '--no-tui',
      '--workers', '2']);
    const exit = exited(child);

    await waitFor(() => storedCount(db) >= 1, 'the first stored trial');
    const before = storedCount(db);
    child.kill('SIGINT');
    const { code } = await exit;

    expect(code).toBe(130);
    // At most one trial per worker was running, plus one being stored.
    expect(storedCount(db) - before).toBeLessThanOrEqual(2 + 1);
  });
});
