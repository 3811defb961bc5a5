import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = join(repoRoot, 'dist/src/cli/main.js');
export const fixtures = join(repoRoot, 'test/cli/fixtures');
export const referenceCases = join(
  repoRoot,
  '../shared/reference/cases.json',
);

/** Runs the built CLI synchronously (tests run after `tsc`). */
export function cli(
  args: string[],
  options: { input?: string; cwd?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

/** Starts the CLI without waiting; for tests that kill it mid-run. */
export function cliAsync(args: string[]) {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function tempDir(prefix = 'sharpsweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readRows<T = Record<string, unknown>>(
  dbPath: string,
  sql: string,
  ...params: unknown[]
): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
