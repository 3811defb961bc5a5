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

export function createSource(path: string): DashSource {
  const worker = new URL('./data-worker.js', import.meta.url);
  if (worker.protocol === 'file:' && existsSync(fileURLToPath(worker))) {
    return workerSource(path, worker);
  }

  return inlineSource(path);
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
  const worker = new Worker(file, { workerData: { path } });
  // The dashboard's exit, not this thread, decides when the process ends.
  worker.unref();

  const pending = new Map<number, (reply: Reply<never>) => void>();
  let nextId = 0;
  let failure: string | null = null;

  const settleAll = (message: string) => {
    failure = message;
    for (const resolve of pending.values()) {
      resolve({ ok: false, waiting: false, message });
    }
    pending.clear();
  };
  worker.on('message', ({ id, reply }) => {
    pending.get(id)?.(reply);
    pending.delete(id);
  });
  worker.on('error', (error) => settleAll(`data thread: ${error.message}`));
  worker.on('exit', () => settleAll('data thread stopped'));

  return {
    call(method, ...args) {
      if (failure !== null) {
        return Promise.resolve({ ok: false, waiting: false, message: failure });
      }

      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (reply: Reply<never>) => void);
        worker.postMessage({ id, method, args });
      });
    },
    close() {
      settleAll('closed');
      void worker.terminate();
    },
  };
}

function closedReply(): Reply<never> {
  return { ok: false, waiting: false, message: 'closed' };
}
