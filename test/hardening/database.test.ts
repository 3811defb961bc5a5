/**
 * The database under stress: versions it must not touch, files that are
 * not its own, a v1 database to migrate, and SQL that would write.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';

import { runTrial } from '../../src/escape/trial.js';
import { loadSweepFile } from '../../src/plan/index.js';
import { openWriter } from '../../src/store/index.js';
import {
  cli,
  fixtures,
  readRows,
  repoRoot,
  tempDir,
} from '../cli/helpers.js';
import {
  expectIntegrity,
  expectRefusal,
  freshDb,
  storedCount,
} from './harness.js';

const tiny = join(fixtures, 'tiny.yaml');
const migrationsDir = join(repoRoot, 'db/migrations');
/** The schema version of this checkout, counted from the files. */
const latest = readdirSync(migrationsDir)
  .filter((name) => /^\d{3}_.+\.sql$/.test(name)).length;

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function userVersion(file: string): number {
  return readRows<{ user_version: number }>(file, 'PRAGMA user_version')[0]
    .user_version;
}

/** A database that `run` filled with the tiny sweep. */
function tinyDatabase(): string {
  const db = freshDb();
  const result = cli(['run', tiny, '--db', db, '--no-tui']);
  expect(result.status, result.stderr).toBe(0);

  return db;
}

describe('databases that are not for this sharpsweep', () => {
  it('a newer schema version is refused by run, query and status', () => {
    const db = freshDb();
    openWriter(db).close();
    const raw = new Database(db);
    raw.pragma('user_version = 99');
    raw.close();
    const before = sha256(db);

    for (const args of [
      ['run', tiny, '--db', db, '--no-tui'],
      ['query', '--db', db, 'SELECT 1'],
      ['status', '--db', db],
    ]) {
      expectRefusal(cli(args), 3, [db, 'schema version 99',
        `versions up to ${latest}`, 'upgrade sharpsweep']);
    }
    expect(sha256(db), 'the newer database was modified').toBe(before);
    expect(readdirSync(dirname(db)).filter((n) => n.endsWith('.bak')))
      .toEqual([]);
  });

  it("another program's SQLite file is refused and left unchanged", () => {
    const db = freshDb('notes.sqlite');
    const raw = new Database(db);
    raw.exec(`CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x')`);
    raw.close();
    const before = sha256(db);

    expectRefusal(cli(['run', tiny, '--db', db, '--no-tui']), 3,
      [db, 'not a sharpsweep database', 'another --db']);
    expectRefusal(cli(['status', '--db', db]), 3,
      [db, 'no sharpsweep schema']);
    expect(sha256(db)).toBe(before);
  });

  it('a file that is not SQLite at all is refused and left unchanged', () => {
    const db = freshDb('text.sqlite');
    writeFileSync(db, 'hello, not a database\n'.repeat(100));
    const before = sha256(db);

    for (const args of [
      ['run', tiny, '--db', db, '--no-tui'],
      ['query', '--db', db, 'SELECT 1'],
    ]) {
      expectRefusal(cli(args), 3, [db, 'not a database']);
    }
    expect(sha256(db)).toBe(before);
  });

  it('a --db path that cannot be created is refused, not a crash', () => {
    const blocker = freshDb('a-file');
    writeFileSync(blocker, 'in the way\n');
    const paths = [join(blocker, 'x.sqlite')];
    // Node's recursive mkdir loops forever here; sharpsweep must not.
    if (existsSync('/proc/self')) paths.push('/proc/no-such/dir/x.sqlite');

    for (const db of paths) {
      const result = cli(['run', tiny, '--db', db, '--no-tui']);
      expectRefusal(result, 3, [db, 'hint:']);
    }
  });

  it('an empty file counts as a new database', () => {
    const db = freshDb();
    writeFileSync(db, '');
    const result = cli(['run', tiny, '--db', db, '--no-tui']);

    expect(result.status, result.stderr).toBe(0);
    expect(userVersion(db)).toBe(latest);
    expect(readdirSync(dirname(db)).filter((n) => n.endsWith('.bak')))
      .toEqual([]);
  });
});

describe('a database of schema version 1, with data', () => {
  const KEEP = 'key, outcome, sharpness, final_loss, finished_at';

  /** Writes half the tiny sweep the way a v1 sharpsweep would. */
  function versionOneDatabase(): string {
    const v1 = join(tempDir('sharpsweep-v1-'), 'migrations');
    mkdirSync(v1);
    copyFileSync(join(migrationsDir, '001_initial.sql'),
      join(v1, '001_initial.sql'));

    const db = freshDb('v1.sqlite');
    const plan = loadSweepFile(tiny);
    const writer = openWriter(db, { migrationsDir: v1 });
    const sweepId = writer.registerSweep({
      name: plan.name, file: tiny, definition: plan.definition,
      total: plan.count,
    });
    for (const trial of plan.sample(plan.count / 2)) {
      writer.add({
        sweepId, key: trial.key, spec: trial.spec,
        result: runTrial(trial.spec), durationMs: 1,
      });
    }
    writer.close();

    return db;
  }

  it('readers ask for a run; run backs it up, migrates, keeps every row',
    () => {
      const db = versionOneDatabase();
      expect(userVersion(db)).toBe(1);
      const rowsBefore = readRows(db,
        `SELECT ${KEEP} FROM trials ORDER BY key`);
      expect(rowsBefore.length).toBeGreaterThan(0);

      for (const args of [['status', '--db', db],
        ['query', '--db', db, 'SELECT count(*) FROM trials']]) {
        expectRefusal(cli(args), 3, ['schema version 1', 'sharpsweep run']);
      }

      const result = cli(['run', tiny, '--db', db, '--no-tui']);
      expect(result.status, result.stderr).toBe(0);

      const backup = `${db}.v1.bak`;
      expect(userVersion(backup)).toBe(1);
      expect(readRows(backup, `SELECT ${KEEP} FROM trials ORDER BY key`))
        .toEqual(rowsBefore);
      expect(userVersion(db)).toBe(latest);
      const kept = readRows(db, `SELECT ${KEEP} FROM trials
        WHERE key IN (SELECT value FROM json_each(?)) ORDER BY key`,
      JSON.stringify(rowsBefore.map((row) => row.key)));
      expect(kept).toEqual(rowsBefore);
      expect(storedCount(db)).toBe(loadSweepFile(tiny).count);
      expectIntegrity(db);
    });
});

describe('query is read-only', () => {
  let db: string;
  beforeAll(() => {
    db = tinyDatabase();
  });

  it('refuses statements that write, and runs none of them', () => {
    const dir = dirname(db);
    const before = sha256(db);
    const refused = [
      `INSERT INTO sweeps (name, definition, total, created_at, updated_at)
        VALUES ('x', '{}', 1, '', '')`,
      `UPDATE trial_results SET outcome = 'stayed'`,
      'DELETE FROM trial_results',
      'DROP TABLE trajectory',
      `ATTACH DATABASE '${join(dir, 'attached.sqlite')}' AS other`,
      'PRAGMA user_version = 7',
      'PRAGMA journal_mode = DELETE',
      'PRAGMA busy_timeout = 0',
      'CREATE TABLE extra (x)',
      `VACUUM INTO '${join(dir, 'copy.sqlite')}'`,
      'BEGIN IMMEDIATE',
      `WITH doomed AS (SELECT key FROM trial_results)
        DELETE FROM trial_results WHERE key IN (SELECT key FROM doomed)`,
      '/* looks harmless */ PRAGMA main.user_version = 3',
    ];

    for (const sql of refused) {
      const result = cli(['query', '--db', db, sql]);
      expectRefusal(result, 2, ['read-only', 'hint:']);
    }

    expect(sha256(db)).toBe(before);
    expect(existsSync(join(dir, 'attached.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'copy.sqlite'))).toBe(false);
    expect(userVersion(db)).toBe(latest);
    expect(storedCount(db)).toBe(loadSweepFile(tiny).count);
  });

  it('treats a mistake in the SQL as bad input (exit 2), not a DB fault',
    () => {
      for (const [sql, problem] of [
        ['SELEC outcome FROM trials', 'syntax error'],
        ['SELECT no_such_column FROM trials', 'no such column'],
        ['SELECT 1; SELECT 2', 'more than one statement'],
      ]) {
        expectRefusal(cli(['query', '--db', db, sql]), 2,
          [problem, 'PRAGMA table_info(trials)']);
      }
    });

  it('answers the queries it is for', () => {
    const count = cli(['query', '--db', db, '--json',
      'SELECT count(*) AS n FROM trials']);
    expect(count.status, count.stderr).toBe(0);
    expect(JSON.parse(count.stdout)).toEqual([
      { n: loadSweepFile(tiny).count },
    ]);

    const check = cli(['query', '--db', db, 'PRAGMA integrity_check']);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok');
  });
});
