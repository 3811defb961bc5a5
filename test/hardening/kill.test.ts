/**
 * `run` killed with SIGKILL (no handler can run) at random moments, again
 * and again on the same database, then resumed: the store contract says
 * a crash loses at most the trials in flight, so the end state must be
 * exactly the plan, each trial once, with the numbers of a clean run.
 */
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadSweepFile } from '../../src/plan/index.js';
import { cli, cliAsync, readRows } from '../cli/helpers.js';
import { seeded } from '../plan/random.js';
import {
  exited,
  expectIntegrity,
  fixture,
  freshDb,
  sleep,
  storedCount,
  waitFor,
} from './harness.js';

const steady = fixture('steady.yaml');
const plan = loadSweepFile(steady);
const planKeys = [...plan.trials()].map((trial) => trial.key).sort();
const total = planKeys.length;

const RESULT_COLUMNS =
  'key, outcome, sharpness, escape_step, diverged_step, final_loss, ' +
  'final_sharpness, steps, result';

describe('SIGKILL at random moments', () => {
  it('four kills and a resume give exactly the plan, once each', async () => {
    const random = seeded(20261204);
    const db = freshDb();
    let stored = 0;

    for (let round = 0; round < 4; round++) {
      const child = cliAsync(['run', steady, '--db', db, '--no-tui',
        '--workers', '2']);
      const exit = exited(child);

      if (round === 0) {
        // Early: during start-up, creating the schema or the first batch.
        await sleep(50 + random.below(500));
      } else {
        // Mid-run: after a random share of what is left, at a random
        // instant between two batches.
        const target = stored + 1 + random.below((total - stored) / 3);
        await waitFor(() => storedCount(db) >= target, `${target} trials`);
        await sleep(random.below(150));
      }
      child.kill('SIGKILL');
      const { signal, stderr } = await exit;

      expect(signal, `round ${round} ended by itself: ${stderr}`)
        .toBe('SIGKILL');
      const now = storedCount(db);
      expect(now, 'committed trials were lost').toBeGreaterThanOrEqual(
        stored);
      expect(now).toBeLessThan(total);
      if (existsSync(db)) expectIntegrity(db);
      stored = now;
    }
    expect(stored, 'no kill landed mid-run').toBeGreaterThan(0);

    const resumed = cli(['run', steady, '--db', db, '--no-tui']);
    expect(resumed.status, resumed.stderr).toBe(0);

    const keys = readRows<{ key: string }>(
      db, 'SELECT key FROM trials ORDER BY key').map((row) => row.key);
    expect(keys).toEqual(planKeys);
    expectIntegrity(db);
    expect(readRows(db, 'SELECT done, failed FROM sweeps')).toEqual([
      { done: total, failed: 0 },
    ]);
    // Trajectory samples belong to stored trials only.
    expect(readRows(db, `
      SELECT count(*) AS orphans FROM trajectory AS t
      LEFT JOIN trial_results AS r USING (sweep_id, key)
      WHERE r.key IS NULL`)).toEqual([{ orphans: 0 }]);

    // Interrupted or not, every trial has the numbers of a clean run.
    const clean = freshDb('clean.sqlite');
    expect(cli(['run', steady, '--db', clean, '--no-tui']).status).toBe(0);
    const query = `SELECT ${RESULT_COLUMNS} FROM trials ORDER BY key`;
    expect(readRows(db, query)).toEqual(readRows(clean, query));
  });
});
