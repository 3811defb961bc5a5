/**
 * Opening the two kinds of connection: the one writer, which migrates, and
 * read-only readers, which never change the file and never wait on it.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SharpsweepError, StoreError } from '../errors.js';
import {
  assertKnownVersion,
  assertWritable,
  migrate,
  userVersion,
} from './migrate.js';
import type { MigrationReport } from './migrate.js';
import { findMigrationsDir, latestVersion } from './migrations.js';

/**
 * Long enough that a reader or a second process never sees SQLITE_BUSY
 * while the writer commits a batch, short enough to surface a stuck lock.
 */
const BUSY_TIMEOUT_MS = 5000;

/** WAL frames (pages) the writer lets accumulate before a checkpoint. */
const WAL_CHECKPOINT_PAGES = 8000;

export interface ConnectionOptions {
  /** Folder of `NNN_name.sql` files; found above this module by default. */
  migrationsDir?: string;
}

export function openWriteConnection(
  file: string,
  options: ConnectionOptions = {},
): { db: Database.Database; migration: MigrationReport } {
  const dir = options.migrationsDir ?? findMigrationsDir();
  if (file !== ':memory:') {
    ensureFolder(file);
  }

  const db = guard(file, () => new Database(file));
  try {
    return guard(file, () => {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Refuse before the first change: even WAL mode alters the file.
      assertWritable(db, file, latestVersion(dir));
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL loses no committed data on a crash of the
      // process, only possibly the last batches on a power failure.
      db.pragma('synchronous = NORMAL');
      // Trial keys are hashes, so every batch touches pages all over the
      // key index; a longer WAL (up to 32 MB between checkpoints, against
      // SQLite's 4 MB) copies each such page back to the file once per
      // many batches instead of once per few. Closing truncates it.
      db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      db.pragma('foreign_keys = ON');

      return { db, migration: migrate(db, file, dir) };
    });
  } catch (error) {
    db.close();
    throw error;
  }
}

export function openReadConnection(
  file: string,
  options: ConnectionOptions = {},
): Database.Database {
  if (file === ':memory:' || !existsSync(file)) {
    throw new StoreError('STORE', `No sharpsweep database at ${file}.`, {
      location: file,
      hint: 'Run `sharpsweep run <sweep.yaml>` first (add --db to choose ' +
        'the file), or pass the --db of an existing database.',
    });
  }

  const dir = options.migrationsDir ?? findMigrationsDir();
  const db = guard(file, () =>
    new Database(file, { readonly: true, fileMustExist: true }));
  try {
    guard(file, () => {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('query_only = 1');
      checkReadable(file, userVersion(db), latestVersion(dir));
    });
  } catch (error) {
    db.close();
    throw error;
  }

  return db;
}

/**
 * A reader cannot migrate, so it needs exactly the current schema.
 * LIMITATION: a database at an older version is unreadable by `query`,
 * `status` and the dashboard until `sharpsweep run` has migrated it.
 */
function checkReadable(file: string, version: number, latest: number) {
  assertKnownVersion(file, version, latest);
  if (version === latest) return;

  const problem = version === 0
    ? 'has no sharpsweep schema (empty, or another kind of database)'
    : `has schema version ${version}; this sharpsweep reads ${latest}`;
  throw new StoreError('STORE', `${file} ${problem}.`, {
    location: file,
    hint: version === 0
      ? 'Point --db at a database written by `sharpsweep run`.'
      : 'Run `sharpsweep run` on it once: the writer migrates it and ' +
        'keeps a backup of the old version.',
  });
}

/**
 * Creates the missing folders above `file`, one level at a time. Node's
 * recursive mkdir reports a file in the way as a raw EEXIST, and loops
 * forever under /proc, where mkdir answers ENOENT below an existing folder.
 */
function ensureFolder(file: string): void {
  const missing: string[] = [];
  for (let dir = dirname(resolve(file)); !existsSync(dir);) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }

  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (cause) {
      throw new StoreError(
        'STORE',
        `Cannot create the folder ${dir} for ${file}: ` +
          `${(cause as Error).message}`,
        {
          location: file,
          hint: 'Choose a --db path in a folder you can write to.',
          cause,
        },
      );
    }
  }
}

/** Turns driver errors (not a database, permissions, I/O) into StoreError. */
function guard<T>(file: string, action: () => T): T {
  try {
    return action();
  } catch (cause) {
    if (cause instanceof SharpsweepError) throw cause;

    throw new StoreError(
      'STORE',
      `Cannot use ${file}: ${(cause as Error).message}`,
      {
        location: file,
        hint: 'Check that the path is a sharpsweep database and readable.',
        cause,
      },
    );
  }
}
