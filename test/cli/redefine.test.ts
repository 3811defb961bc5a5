import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { cli, readRows, tempDir } from './helpers.js';

/** A sweep named "shrink" over the given step ratios (3 trials at most). */
function sweepFile(dir: string, file: string, ratios: number[]): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    [
      'name: shrink',
      'grid:',
      '  depth: [2]',
      '  width: [1]',
      `  stepRatio: [${ratios.join(', ')}]`,
      '  maxSteps: [100]',
    ].join('\n'),
  );
  return path;
}

interface SweepRow {
  total: number;
  done: number;
  definition: string;
}

describe('running a changed sweep under a stored name', () => {
  it('refuses a plan without some stored trials; accepts one that adds', () => {
    const dir = tempDir();
    const db = join(dir, 'shrink.sqlite');
    const run = (file: string) => cli(['run', file, '--db', db, '--no-tui']);
    const sweep = () =>
      readRows<SweepRow>(db, "SELECT total, done, definition FROM sweeps")[0];
    const keys = () =>
      readRows<{ key: string }>(db, 'SELECT key FROM trial_results ORDER BY key')
        .map((row) => row.key);

    const three = sweepFile(dir, 'three.yaml', [0.5, 1.2, 1.5]);
    expect(run(three).status).toBe(0);
    const stored = sweep();
    const storedKeys = keys();
    expect(storedKeys).toHaveLength(3);

    // Shrunk to one ratio: two stored trials would fall outside the plan.
    const one = sweepFile(dir, 'one.yaml', [0.5]);
    const refused = run(one);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('"shrink"');
    expect(refused.stderr).toContain(
      '2 of its 3 stored trials are not in the new plan',
    );
    expect(refused.stderr).toContain('--db');
    expect(sweep()).toEqual(stored);
    expect(keys()).toEqual(storedKeys);

    const status = cli(['status', '--db', db]);
    expect(status.stdout).toMatch(/shrink\s+3\/3\s+100\.0%/);

    // Grown by one ratio: the stored three are kept, one trial is added.
    const four = sweepFile(dir, 'four.yaml', [0.5, 1.2, 1.5, 2]);
    expect(run(four).status).toBe(0);
    expect(sweep()).toMatchObject({ total: 4, done: 4 });
    expect(keys()).toEqual(expect.arrayContaining(storedKeys));
    expect(keys()).toHaveLength(4);
  });

  it('status caps progress at 100 % for a sweep already holding extra trials', () => {
    // Earlier versions let a shrunk definition replace the stored one;
    // such a database holds more trials than its plan.
    const dir = tempDir();
    const db = join(dir, 'mixed.sqlite');
    const three = sweepFile(dir, 'three.yaml', [0.5, 1.2, 1.5]);
    expect(cli(['run', three, '--db', db, '--no-tui']).status).toBe(0);
    const raw = new Database(db);
    raw.prepare('UPDATE sweeps SET total = 1').run();
    raw.close();

    const status = cli(['status', '--db', db]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/shrink\s+1\/1 \+2\s+100\.0%/);
    expect(status.stdout).toContain('+N: trials stored beyond the plan');
    const percents = [...status.stdout.matchAll(/([\d.]+)%/g)].map(
      (match) => Number(match[1]),
    );
    expect(percents).toEqual([100]);
  });
});
