/**
 * What the hardening tests add to test/cli/helpers.ts: the standard a
 * refusal must meet, databases that must not exist, children that are
 * killed or interrupted, and waiting on what a running sweep has stored.
 */
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'vitest';

import { readRows, repoRoot, tempDir } from '../cli/helpers.js';

export const hardeningFixtures = join(repoRoot, 'test/hardening/fixtures');

export function fixture(name: string): string {
  return join(hardeningFixtures, name);
}

/** A database path in a fresh folder; the file does not exist yet. */
export function freshDb(name = 'hard.sqlite'): string {
  return join(tempDir('sharpsweep-hard-'), name);
}

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/** The database and every file SQLite would put beside it. */
export function expectNoDatabase(db: string): void {
  const present = SIDE_FILES.map((suffix) => db + suffix).filter(existsSync);
  expect(present, 'files written despite the refusal').toEqual([]);
}

/** A stack frame line as Node prints them ("    at f (file:1:2)"). */
const STACK_FRAME = /^\s+at .+[:(]/m;

/**
 * The standard for anything refused: the exit code, exactly one message
 * ("sharpsweep: …") naming each of `mentions`, no stack trace, no
 * "internal error", nothing on standard output.
 */
export function expectRefusal(
  result: SpawnSyncReturns<string>,
  status: number,
  mentions: string[],
): void {
  const context = `stderr: ${result.stderr}`;
  expect(result.error, context).toBeUndefined();
  expect(result.status, context).toBe(status);
  expect(result.stdout, context).toBe('');
  expect(result.stderr, context).toMatch(/^sharpsweep: /);
  expect(result.stderr.match(/^sharpsweep: /gm), context).toHaveLength(1);
  expect(result.stderr, context).not.toMatch(STACK_FRAME);
  expect(result.stderr, context).not.toMatch(/internal error/i);
  for (const text of mentions) {
    expect(result.stderr, context).toContain(text);
  }
}

/** No stack trace and no internal error, whatever the outcome. */
export function expectNoCrash(result: SpawnSyncReturns<string>): void {
  const context = `stderr: ${result.stderr}`;
  expect(result.error, context).toBeUndefined();
  expect(result.stderr, context).not.toMatch(STACK_FRAME);
  expect(result.stderr, context).not.toMatch(/internal error/i);
}

/** Sets environment variables for the children started inside `action`. */
export function withEnv<T>(vars: Record<string, string>, action: () => T): T {
  const saved = Object.keys(vars).map((key) => [key, process.env[key]]);
  Object.assign(process.env, vars);
  const restore = () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key!];
      else process.env[key!] = value;
    }
  };

  try {
    const result = action();
    if (result instanceof Promise) {
      return result.finally(restore) as T;
    }
    restore();

    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output and resolves when it has exited. */
export function exited(child: ChildProcess): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));

  return new Promise((resolve) => {
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr }));
  });
}

/** Trials committed so far; 0 while the database or its schema is absent. */
export function storedCount(db: string): number {
  if (!existsSync(db)) return 0;

  try {
    return readRows<{ n: number }>(
      db,
      'SELECT count(*) AS n FROM trial_results',
    )[0].n;
  } catch {
    return 0;
  }
}

/** Polls `condition` until it holds; fails the test after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(15);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function expectIntegrity(db: string): void {
  expect(readRows(db, 'PRAGMA integrity_check')).toEqual([
    { integrity_check: 'ok' },
  ]);
}
