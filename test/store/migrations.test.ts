import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import {
  findMigrationsDir,
  loadMigrations,
  migrate,
  openReader,
  openWriter,
} from '../../src/store/index.js';
import { tempDir } from './fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The shipped schema files, counted independently of the loader. */
const shippedVersions = readdirSync(
  new URL('../../db/migrations/', import.meta.url),
).filter((name) => /^\d{3}_.+\.sql$/.test(name)).length;

function version(file: string): number {
  const db = new Database(file, { readonly: true });
  const value = db.pragma('user_version', { simple: true });
  db.close();

  return value as number;
}

function objects(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const names = db.prepare(
    `SELECT type || ':' || name AS n FROM sqlite_schema
     WHERE name NOT LIKE 'sqlite_%' ORDER BY n`,
  ).pluck().all() as string[];
  db.close();

  return names;
}

function caught(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('locating db/migrations', () => {
  it('finds the shipped folder from the source module', () => {
    const found = findMigrationsDir();

    expect(readdirSync(found)).toContain('001_initial.sql');
  });

  it('finds it from both src/store and dist/src/store layouts', () => {
    const root = join(dir, 'pkg');
    mkdirSync(join(root, 'db', 'migrations'), { recursive: true });
    mkdirSync(join(root, 'src', 'store'), { recursive: true });
    mkdirSync(join(root, 'dist', 'src', 'store'), { recursive: true });
    const expected = join(root, 'db', 'migrations');

    const fromSource = pathToFileURL(join(root, 'src/store/writer.ts'));
    const fromBuild = pathToFileURL(join(root, 'dist/src/store/writer.js'));

    expect(findMigrationsDir(fromSource)).toBe(expected);
    expect(findMigrationsDir(fromBuild)).toBe(expected);
  });

  it('reports a missing folder as a StoreError', () => {
    const error = caught(() => findMigrationsDir(join(dir, 'nowhere')));

    expect(error.code).toBe('STORE');
  });

  it('refuses migration numbers with a gap', () => {
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(join(dir, '003_c.sql'), 'CREATE TABLE c (x);');

    const error = caught(() => loadMigrations(dir));

    expect(error.message).toContain('003_c.sql');
  });
});

describe('migrating the shipped schema', () => {
  it('creates every table and the view from an empty file', () => {
    const file = join(dir, 'nested', 'deeper', 'run.sqlite');

    const writer = openWriter(file);
    writer.close();

    expect(version(file)).toBe(shippedVersions);
    expect(objects(file)).toEqual(expect.arrayContaining([
      'table:runs', 'table:sweeps', 'table:trajectory',
      'table:trial_results', 'view:trials',
    ]));
    expect(writer.migration).toMatchObject({
      from: 0, to: shippedVersions, backup: null,
    });
  });

  it('leaves a current database alone on reopening', () => {
    const file = join(dir, 'run.sqlite');
    openWriter(file).close();

    const writer = openWriter(file);
    writer.close();

    expect(writer.migration.backup).toBeNull();
    expect(readdirSync(dir).filter((n) => n.endsWith('.bak'))).toEqual([]);
  });

  it('refuses a newer database for writers and readers', () => {
    const file = join(dir, 'future.sqlite');
    openWriter(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();

    for (const open of [() => openWriter(file), () => openReader(file)]) {
      const error = caught(open);
      expect(error.code).toBe('SCHEMA_TOO_NEW');
      expect(error.message).toContain(file);
      expect(error.message).toContain('99');
      expect(error.message).toContain(String(shippedVersions));
      expect(error.message).toMatch(/upgrade sharpsweep/i);
    }
    expect(version(file)).toBe(99);
  });
});

describe('migrating with an injected migrations folder', () => {
  let migrations: string;
  let file: string;
  beforeEach(() => {
    migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '001_first.sql'),
      'CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (41);');
    file = join(dir, 'data', 'fake.sqlite');
    mkdirSync(join(dir, 'data'));
  });

  function migrateFile() {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    try {
      return migrate(db, file, migrations);
    } finally {
      db.close();
    }
  }

  it('backs up an older database before migrating it', () => {
    expect(migrateFile()).toEqual({ from: 0, to: 1, backup: null });
    writeFileSync(join(migrations, '002_second.sql'),
      'CREATE TABLE b (y TEXT); UPDATE a SET x = x + 1;');

    const report = migrateFile();

    expect(report).toEqual({ from: 1, to: 2, backup: `${file}.v1.bak` });
    expect(version(`${file}.v1.bak`)).toBe(1);
    expect(objects(`${file}.v1.bak`)).toEqual(['table:a']);
    const backup = new Database(`${file}.v1.bak`, { readonly: true });
    expect(backup.prepare('SELECT x FROM a').pluck().get()).toBe(41);
    backup.close();
    expect(version(file)).toBe(2);
    expect(objects(file)).toEqual(['table:a', 'table:b']);
  });

  it('never replaces an earlier backup of the same version', () => {
    migrateFile();
    writeFileSync(`${file}.v1.bak`, 'an earlier backup');
    writeFileSync(join(migrations, '002_second.sql'), 'CREATE TABLE b (y);');

    const report = migrateFile();

    expect(report.backup).toBe(`${file}.v1.2.bak`);
    expect(existsSync(`${file}.v1.2.bak`)).toBe(true);
  });

  it('rolls a failing migration back completely', () => {
    migrateFile();
    writeFileSync(join(migrations, '002_broken.sql'),
      'CREATE TABLE b (y); INSERT INTO nowhere VALUES (1);');

    const error = caught(migrateFile);

    expect(error.message).toContain('002_broken.sql');
    expect(version(file)).toBe(1);
    expect(objects(file)).toEqual(['table:a']);
  });

  it('applies several pending migrations in order', () => {
    writeFileSync(join(migrations, '002_second.sql'),
      'ALTER TABLE a ADD COLUMN y INTEGER; UPDATE a SET y = x * 2;');

    expect(migrateFile()).toEqual({ from: 0, to: 2, backup: null });
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT x, y FROM a').get()).toEqual({ x: 41, y: 82 });
    db.close();
  });
});
