/**
 * Migration 003 on a database written at schema version 2 (by the shipped
 * migrations 001 and 002 alone): every row, counter and trajectory sample
 * survives, every documented column keeps its name, type and order, and
 * the insert contract (idempotent on sweep and key) still holds.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findMigrationsDir, openWriter } from '../../src/store/index.js';
import {
  failedTrial,
  reference,
  referenceTrial,
  tempDir,
} from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** A folder holding only the shipped migrations 001 and 002. */
function versionTwoMigrations(): string {
  const shipped = findMigrationsDir();
  const target = join(dir, 'v2-migrations');
  mkdirSync(target);
  for (const name of ['001_initial.sql', '002_view_indexes.sql']) {
    copyFileSync(join(shipped, name), join(target, name));
  }

  return target;
}

function read<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const everyRow = `SELECT * FROM trials ORDER BY sweep, key`;
const everySample = `SELECT * FROM trajectory ORDER BY sweep_id, key, step`;
const columns = `SELECT name, type, "notnull", pk FROM pragma_table_info('trial_results')`;

describe('migration 003 (rowid trial table)', () => {
  it('keeps every row of a version-2 database and its columns', () => {
    const file = join(dir, 'old.sqlite');
    const old = openWriter(file, { migrationsDir: versionTwoMigrations() });
    expect(old.migration.to).toBe(2);
    const a = old.registerSweep({ name: 'a', definition: {}, total: 50 });
    const b = old.registerSweep({ name: 'b', definition: {}, total: 5 });
    reference.escapes.forEach((ref, i) => {
      old.add(referenceTrial(a, `k${String(i).padStart(3, '0')}`, ref));
    });
    old.add(failedTrial(a, 'failed-1'));
    old.add(referenceTrial(b, 'k000', reference.escapes[0]));
    old.close();

    const rowsBefore = read(file, everyRow);
    const samplesBefore = read(file, everySample);
    const sweepsBefore = read(file, 'SELECT * FROM sweeps ORDER BY id');
    const columnsBefore = read<{ pk: number }>(file, columns)
      .map((column) => ({ ...column, pk: 0 }));
    expect(rowsBefore.length).toBe(reference.escapes.length + 2);

    const writer = openWriter(file);
    expect(writer.migration).toEqual({
      from: 2, to: 3, backup: `${file}.v2.bak`,
    });
    expect(existsSync(`${file}.v2.bak`)).toBe(true);

    // Idempotent inserts: a stored key changes nothing, a new one counts.
    writer.add(referenceTrial(a, 'k000', reference.escapes[1]));
    writer.add(failedTrial(b, 'new-one'));
    expect(writer.flush()).toBe(1);
    expect(writer.progress(b)).toEqual({ total: 5, done: 2, failed: 1 });
    writer.close();

    const rowsAfter = read<{ key: string }>(file, everyRow);
    expect(rowsAfter.filter((row) => row.key !== 'new-one'))
      .toEqual(rowsBefore);
    expect(read(file, everySample)).toEqual(samplesBefore);
    const sweepsAfter = read<{ id: number; done: number }>(
      file, 'SELECT * FROM sweeps ORDER BY id',
    );
    expect(sweepsAfter[0]).toEqual(sweepsBefore[0]);
    // Documented columns: same names, types, nullability and order; the
    // key is now a UNIQUE constraint rather than the primary key.
    expect(read(file, columns)).toEqual(columnsBefore);
    const [table] = read<{ sql: string }>(
      file, `SELECT sql FROM sqlite_schema WHERE name = 'trial_results'`,
    );
    expect(table.sql).not.toMatch(/WITHOUT ROWID/i);
    expect(table.sql).toMatch(/UNIQUE \(sweep_id, key\)/);
    const indexes = read<{ name: string }>(
      file,
      `SELECT name FROM sqlite_schema WHERE type = 'index'
       AND tbl_name = 'trial_results' AND sql IS NOT NULL ORDER BY name`,
    ).map((row) => row.name);
    expect(indexes).toEqual([
      'trial_results_landing', 'trial_results_outcome',
      'trial_results_phase', 'trial_results_ratio',
    ]);
    // The counters still agree with the rows.
    for (const sweep of sweepsAfter) {
      const [count] = read<{ n: number }>(
        file, `SELECT count(*) AS n FROM trial_results WHERE sweep_id = ${sweep.id}`,
      );
      expect(sweep.done).toBe(count.n);
    }
  });

  it('gives a fresh database the same trial columns as a migrated one', () => {
    const fresh = join(dir, 'fresh.sqlite');
    openWriter(fresh).close();
    const old = join(dir, 'old.sqlite');
    openWriter(old, { migrationsDir: versionTwoMigrations() }).close();
    openWriter(old).close();

    const schema = (file: string) => read<{ sql: string }>(
      file,
      `SELECT type, name, sql FROM sqlite_schema
       WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`,
    );
    expect(schema(old)).toEqual(schema(fresh));
  });
});
