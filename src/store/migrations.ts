/**
 * Finding and reading the versioned schema files `db/migrations/NNN_*.sql`.
 * Migration N takes a database from `user_version` N−1 to N.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{3})_([A-Za-z0-9_-]+)\.sql$/;

/**
 * Walks up from `from` (a module URL or a directory) to the first folder
 * holding `db/migrations`. The same code runs as `src/store/*.ts` under
 * vitest and as `dist/src/store/*.js` once built, one level deeper, so a
 * fixed relative path would be right for only one of them.
 */
export function findMigrationsDir(
  from: string | URL = import.meta.url,
): string {
  const start = from instanceof URL || from.startsWith('file:')
    ? dirname(fileURLToPath(from))
    : from;

  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'db', 'migrations');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) {
      return candidate;
    }
    if (dirname(dir) === dir) break;
  }

  throw new StoreError(
    'STORE',
    `No db/migrations folder found above ${start}.`,
    {
      location: start,
      hint: 'Reinstall sharpsweep: the package ships db/migrations.',
    },
  );
}

/** The migrations of `dir`, checked to be numbered 1, 2, … without gaps. */
export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .map((name) => ({ name, match: MIGRATION_FILE.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map(({ name, match }) => ({
      version: Number(match![1]),
      name: match![2],
      file: join(dir, name),
      sql: readFileSync(join(dir, name), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);

  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        'STORE',
        `Migration ${migration.file} has version ${migration.version}; ` +
          `expected ${index + 1} (versions must run 1, 2, … without ` +
          'gaps or duplicates).',
        { location: migration.file, hint: 'Renumber the migration files.' },
      );
    }
  });

  return migrations;
}

/** The version a fully migrated database has. */
export function latestVersion(dir: string): number {
  return loadMigrations(dir).length;
}
