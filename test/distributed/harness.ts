/**
 * Processes for the distributed tests: a private redis-server on
 * 127.0.0.1, worker and coordinator processes of the built CLI, and the
 * local run every distributed result is compared with.
 */
import {
  spawn,
  spawnSync,
  type ChildProcess,
} from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixtures = join(repoRoot, 'test/distributed/fixtures');
export const cliPath = join(repoRoot, 'dist/src/cli/main.js');

/** Fails, never skips: these tests are the proof of the guarantees. */
export function requireTools(): string {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'redis-server is not installed, and the distributed tests need a ' +
        'real one: apt-get update && apt-get install -y redis-server',
    );
  }
  if (!existsSync(join(repoRoot, 'dist/src/run/distributed/index.js'))) {
    throw new Error('dist/ is missing: run `npx tsc -p .` (or `npm test`).');
  }

  return found.stdout.trim();
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sharpsweep-dist-'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/** A redis-server of our own: no persistence, loopback only. */
export class RedisServer {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1',
        '--port', String(this.port), '--daemonize', 'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await waitForOutput(child, /Ready to accept connections/, 10_000);
  }

  /** Kills it abruptly: everything it held is gone, as in a crash. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

export interface Proc {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function track(child: ChildProcess): Proc {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  return { child, stdout: () => out, stderr: () => err, exited };
}

/** `sharpsweep worker`; resolves once it is taking trials. */
export async function startWorker(
  redisUrl: string,
  args: string[],
): Promise<Proc> {
  const child = spawn(
    process.execPath,
    [cliPath, 'worker', '--redis', redisUrl, ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = track(child);
  await waitForOutput(child, /threads on queue/, 15_000);

  return proc;
}

/** `sharpsweep run <sweep> --redis <url> --queue <queue> --no-tui`. */
export function startRun(
  sweep: string,
  dbPath: string,
  redisUrl: string,
  queue: string,
): Proc {
  const child = spawn(
    process.execPath,
    [
      cliPath, 'run', join(fixtures, sweep), '--db', dbPath,
      '--redis', redisUrl, '--queue', queue, '--no-tui',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  return track(child);
}

/**
 * The coordinator through `coordinator.mjs`, which calls `runDistributed`
 * as `sharpsweep run --redis` does but also passes the options tests need
 * and the command does not expose (short locks and audits).
 */
export function startCoordinator(
  sweep: string,
  dbPath: string,
  redisUrl: string,
  options: Record<string, unknown> = {},
): Proc {
  const child = spawn(
    process.execPath,
    [
      join(fixtures, 'coordinator.mjs'),
      join(fixtures, sweep),
      dbPath,
      redisUrl,
      JSON.stringify(options),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  return track(child);
}

/** The final report line a coordinator prints. */
export function reportOf(proc: Proc): {
  status: string;
  progress: { total: number; done: number; resumed: number;
    completedThisRun: number; failed: number };
} {
  const line = proc.stdout().split('\n').find((l) => l.startsWith('report '));
  if (!line) {
    throw new Error(
      `no report; stdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`,
    );
  }

  return JSON.parse(line.slice('report '.length));
}

/** The reference: the same sweep run by `sharpsweep run` on this machine. */
export function localRun(sweep: string, dbPath: string): void {
  const run = spawnSync(
    process.execPath,
    [cliPath, 'run', join(fixtures, sweep), '--db', dbPath, '--no-tui'],
    { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0) {
    throw new Error(`local run failed (${run.status}): ${run.stderr}`);
  }
}

export function rows<T = Record<string, unknown>>(
  dbPath: string,
  sql: string,
): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${pattern}:\n${seen}`));
    });
  });
}

export function stopAll(procs: Proc[]): Promise<unknown> {
  return Promise.all(
    procs.map((proc) => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        return undefined;
      }
      proc.child.kill('SIGKILL');
      return proc.exited;
    }),
  );
}
