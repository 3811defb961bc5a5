/**
 * One writer process storing trials continuously while three reader
 * processes query the same file: the store contract says readers never
 * see SQLITE_BUSY, never block the writer, and always see counters that
 * agree with the rows.
 */
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));
/** Only a safety net: the writer runs until the readers are done. */
const WRITE_MOST_MS = 30_000;
const READ_MS = 2000;
const READERS = 3;

let dir: string;
let cleanup: () => void;
let children: ChildProcess[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  // Only the processes this test started, should an assertion fail early.
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
  children = [];
  cleanup();
});

interface Message {
  type: string;
  [field: string]: unknown;
}

function start(script: string, args: string[]): ChildProcess {
  return fork(join(CHILD_DIR, script), args, {
    execArgv: ['--import', join(CHILD_DIR, 'register.mjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The first message of `type` from `child`, or the reason there is none. */
function message(child: ChildProcess, type: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    child.on('message', (received: Message) => {
      if (received.type === type) resolve(received);
      if (received.type === 'error') {
        reject(new Error(`child failed: ${String(received.message)}`));
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`child exited (${code}) before sending ${type}`)));
  });
}

describe('one writer and several readers', () => {
  it('never shows SQLITE_BUSY and keeps counters consistent', async () => {
    const file = join(dir, 'busy.sqlite');
    const writer = start('writer-child.ts', [file, String(WRITE_MOST_MS)]);
    children.push(writer);
    const writerDone = message(writer, 'done');
    await message(writer, 'ready');

    const readers = Array.from({ length: READERS }, () =>
      start('reader-child.ts', [file, 'busy', String(READ_MS)]));
    children.push(...readers);
    const reports = await Promise.all(
      readers.map((reader) => message(reader, 'done')));
    writer.send({ type: 'stop' });
    const written = await writerDone;

    for (const report of reports) {
      expect(report.errors).toEqual([]);
      expect(report.consistent).toBe(true);
      expect(report.monotonic).toBe(true);
      expect(report.queries as number).toBeGreaterThanOrEqual(80);
      // Several different counts: the reads overlapped the writes.
      expect(report.distinctCounts as number).toBeGreaterThan(3);
    }

    // Re-added keys changed nothing: done counts distinct keys only.
    expect(written.added as number).toBeGreaterThan(
      written.distinct as number);
    expect(written.progress).toEqual({
      total: 1_000_000,
      done: written.distinct,
      failed: written.distinctFailed,
    });

    const db = new Database(file, { readonly: true });
    const check = db.pragma('integrity_check', { simple: true });
    const rows = db.prepare('SELECT count(*) FROM trial_results')
      .pluck().get();
    db.close();
    expect(check).toBe('ok');
    expect(rows).toBe(written.distinct);
  });
});
