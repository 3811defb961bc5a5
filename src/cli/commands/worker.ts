import { OptionError } from '../../errors.js';
import { defaultWorkerCount } from '../../run/local.js';
import {
  DEFAULT_QUEUE,
  maskRedisUrl,
  startRemoteWorker,
  type TrialEvent,
} from '../../run/distributed/index.js';
import {
  formatHelp,
  parseCommand,
  positiveInteger,
  workerCount,
  type CommandHelp,
} from '../args.js';
import type { Command } from './types.js';

const REDIS_ENV = 'SHARPSWEEP_REDIS_URL';

const help: CommandHelp = {
  usage: 'sharpsweep worker --redis <url> [--workers <n>] [--queue <name>]',
  summary:
    'Runs trials for `sharpsweep run --redis` coordinators, on this ' +
    'machine, until stopped. Start one per machine; they may join and ' +
    'leave at any time. Ctrl-C (or SIGTERM) finishes the running trials ' +
    'and exits; a second one hands them back to the queue at once.',
  options: [
    [
      '--redis <url>',
      'Redis URL, redis://[:password@]host[:port][/db] or rediss://… ' +
        `(default $${REDIS_ENV}, which keeps a password out of \`ps\`)`,
    ],
    [
      '--workers <n>',
      `worker threads (default: one per core, here ${defaultWorkerCount()})`,
    ],
    [
      '--queue <name>',
      `queue base name, the coordinator's (default ${DEFAULT_QUEUE})`,
    ],
    ['--timeout <ms>', 'stop a trial after this long and store it as failed'],
    ['--worker-memory <mb>', 'heap limit of each worker thread'],
    [
      '--lock-ms <ms>',
      'a worker silent this long loses its trials to others (default 30000)',
    ],
    [
      '--max-stalls <n>',
      'times a trial may lose its worker before it is stored as failed ' +
        '(default 2)',
    ],
    ['-h, --help', 'show this help'],
  ],
  examples: [
    'sharpsweep worker --redis redis://10.0.0.5:6379 --workers 8',
    `${REDIS_ENV}=redis://:secret@10.0.0.5:6379 sharpsweep worker`,
  ],
};

export const workerCommand: Command = {
  summary: 'run trials of distributed sweeps, taken from Redis',
  async run(argv) {
    const { values, positionals } = parseCommand('worker', argv, {
      redis: { type: 'string' },
      workers: { type: 'string' },
      queue: { type: 'string' },
      timeout: { type: 'string' },
      'worker-memory': { type: 'string' },
      'lock-ms': { type: 'string' },
      'max-stalls': { type: 'string' },
    });
    const option = (name: string) =>
      (values as Record<string, unknown>)[name] as string | undefined;
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    if (positionals.length > 0) {
      throw new OptionError(`unexpected argument "${positionals[0]}"`, {
        location: 'sharpsweep worker',
        hint: 'Run `sharpsweep worker --help` for usage.',
      });
    }
    const redisUrl = option('redis') ?? process.env[REDIS_ENV];
    if (!redisUrl) {
      throw new OptionError('missing --redis <url>', {
        location: 'sharpsweep worker',
        hint: `Give --redis redis://host:6379, or set ${REDIS_ENV}.`,
      });
    }

    const log = (line: string) => process.stderr.write(`${line}\n`);
    const tally = { done: 0, failed: 0, retried: 0 };
    const worker = await startRemoteWorker({
      redisUrl,
      workers: workerCount(option('workers')),
      queue: option('queue'),
      trialTimeoutMs: positiveInteger(option('timeout'), '--timeout'),
      workerMemoryMb: positiveInteger(
        option('worker-memory'),
        '--worker-memory',
      ),
      lockMs: positiveInteger(option('lock-ms'), '--lock-ms'),
      maxStalls: nonNegativeInteger(option('max-stalls'), '--max-stalls'),
      onNotice: (message) => log(`worker: ${message}`),
      onTrial: (event) => countTrial(tally, event, log),
    });

    log(
      `worker: ${worker.threads} threads on queue ${worker.queue} at ` +
        `${maskRedisUrl(redisUrl)} (pid ${process.pid}); Ctrl-C to stop.`,
    );
    const ticker = setInterval(() => {
      log(
        `worker: ${worker.running()} running, ${tally.done} done, ` +
          `${tally.failed} failed, ${tally.retried} retried`,
      );
    }, 10_000);
    ticker.unref();

    return new Promise<number>((resolve, reject) => {
      let signals = 0;
      const onSignal = () => {
        signals += 1;
        if (signals > 2) {
          // Stuck handing results to a Redis that is away: leaving is
          // safe, the trials it held run again elsewhere.
          log('worker: exiting now.');
          process.exit(130);
        }
        if (signals === 1) {
          log(
            `worker: stopping after ${worker.running()} running trial(s); ` +
              'Ctrl-C again to hand them back to the queue now.',
          );
        } else {
          log(
            'worker: handing the running trials back to the queue ' +
              '(Ctrl-C again to exit at once).',
          );
        }
        const stopped = worker.stop(signals === 1 ? 'finish' : 'release');
        if (signals > 1) return;

        stopped.then(() => {
          clearInterval(ticker);
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          log(
            `worker: stopped; ${tally.done} done, ${tally.failed} failed, ` +
              `${tally.retried} retried.`,
          );
          resolve(0);
        }, reject);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  },
};

function countTrial(
  tally: { done: number; failed: number; retried: number },
  event: TrialEvent,
  log: (line: string) => void,
): void {
  if (event.outcome === 'retry') {
    tally.retried += 1;
    log(
      `worker: ${event.sweep} trial ${event.key} failed attempt ` +
        `${event.attempt}/${event.attempts}, retrying: ${event.error}`,
    );
    return;
  }

  tally[event.outcome] += 1;
}

function nonNegativeInteger(
  value: string | undefined,
  option: string,
): number | undefined {
  if (value === undefined) return undefined;

  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new OptionError(
      `${option} expects a non-negative integer, received "${value}"`,
      { location: option, hint: `For example ${option} 2.` },
    );
  }

  return parsed;
}
