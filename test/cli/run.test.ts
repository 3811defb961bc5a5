import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import {
  cli,
  cliAsync,
  fixtures,
  readRows,
  repoRoot,
  tempDir,
} from './helpers.js';

interface TrialRow {
  key: string;
  step_ratio: number;
  step_size: number;
  outcome: string;
  final_sharpness: number | null;
  landing_ratio: number | null;
  escape_step: number | null;
  error: string | null;
}

const stability = join(fixtures, 'stability.yaml');
// depth 3 × width 2 × minimizer 2 × direction 2 × stepRatio 6 × seeds 2
const stabilityCount = 3 * 2 * 2 * 2 * 6 * 2;

describe('sharpsweep run', () => {
  it('stores every trial and agrees with linear stability', () => {
    const db = join(tempDir(), 'stability.sqlite');
    const first = cli(['run', stability, '--db', db, '--no-tui']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('step ratio');

    const rows = readRows<TrialRow>(
      db,
      `SELECT * FROM trials WHERE sweep = 'stability-check'`,
    );
    expect(rows).toHaveLength(stabilityCount);
    expect(new Set(rows.map((row) => row.key)).size).toBe(stabilityCount);
    expect(rows.filter((row) => row.outcome === 'failed')).toEqual([]);

    for (const row of rows) {
      if (row.step_ratio < 0.98) {
        expect(row.outcome, JSON.stringify(row)).toBe('stayed');
      }
      if (row.step_ratio > 1.02) {
        expect(['escaped', 'diverged'], JSON.stringify(row)).toContain(
          row.outcome,
        );
      }
      if (row.outcome === 'escaped') {
        // Linear stability of the landing point: λ_final ≤ 2/η.
        expect(row.final_sharpness!).toBeLessThanOrEqual(
          (2 / row.step_size) * (1 + 1e-9),
        );
        expect(row.landing_ratio!).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
  });

  it('resumes without duplicating trials', () => {
    const db = join(tempDir(), 'tiny.sqlite');
    const tiny = join(fixtures, 'tiny.yaml');
    expect(cli(['run', tiny, '--db', db, '--no-tui']).status).toBe(0);
    const before = readRows<TrialRow>(db, 'SELECT * FROM trials ORDER BY key');

    const again = cli(['run', tiny, '--db', db, '--no-tui']);
    expect(again.status).toBe(0);
    const after = readRows<TrialRow>(db, 'SELECT * FROM trials ORDER BY key');

    // depth 2 × width 2 × stepRatio 2 × direction 2 × seeds 4
    expect(after).toHaveLength(2 * 2 * 2 * 2 * 4);
    expect(after).toEqual(before);
    const runs = readRows<{ n: number }>(db, 'SELECT count(*) AS n FROM runs');
    expect(runs[0].n).toBe(2);
  });

  it('gives identical numbers whatever the worker count', () => {
    const dir = tempDir();
    const tiny = join(fixtures, 'tiny.yaml');
    const columns =
      'key, outcome, sharpness, escape_step, final_loss, final_sharpness';
    const results = [1, 2].map((workers) => {
      const db = join(dir, `w${workers}.sqlite`);
      const run = cli([
        'run', tiny, '--db', db, '--no-tui', '--workers', String(workers),
      ]);
      expect(run.status).toBe(0);
      return readRows(db, `SELECT ${columns} FROM trials ORDER BY key`);
    });

    expect(results[0].length).toBeGreaterThan(0);
    expect(results[1]).toEqual(results[0]);
  });

  it('loses nothing but trials in flight when killed', async () => {
    const db = join(tempDir(), 'killed.sqlite');
    const child = cliAsync(['run', stability, '--db', db, '--no-tui']);

    // Kill once some trials are committed, mid-sweep.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        let n = 0;
        try {
          n = readRows<{ n: number }>(
            db,
            'SELECT count(*) AS n FROM trial_results',
          )[0].n;
        } catch {
          // Not created yet, or its schema is still being written.
          return;
        }
        if (n >= 20) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const partial = readRows<{ n: number }>(
      db,
      'SELECT count(*) AS n FROM trial_results',
    )[0].n;
    expect(partial).toBeLessThan(stabilityCount);

    const resumed = cli(['run', stability, '--db', db, '--no-tui']);
    expect(resumed.status).toBe(0);
    const keys = readRows<{ n: number; distinct_keys: number }>(
      db,
      'SELECT count(*) AS n, count(DISTINCT key) AS distinct_keys FROM trials',
    )[0];
    expect(keys).toEqual({ n: stabilityCount, distinct_keys: stabilityCount });
    expect(readRows(db, 'PRAGMA integrity_check')).toEqual([
      { integrity_check: 'ok' },
    ]);
  });

  it('migrates a database of schema version 1 after a backup copy', () => {
    const db = join(tempDir(), 'old.sqlite');
    const tiny = join(fixtures, 'tiny.yaml');
    const old = new Database(db);
    old.exec(readFileSync(join(repoRoot, 'db/migrations/001_initial.sql'), 'utf8'));
    old.pragma('user_version = 1');
    old.close();

    const result = cli(['run', tiny, '--db', db, '--no-tui']);

    expect(result.status).toBe(0);
    const version = (file: string) =>
      readRows<{ user_version: number }>(file, 'PRAGMA user_version')[0]
        .user_version;
    expect(version(`${db}.v1.bak`)).toBe(1);
    expect(version(db)).toBe(
      readdirSync(join(repoRoot, 'db/migrations')).filter((name) =>
        name.endsWith('.sql'),
      ).length,
    );
    expect(readRows(db, 'SELECT count(*) AS n FROM trials')).toEqual([
      { n: 64 },
    ]);
  });

  it('refuses an invalid sweep file and writes nothing', () => {
    const db = join(tempDir(), 'never.sqlite');
    const result = cli([
      'run', join(fixtures, 'invalid.yaml'), '--db', db, '--no-tui',
    ]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid.yaml');
    expect(result.stderr).toContain('grid.depth[1]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(db)).toBe(false);
  });
});
