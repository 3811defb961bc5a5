/**
 * Where the views get their data: a worker thread running the queries
 * (the built package), or the same backend on this thread (tests, and
 * running from sources, where no compiled worker file exists).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import {
  DashBackend,
  type DashMethod,
  type MethodArgs,
  type MethodValue,
} from './backend.js';
import type { Reply } from './types.js';

export interface DashSource {
  call<M extends DashMethod>(
    method: M,
    ...args: MethodArgs<M>
  ): Promise<Reply<MethodValue<M>>>;
  close(): void;
}

/**
 * Which thread runs what: the counters poll, page-sized reads, and the
 * aggregates that scan a whole sweep each get their own, so a phase map
 * that takes two seconds on a million trials delays neither the progress
 * bars nor the table.
 */
const LANES: Record<DashMethod, number> = {
  sweeps: 0,
  trials: 1,
  trial: 1,
  failures: 1,
  phase: 2,
  landing: 2,
  count: 2,
};

export interface SourceOptions {
  /**
   * Inside `sharpsweep run`, whose workers keep both cores busy: the
   * cheap counters query runs on this thread (a few rows, well under a
   * millisecond), and the views' queries share one data thread, started
   * only when a view first needs it, instead of three.
   */
  embedded?: boolean;
}

/*
 * LIMITATION: a query cannot be cancelled (better-sqlite3 has no
 * interrupt), so an aggregate started by a view the user has left still
 * runs to its end and delays the next one on its lane.
 */
export function createSource(
  path: string,
  options: SourceOptions = {},
): DashSource {
  const worker = new URL('./data-worker.js', import.meta.url);
  if (worker.protocol !== 'file:' || !existsSync(fileURLToPath(worker))) {
    return inlineSource(path);
  }

  const counters = options.embedded ? inlineSource(path) : null;
  // Each data thread starts on its first call: a dashboard that only
  // ever shows the overview starts none beyond the counters' one.
  const lanes = (options.embedded ? [0] : [0, 1, 2]).map(() =>
    lazy(() => workerSource(path, worker)));
  let closed = false;
  return {
    call(method, ...args) {
      if (closed) return Promise.resolve(closedReply());
      if (counters !== null && method === 'sweeps') {
        return counters.call(method, ...args);
      }
      const lane = lanes[Math.min(LANES[method], lanes.length - 1)];
      return lane.get().call(method, ...args);
    },
    close() {
      closed = true;
      counters?.close();
      for (const lane of lanes) lane.close();
    },
  };
}

function lazy(start: () => DashSource): {
  get(): DashSource;
  close(): void;
} {
  let source: DashSource | null = null;
  return {
    get: () => (source ??= start()),
    close: () => source?.close(),
  };
}

/** Same thread; replies arrive on a later tick, as from the worker. */
export function inlineSource(path: string): DashSource {
  const backend = new DashBackend(path);
  let closed = false;

  return {
    call(method, ...args) {
      return new Promise((resolve) => {
        setImmediate(() => {
          resolve(closed ? closedReply() : backend.call(method, args));
        });
      });
    },
    close() {
      closed = true;
      backend.close();
    },
  };
}

export function workerSource(path: string, file: URL): DashSource {
  // The parent's flags are not the worker's business (`--input-type`,
  // for one, makes a worker fail to start).
  const worker = new Worker(file, { workerData: { path }, execArgv: [] });
  // The dashboard's exit, not this thread, decides when the process ends.
  worker.unref();

  const pending = new Map<number, PendingCall>();
  let nextId = 0;
  let answered = false;
  let fallback: DashBackend | null = null;
  let closed = false;

  // A worker that cannot start must not take the dashboard down: the
  // same queries then run here, at the cost of a busier main thread.
  const fail = (message: string) => {
    if (closed) return;
    if (!answered && fallback === null) {
      fallback = new DashBackend(path);
      for (const call of pending.values()) {
        call.resolve(fallback.call(call.method, call.args as never));
      }
    } else {
      for (const call of pending.values()) {
        call.resolve({ ok: false, waiting: false, message });
      }
    }
    pending.clear();
  };
  worker.on('message', ({ id, reply }) => {
    answered = true;
    pending.get(id)?.resolve(reply);
    pending.delete(id);
  });
  worker.on('error', (error) => fail(`data thread: ${error.message}`));
  worker.on('exit', () => fail('data thread stopped'));

  return {
    call(method, ...args) {
      if (fallback !== null) {
        const backend = fallback;
        return new Promise((resolve) => {
          setImmediate(() => resolve(backend.call(method, args)));
        });
      }

      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, {
          method,
          args,
          resolve: resolve as PendingCall['resolve'],
        });
        worker.postMessage({ id, method, args });
      });
    },
    close() {
      closed = true;
      for (const call of pending.values()) call.resolve(closedReply());
      pending.clear();
      fallback?.close();
      void worker.terminate();
    },
  };
}

interface PendingCall {
  method: DashMethod;
  args: unknown[];
  resolve: (reply: Reply<unknown>) => void;
}

function closedReply(): Reply<never> {
  return { ok: false, waiting: false, message: 'closed' };
}
