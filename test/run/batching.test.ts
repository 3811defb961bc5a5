/**
 * The local executor hands trials to its threads in batches sized from
 * measured trial durations. The sizing rule is checked directly; the
 * executor itself runs from the build (its worker thread is a built file),
 * stopped part-way and resumed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { BatchSizer } from '../../src/run/local.js';
import { readRows, repoRoot } from '../cli/helpers.js';

describe('batch sizes', () => {
  it('holds one trial until a duration has been measured', () => {
    const sizer = new BatchSizer();
    expect(sizer.size()).toBe(1);
    expect(sizer.limit(1)).toBeUndefined();
  });

  it('fills about 20 ms of measured work, within 1 … 512 trials', () => {
    const sizer = new BatchSizer();
    sizer.observe(10, 1); // 0.1 ms per trial
    expect(sizer.size()).toBe(200);

    const tiny = new BatchSizer();
    tiny.observe(100, 0.1); // 1 µs per trial: capped
    expect(tiny.size()).toBe(512);

    const long = new BatchSizer();
    long.observe(1, 250); // one long trial per batch
    expect(long.size()).toBe(1);
  });

  it('follows a change of trial duration', () => {
    const sizer = new BatchSizer();
    sizer.observe(100, 10); // 0.1 ms
    for (let i = 0; i < 30; i++) sizer.observe(1, 100);
    expect(sizer.size()).toBe(1);
    sizer.reset();
    expect(sizer.size()).toBe(1);
  });

  it('keeps batches well inside a per-trial timeout', () => {
    const sizer = new BatchSizer(100);
    sizer.observe(10, 20); // 2 ms per trial: 20 ms / 2 ms = 10, 100 / 8 = 12
    expect(sizer.size()).toBe(10);
    sizer.observe(1, 2 + (5 - 2) / 0.3); // mean moves to 5 ms
    expect(sizer.size()).toBe(4); // 20 / 5 = 4 ≤ 100 / 20 = 5
    // A lone trial has the whole timeout; a batch at most the timeout.
    expect(sizer.limit(1)).toBe(100);
    expect(sizer.limit(4)).toBe(100);
    const roomy = new BatchSizer(60_000);
    roomy.observe(100, 10);
    // 200 trials expected to take 20 ms get 1 s before they are retried.
    expect(roomy.limit(roomy.size())).toBe(1_000);
    // Limits are whole milliseconds (AbortSignal.timeout refuses others).
    const odd = new BatchSizer(30_000);
    odd.observe(7, 1000 / 3); // 47.6… ms per trial, batches of one
    odd.observe(3, 200); // mean between: batches of several trials
    const limit = odd.limit(3)!;
    expect(Number.isInteger(limit)).toBe(true);
    expect(() => AbortSignal.timeout(limit)).not.toThrow();
  });
});

describe('local executor with batches', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sharpsweep-batches-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a graceful stop finishes only the batches in flight', async () => {
    const built = (path: string) => join(repoRoot, 'dist', path);
    const { runLocal } = await import(built('src/run/local.js'));
    const { loadSweepFile } = await import(built('src/plan/index.js'));
    const { openWriter } = await import(built('src/store/index.js'));
    const plan = loadSweepFile(join(repoRoot, 'bench/sweeps/tiny-5k.yaml'));
    const file = join(dir, 'stop.sqlite');

    const run = async (stopAt: number | null) => {
      const writer = openWriter(file);
      const sweepId = writer.registerSweep({
        name: plan.name, definition: plan.definition, total: plan.count,
      });
      const controller = new AbortController();
      let doneAtStop: number | null = null;
      const report = await runLocal(plan, sweepId, writer, {
        workers: 2,
        signal: controller.signal,
        onProgress: (progress: { done: number }) => {
          if (stopAt !== null && doneAtStop === null &&
            progress.done >= stopAt) {
            doneAtStop = progress.done;
            controller.abort();
          }
        },
      });
      writer.close();

      return { report, doneAtStop: doneAtStop as number | null };
    };

    const first = await run(500);
    expect(first.report.status).toBe('stopped');
    // At most one batch per thread was in flight when the stop came.
    expect(first.report.progress.done - first.doneAtStop!)
      .toBeLessThanOrEqual(2 * 512);
    const stored = () => readRows<{ n: number; keys: number; done: number }>(
      file,
      `SELECT count(*) AS n, count(DISTINCT key) AS keys,
              (SELECT done FROM sweeps) AS done FROM trial_results`,
    )[0];
    expect(stored().n).toBe(first.report.progress.done);
    expect(stored().done).toBe(stored().n);

    const second = await run(null);
    expect(second.report.status).toBe('done');
    expect(second.report.progress.resumed).toBe(first.report.progress.done);
    expect(stored()).toEqual({ n: 5000, keys: 5000, done: 5000 });
  });

  it('a writer failure stops every thread without storing false failures',
    async () => {
      const built = (path: string) => join(repoRoot, 'dist', path);
      const { runLocal } = await import(built('src/run/local.js'));
      const { loadSweepFile } = await import(built('src/plan/index.js'));
      const { openWriter } = await import(built('src/store/index.js'));
      const plan = loadSweepFile(join(repoRoot, 'bench/sweeps/tiny-5k.yaml'));
      const writer = openWriter(join(dir, 'broken.sqlite'));
      const sweepId = writer.registerSweep({
        name: plan.name, definition: plan.definition, total: plan.count,
      });
      let accepted = 0;
      const failures: unknown[] = [];
      const broken = Object.create(writer);
      broken.addPrepared = (...args: unknown[]) => {
        if (accepted === 300) throw new Error('disk full (simulated)');
        accepted += 1;
        writer.addPrepared(...args);
      };
      broken.add = (trial: { error?: string }) => {
        failures.push(trial.error);
        writer.add(trial);
      };

      await expect(runLocal(plan, sweepId, broken, { workers: 2 }))
        .rejects.toThrow('disk full (simulated)');
      writer.close();

      // No trial was blamed for the writer's fault, and what was accepted
      // before it is stored.
      expect(failures).toEqual([]);
      const [row] = readRows<{ n: number; failed: number }>(
        join(dir, 'broken.sqlite'),
        `SELECT count(*) AS n, coalesce(sum(outcome = 'failed'), 0) AS failed
         FROM trial_results`,
      );
      expect(row).toEqual({ n: accepted, failed: 0 });
    });
});
