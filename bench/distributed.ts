/**
 * `node dist/bench/distributed.js [--max <n>]`
 *
 * What Redis costs: the same sweeps run by `sharpsweep run` on local
 * threads and by `sharpsweep run --redis` with one `sharpsweep worker` of
 * as many threads, against a private redis-server on 127.0.0.1. Short
 * trials show the per-trial overhead of the queue round trips; long ones
 * show that it vanishes next to real work. Needs redis-server on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { loadSweepFile } from '../src/plan/index.js';
import { parseRedisUrl, probeRedis } from '../src/run/distributed/index.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const SWEEPS: Array<[label: string, yaml: string]> = [
  [
    'short trials (early stop)',
    `name: bench-short
seeds: {from: 0, count: 50}
grid:
  depth: [2, 3]
  width: [2]
  stepRatio: [0.8, 1.3]
trajectory:
  samples: 8
`,
  ],
  [
    'long trials (40k steps, no early stop)',
    `name: bench-long
seeds: {from: 0, count: 8}
grid:
  depth: [3]
  width: [3]
  stepRatio: [0.9, 1.3]
  maxSteps: [40000]
gd:
  earlyStop: false
trajectory:
  samples: 8
`,
  ],
];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function timed(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(`sharpsweep ${args.join(' ')} failed:\n${run.stderr}`);
  }

  return (performance.now() - started) / 1000;
}

async function untilReady(url: string): Promise<void> {
  const target = parseRedisUrl(url);
  for (let attempt = 0; ; attempt += 1) {
    try {
      await probeRedis(target, 1_000);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function startWorker(url: string, threads: number) {
  const worker = spawn(process.execPath, [
    cli, 'worker', '--redis', url, '--workers', String(threads),
  ]);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    worker.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('threads on queue')) resolve();
    });
    worker.once('exit', () => reject(new Error(`worker failed:\n${seen}`)));
  });

  return worker;
}

async function stopWorkers(workers: ReturnType<typeof spawn>[]) {
  for (const worker of workers) {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
}

/**
 * One row per sweep and worker count n: local threads (n of them) against
 * n `sharpsweep worker` processes of one thread each behind one Redis.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { max: { type: 'string' } } });
  const most = Number(values.max ?? Math.min(2, availableParallelism()));
  const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-bench-dist-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;

  const redis = spawn('redis-server', [
    '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1',
    '--port', String(port), '--daemonize', 'no',
  ]);
  await untilReady(url);

  const lines = [
    'Distributed executor (n worker processes of one thread, one Redis on ' +
      '127.0.0.1) against the local executor (n threads), one machine; ' +
      'wall time of the whole `run` command, start-up included.',
    '',
    '| sweep | trials | n | local s | redis s | local trials/s | ' +
      'redis trials/s | redis/local |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    for (const [label, yaml] of SWEEPS) {
      const file = join(dir, `${label.split(' ')[0]}.yaml`);
      writeFileSync(file, yaml);
      const trials = loadSweepFile(file).count;

      for (let n = 1; n <= most; n++) {
        const local = timed([
          'run', file, '--db', join(dir, `${trials}-${n}-local.sqlite`),
          '--workers', String(n), '--no-tui',
        ]);
        const workers = [];
        for (let k = 0; k < n; k++) workers.push(await startWorker(url, 1));
        let redisWall: number;
        try {
          redisWall = timed([
            'run', file, '--db', join(dir, `${trials}-${n}-redis.sqlite`),
            '--redis', url, '--no-tui',
          ]);
        } finally {
          await stopWorkers(workers);
        }
        lines.push(
          `| ${label} | ${trials} | ${n} | ${local.toFixed(2)} | ` +
            `${redisWall.toFixed(2)} | ${(trials / local).toFixed(1)} | ` +
            `${(trials / redisWall).toFixed(1)} | ` +
            `${(trials / redisWall / (trials / local)).toFixed(2)}× |`,
        );
      }
    }
  } finally {
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
