import { resolve } from 'node:path';

import { OptionError } from '../../errors.js';
import { loadSweepFile } from '../../plan/index.js';
import { defaultWorkerCount, runLocal } from '../../run/local.js';
import type { RunProgress } from '../../run/progress.js';
import { openWriter } from '../../store/index.js';
import {
  formatHelp,
  parseCommand,
  positiveInteger,
  workerCount,
  requirePositional,
  type CommandHelp,
} from '../args.js';
import { EXIT_PIPE_CLOSED, STDOUT_CLOSED } from '../stdout.js';
import { defaultDbPath } from '../defaults.js';
import { formatDuration, formatPercent } from '../format.js';
import { printSummary } from '../summary.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep run <sweep.yaml> [--db <file>] [--workers <n>] [--no-tui]',
  summary:
    'Runs a sweep, or resumes it: trials already stored are skipped. Exits 0 ' +
    'when every trial of the sweep has a stored result (failed trials ' +
    'included, with their error).',
  options: [
    ['--db <file>', `SQLite database (default ${defaultDbPath})`],
    ['--workers <n>', `worker threads (default: one per core, here ${defaultWorkerCount()})`],
    ['--no-tui', 'plain progress lines instead of the dashboard'],
    ['--timeout <ms>', 'stop a trial after this long and store it as failed'],
    ['--worker-memory <mb>', 'heap limit of each worker thread'],
    ['--redis <url>', 'coordinate a distributed run through Redis (see `sharpsweep worker`)'],
    ['--queue <name>', 'queue name for --redis (default: shared by all sweeps)'],
    ['--attempts <n>', 'with --redis: runs of a throwing trial before it is stored as failed (default 2)'],
    ['--yes', 'run even when the estimate says the sweep takes over a day'],
    ['-h, --help', 'show this help'],
  ],
  examples: [
    'sharpsweep run sweeps/default.yaml',
    'sharpsweep run sweeps/default.yaml --db results.sqlite --workers 2 --no-tui',
  ],
};

export const runCommand: Command = {
  summary: 'run or resume a sweep, storing every trial in SQLite',
  async run(argv) {
    const { values, positionals } = parseCommand('run', argv, {
      db: { type: 'string' },
      workers: { type: 'string' },
      'no-tui': { type: 'boolean' },
      tui: { type: 'boolean' },
      timeout: { type: 'string' },
      'worker-memory': { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      redis: { type: 'string' },
      queue: { type: 'string' },
      attempts: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    // Validate everything before the database is touched: a bad sweep
    // file or option must leave nothing behind.
    const file = requirePositional(positionals, 0, 'sweep file', 'run');
    if (positionals.length > 1) {
      throw new OptionError(`unexpected argument "${positionals[1]}"`, {
        location: 'sharpsweep run',
        hint: 'Give one sweep file; run `sharpsweep run --help` for usage.',
      });
    }
    const workers =
      workerCount(values.workers as string | undefined) ??
      defaultWorkerCount();
    const trialTimeoutMs = positiveInteger(
      values.timeout as string | undefined,
      '--timeout',
      '60000 (milliseconds)',
    );
    const workerMemoryMb = positiveInteger(
      values['worker-memory'] as string | undefined,
      '--worker-memory',
      '512 (MB)',
    );
    const attempts = positiveInteger(
      values.attempts as string | undefined,
      '--attempts',
    );
    const redisUrl = values.redis as string | undefined;
    refuseMisplacedOptions(values, redisUrl !== undefined);
    const plan = loadSweepFile(file);
    const dbPath = (values.db as string | undefined) ?? defaultDbPath;
    if (!values.yes) {
      refuseHugeSweeps(plan, workers, file);
    }
    if (redisUrl) {
      // An unreachable Redis is reported before the database is created.
      const { parseRedisUrl, probeRedis } = await import(
        '../../run/distributed/index.js'
      );
      await probeRedis(parseRedisUrl(redisUrl));
    }

    const writer = openWriter(dbPath);
    const sweepId = writer.registerSweep({
      name: plan.name,
      file,
      definition: plan.definition,
      total: plan.count,
      keys: () => keysOf(plan),
    });

    const controller = new AbortController();
    const forceStop = () => {
      // Everything finished is committed or in the buffer; the flush is one
      // transaction, so stopping here cannot corrupt the file.
      try {
        writer.close();
      } finally {
        process.exit(130);
      }
    };
    let dashboard: Awaited<ReturnType<typeof openDashboard>> | undefined;
    let interrupts = 0;
    const onSignal = () => {
      interrupts += 1;
      if (interrupts > 1) {
        forceStop();
      }
      if (!dashboard) {
        process.stderr.write(
          '\nStopping: waiting for trials in flight (Ctrl-C again to stop ' +
            'now; finished trials are kept either way).\n',
        );
      }
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Nobody reads the progress any more: stop as for Ctrl-C, keep what is
    // finished, and say so in the exit code.
    let stdoutClosed = false;
    const onStdoutClosed = () => {
      stdoutClosed = true;
      controller.abort();
    };
    process.on(STDOUT_CLOSED, onStdoutClosed);

    const useTui =
      !values['no-tui'] && process.stdout.isTTY && process.stdin.isTTY;
    // The workers start computing while the dashboard loads: Ink and React
    // take a few hundred milliseconds to import, which the run need not wait
    // for.
    const opening = useTui
      ? openDashboard(dbPath, plan.name, () => controller.abort(), forceStop)
      : undefined;
    let printer = opening ? undefined : new ProgressPrinter(plan.name);
    void opening?.then((opened) => {
      dashboard = opened;
    }, (error: unknown) => {
      // The run goes on without it, with plain progress lines.
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`The dashboard could not start: ${reason}\n`);
      printer = new ProgressPrinter(plan.name);
    });

    try {
      const onProgress = (progress: RunProgress) => {
        printer?.update(progress);
        dashboard?.feed.set(progress);
      };
      const work = redisUrl
        ? (await import('../../run/distributed/index.js')).runDistributed(
            plan,
            sweepId,
            writer,
            {
              redisUrl,
              queue: values.queue as string | undefined,
              attempts,
              database: resolve(dbPath),
              signal: controller.signal,
              onProgress,
              onNotice: (message) => {
                if (!opening) process.stderr.write(`${message}\n`);
              },
            },
          )
        : runLocal(plan, sweepId, writer, {
            workers,
            signal: controller.signal,
            trialTimeoutMs,
            workerMemoryMb,
            onProgress,
          });
      // A run that fails must not leave the terminal in the dashboard.
      const report = await work.catch(async (error: unknown) => {
        const opened = await opening?.catch(() => undefined);
        opened?.unmount();
        await opened?.waitUntilExit();
        throw error;
      });
      writer.close();
      const opened = await opening?.catch(() => undefined);
      if (opened) {
        opened.feed.set(report.progress);
        // No pause: the final frame is left on the terminal instead, as
        // its last output before the summary.
        await opened.finish();
      } else {
        new ProgressPrinter(plan.name).finish(report.progress);
      }

      if (report.status === 'stopped') {
        process.stderr.write(
          `Stopped with ${report.progress.done}/${report.progress.total} ` +
            'trials stored; run the same command again to resume.\n',
        );
        return stdoutClosed ? EXIT_PIPE_CLOSED : 130;
      }
      if (stdoutClosed) return EXIT_PIPE_CLOSED;

      printSummary(dbPath, plan.name);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off(STDOUT_CLOSED, onStdoutClosed);
    }
  },
};

async function openDashboard(
  dbPath: string,
  sweep: string,
  onStop: () => void,
  onForceStop: () => void,
) {
  // Ink draws nothing when CI is set; here a person is watching a terminal.
  delete process.env.CI;
  // React's development build checks and warns at every render, several
  // times slower; it is for developing components, not for watching runs.
  process.env.NODE_ENV ??= 'production';
  // Loaded only on a terminal: plain runs do not pay for Ink and React.
  const { loadDashboard } = await import('../../dash/load.js');
  const [{ startDashboard }, { ProgressFeed }] = await Promise.all([
    loadDashboard(),
    import('../../dash/feed.js'),
  ]);
  const feed = new ProgressFeed(sweep);

  return { feed, ...startDashboard({ dbPath, sweep, onStop, onForceStop, feed }) };
}

/**
 * Options that only one executor reads: silently ignoring them would let a
 * user believe a limit or a thread count applies when it does not.
 */
function refuseMisplacedOptions(
  values: Record<string, string | boolean | undefined>,
  distributed: boolean,
): void {
  const misplaced = distributed
    ? ['workers', 'timeout', 'worker-memory'].filter((name) => values[name])
    : ['queue', 'attempts'].filter((name) => values[name]);
  if (misplaced.length === 0) {
    return;
  }

  const flags = misplaced.map((name) => `--${name}`).join(', ');
  throw new OptionError(
    distributed
      ? `${flags} apply to the worker processes, not to the coordinator`
      : `${flags} only apply to a distributed run (--redis)`,
    {
      location: 'sharpsweep run',
      hint: distributed
        ? 'Give them to `sharpsweep worker` on each machine instead.'
        : 'Add --redis <url>, or drop them for a local run.',
    },
  );
}

/**
 * Even at an optimistic 1 GFLOP/s per worker, some grids take days; those
 * need an explicit --yes so that a typo in a range does not start them.
 */
function refuseHugeSweeps(
  plan: ReturnType<typeof loadSweepFile>,
  workers: number,
  file: string,
): void {
  const estimate = plan.estimate();
  // Small trials are bound by per-step overhead, not flops: take the
  // larger of 1 GFLOP/s and 1 µs per step, both optimistic.
  const seconds =
    Math.max(estimate.flops / 1e9, estimate.gdSteps * 1e-6) / workers;
  if (seconds <= 86_400) {
    return;
  }

  throw new OptionError(
    `sweep "${plan.name}" has ${plan.count.toLocaleString('en-US')} trials ` +
      `and up to ${estimate.gdSteps.toLocaleString('en-US')} GD steps: ` +
      `at least ${formatDuration(seconds)} on ${workers} worker(s)`,
    {
      location: file,
      hint:
        'Shrink the grid (see `sharpsweep plan`), or add --yes to run it ' +
        'anyway; it can be stopped and resumed at any time.',
    },
  );
}

/** Plain progress lines: a few per minute, plus one at the end. */
class ProgressPrinter {
  private lastPrinted = 0;

  constructor(private readonly sweep: string) {}

  update(progress: RunProgress): void {
    const now = Date.now();
    const interval = process.stdout.isTTY ? 1_000 : 2_000;
    if (now - this.lastPrinted < interval) {
      return;
    }
    this.lastPrinted = now;
    process.stdout.write(this.line(progress) + '\n');
  }

  finish(progress: RunProgress): void {
    process.stdout.write(this.line(progress) + '\n');
  }

  private line(p: RunProgress): string {
    const fraction = p.total > 0 ? p.done / p.total : 1;
    const rate = p.rate === null ? '—' : p.rate.toFixed(1);

    return (
      `[${this.sweep}] ${p.done}/${p.total} (${formatPercent(fraction)})` +
      `  failed ${p.failed}  ${rate} trials/s` +
      `  busy ${p.busy}/${p.workers}` +
      `  elapsed ${formatDuration(p.elapsedMs / 1000)}` +
      `  ETA ${p.done >= p.total ? '0s' : formatDuration(p.etaSeconds)}`
    );
  }
}

function* keysOf(plan: { trials(): Iterable<{ key: string }> }) {
  for (const trial of plan.trials()) yield trial.key;
}
