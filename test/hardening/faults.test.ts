/**
 * Worker threads that die, run out of memory or hang, injected with the
 * SHARPSWEEP_FAULT testing hook of src/run/worker.ts. With one worker
 * thread, every trial planned after the faulty ones can only finish if the
 * pool replaced the thread it lost.
 */
import { describe, expect, it } from 'vitest';

import { loadSweepFile } from '../../src/plan/index.js';
import { cli, readRows } from '../cli/helpers.js';
import {
  expectIntegrity,
  expectNoCrash,
  fixture,
  freshDb,
  withEnv,
} from './harness.js';

interface Row {
  seed: number;
  depth: number;
  outcome: string;
  error: string | null;
  spec: string | null;
  result: string | null;
  duration_ms: number;
}

const sweep = fixture('faults.yaml');
const plan = loadSweepFile(sweep);
const perSeed = plan.count / 6;

function runWithFault(fault: string, options: string[]) {
  const db = freshDb();
  const result = withEnv({ SHARPSWEEP_FAULT: fault }, () =>
    cli(['run', sweep, '--db', db, '--no-tui', '--workers', '1',
      ...options]));
  const rows = readRows<Row>(db, 'SELECT * FROM trials ORDER BY seed');

  return { db, result, rows };
}

/** Everything but the faulty seed ran normally; the faulty ones failed. */
function expectOnlySeedFailed(rows: Row[], seed: number, cause: RegExp) {
  expect(rows).toHaveLength(plan.count);
  const failed = rows.filter((row) => row.outcome === 'failed');
  expect(failed.map((row) => row.seed)).toEqual(
    Array.from({ length: perSeed }, () => seed));

  for (const row of failed) {
    expect(row.error).toMatch(cause);
    // The parameters stay with the failure, the result is absent.
    expect(JSON.parse(row.spec!).seed).toBe(seed);
    expect(row.depth).toBeGreaterThanOrEqual(2);
    expect(row.result).toBeNull();
  }
  for (const row of rows.filter((r) => r.seed !== seed)) {
    expect(row.error).toBeNull();
    expect(row.outcome).toBe('stayed');
  }
}

describe('faults in worker threads', () => {
  it('a thread that crashes: trial failed with the cause, sweep done', () => {
    const { db, result, rows } = runWithFault('crash:1', []);

    expectNoCrash(result);
    expect(result.status, result.stderr).toBe(0);
    expectOnlySeedFailed(rows, 1, /WorkerError.*injected crash/);
    const [sweepRow] = readRows<{ done: number; failed: number }>(
      db, 'SELECT done, failed FROM sweeps');
    expect(sweepRow).toEqual({ done: plan.count, failed: perSeed });
    expectIntegrity(db);
  });

  it('a thread over its memory limit: failed as out of memory', () => {
    const { result, rows } = runWithFault('oom:2', ['--worker-memory', '48']);

    expectNoCrash(result);
    expect(result.status, result.stderr).toBe(0);
    expectOnlySeedFailed(rows, 2, /WorkerError.*(memory limit|out of memory)/i);
  });

  it('a thread that hangs: stopped by --timeout, failed as a timeout', () => {
    const timeoutMs = 2_500;
    const { result, rows } = runWithFault('hang:3', [
      '--timeout', String(timeoutMs),
    ]);

    expectNoCrash(result);
    expect(result.status, result.stderr).toBe(0);
    expectOnlySeedFailed(rows, 3, /TimeoutError.*2500 ms/);
    for (const row of rows.filter((r) => r.seed === 3)) {
      expect(row.duration_ms).toBeGreaterThanOrEqual(timeoutMs);
    }
  });

  it('the hook is inert when the variable is unset', () => {
    const db = freshDb();
    const result = withEnv({ SHARPSWEEP_FAULT: '' }, () =>
      cli(['run', sweep, '--db', db, '--no-tui', '--workers', '1']));

    expect(result.status, result.stderr).toBe(0);
    const [{ failed }] = readRows<{ failed: number }>(
      db, 'SELECT count(*) AS failed FROM trials WHERE outcome = ?',
      'failed');
    expect(failed).toBe(0);
  });
});
