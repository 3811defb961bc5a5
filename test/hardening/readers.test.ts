/**
 * Readers polling while a sweep writes: the store promises that readers
 * never block the writer and never see SQLITE_BUSY ("database is locked").
 */
import { describe, expect, it } from 'vitest';

import { cliAsync } from '../cli/helpers.js';
import {
  exited,
  expectIntegrity,
  fixture,
  freshDb,
  storedCount,
  waitFor,
  type Exit,
} from './harness.js';

describe('readers while a sweep writes', () => {
  it('status and queries in loops never see a locked database', async () => {
    const db = freshDb();
    const writer = cliAsync(['run', fixture('steady.yaml'), '--db', db,
      '--no-tui']);
    const writerExit = exited(writer);
    let writing = true;
    void writerExit.then(() => (writing = false));
    await waitFor(() => storedCount(db) >= 1, 'the first stored trial');

    // done must match the rows at every instant (store contract).
    const consistent = `SELECT (SELECT done FROM sweeps) =
      (SELECT count(*) FROM trial_results) AS consistent`;
    const reads: Exit[] = [];
    let duringWrites = 0;
    const loop = async (args: string[]) => {
      // Keep reading until the writer is done, then once more.
      for (let last = false; !last;) {
        last = !writing;
        const exit = await exited(cliAsync(args));
        reads.push(exit);
        if (writing) duringWrites += 1;
      }
    };
    await Promise.all([
      loop(['status', '--db', db]),
      loop(['query', '--db', db, '--json', consistent]),
      loop(['query', '--db', db, '--json',
        'SELECT outcome, count(*) AS n FROM trials GROUP BY outcome']),
    ]);

    const finished = await writerExit;
    expect(finished.code, finished.stderr).toBe(0);
    expect(duringWrites).toBeGreaterThanOrEqual(3);
    for (const read of reads) {
      expect(read.stderr).not.toMatch(/locked|busy/i);
      expect(read.code, read.stderr).toBe(0);
      if (read.stdout.includes('consistent')) {
        expect(JSON.parse(read.stdout)).toEqual([{ consistent: 1 }]);
      }
    }
    expectIntegrity(db);
  });
});
