/**
 * The distributed executor: one coordinator (the only SQLite writer)
 * enqueues trials on Redis through BullMQ, remote worker processes run
 * them, and each result comes back through a queue that is acknowledged
 * only after its commit. See README.md in this folder.
 */
export { runDistributed } from './coordinator.js';
export type { DistributedRunOptions } from './options.js';
export { startRemoteWorker } from './remote-worker.js';
export type { RemoteWorker, TrialEvent } from './remote-worker.js';
export type { RemoteWorkerOptions } from './worker-options.js';
export { maskRedisUrl, parseRedisUrl } from './redis-url.js';
export { probeRedis } from './connection.js';
export type { RedisFacts } from './connection.js';
export type { RedisTarget } from './redis-url.js';
export { DEFAULT_QUEUE, taskQueueName } from './names.js';
