/**
 * Bringing a database to the schema version the code knows, one migration
 * per transaction, the version kept in `PRAGMA user_version`.
 */
import type Database from 'better-sqlite3';
import { constants, copyFileSync, existsSync } from 'node:fs';
import { StoreError } from '../errors.js';
import { loadMigrations, type Migration } from './migrations.js';

export interface MigrationReport {
  from: number;
  to: number;
  /** Copy of the database taken before migrating, if one was needed. */
  backup: string | null;
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database written by a newer sharpsweep. */
export function assertKnownVersion(
  file: string,
  version: number,
  latest: number,
): void {
  if (version <= latest) return;

  throw new StoreError(
    'SCHEMA_TOO_NEW',
    `${file} has schema version ${version}, but this sharpsweep only ` +
      `knows versions up to ${latest}; upgrade sharpsweep to open it.`,
    {
      location: file,
      hint: 'Install a newer sharpsweep (npm install sharpsweep@latest); ' +
        'the database itself is fine.',
    },
  );
}

/**
 * What a writer checks before it changes anything in the file, even its
 * journal mode: the schema is not newer than this code, and a file with
 * version 0 is empty rather than some other program's database, which
 * would silently gain sharpsweep's tables (there is nothing to back up
 * "before migrating" from version 0).
 */
export function assertWritable(
  db: Database.Database,
  file: string,
  latest: number,
): void {
  // One read transaction, so a writer creating the schema concurrently
  // is seen either entirely or not at all.
  const { version, objects } = db.transaction(() => ({
    version: userVersion(db),
    objects: db.prepare(
      `SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`,
    ).pluck().get() as number,
  }))();

  assertKnownVersion(file, version, latest);
  if (version > 0 || objects === 0) return;

  throw new StoreError(
    'STORE',
    `${file} is not a sharpsweep database: it has a schema ` +
      `(${objects} tables, indexes or views) but no sharpsweep schema ` +
      'version; it was left unchanged.',
    {
      location: file,
      hint: 'Choose another --db file (a new path or a database written ' +
        'by `sharpsweep run`).',
    },
  );
}

/**
 * Applies the pending migrations of `dir` to `db` (the file `file`). An
 * existing database is copied to `<file>.v<N>.bak` first, so a migration
 * that goes wrong in a way SQLite cannot roll back still leaves the data.
 */
export function migrate(
  db: Database.Database,
  file: string,
  dir: string,
): MigrationReport {
  const migrations = loadMigrations(dir);
  const latest = migrations.length;
  const from = userVersion(db);
  assertKnownVersion(file, from, latest);
  if (from === latest) return { from, to: from, backup: null };

  const backup = from > 0 && file !== ':memory:'
    ? backupBefore(db, file, from)
    : null;

  for (const migration of migrations.slice(from)) {
    applyMigration(db, migration);
  }

  return { from, to: latest, backup };
}

function applyMigration(db: Database.Database, migration: Migration): void {
  const apply = db.transaction(() => {
    // Another writer may have migrated while this one waited for the lock.
    if (userVersion(db) !== migration.version - 1) return;

    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
  });

  try {
    apply.immediate();
  } catch (cause) {
    throw new StoreError(
      'STORE',
      `Migration ${migration.file} failed and was rolled back: ` +
        `${(cause as Error).message}`,
      {
        location: migration.file,
        hint: 'The database is unchanged at version ' +
          `${migration.version - 1}; report this as a sharpsweep bug.`,
        cause,
      },
    );
  }
}

/** Copies the database file, WAL folded in, beside itself. */
function backupBefore(
  db: Database.Database,
  file: string,
  version: number,
): string {
  const target = freshBackupName(file, version);

  try {
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    // log = -1: not in WAL mode, the file alone is the database.
    const complete = checkpoint.log === -1 ||
      (checkpoint.busy === 0 && checkpoint.checkpointed === checkpoint.log);

    if (complete) {
      copyFileSync(file, target, constants.COPYFILE_EXCL);
    } else {
      // A reader pinned part of the WAL: a file copy would miss it, while
      // VACUUM INTO writes a consistent snapshot through this connection.
      db.prepare('VACUUM INTO ?').run(target);
    }
  } catch (cause) {
    throw new StoreError(
      'STORE',
      `Could not back up ${file} to ${target} before migrating it from ` +
        `version ${version}; nothing was changed.`,
      {
        location: file,
        hint: 'Free disk space or fix the permissions of its folder.',
        cause,
      },
    );
  }

  return target;
}

/** `<file>.v<N>.bak`, or `<file>.v<N>.<k>.bak` so no backup is replaced. */
function freshBackupName(file: string, version: number): string {
  let target = `${file}.v${version}.bak`;
  for (let k = 2; existsSync(target); k++) {
    target = `${file}.v${version}.${k}.bak`;
  }

  return target;
}
