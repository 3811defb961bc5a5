/**
 * The dashboard's queries run on this thread: a GROUP BY over a million
 * trials takes about a second, which must freeze neither the keyboard
 * nor, inside `sharpsweep run`, the writer on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { DashBackend, type DashMethod } from './backend.js';

export interface WorkerRequest {
  id: number;
  method: DashMethod;
  args: unknown[];
}

const backend = new DashBackend((workerData as { path: string }).path);

parentPort?.on('message', (request: WorkerRequest) => {
  const reply = backend.call(
    request.method,
    request.args as never,
  );
  parentPort?.postMessage({ id: request.id, reply });
});

parentPort?.on('close', () => backend.close());
