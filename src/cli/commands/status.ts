import { OptionError } from '../../errors.js';
import { openReader, type RunSummary } from '../../store/index.js';
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { defaultDbPath } from '../defaults.js';
import { formatPercent, formatTable } from '../format.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep status [--db <file>] [--json]',
  summary:
    'Shows every sweep in a database: progress, failures, outcome counts ' +
    'and the state of its latest run. Opens the database read-only.',
  options: [
    ['--db <file>', `SQLite database (default ${defaultDbPath})`],
    ['--json', 'print the summaries as JSON'],
    ['-h, --help', 'show this help'],
  ],
};

/**
 * A run killed without warning (SIGKILL, power loss) cannot mark itself
 * ended; a silent heartbeat tells it apart from a live one.
 */
function runState(run: RunSummary | null): string {
  if (!run) {
    return '—';
  }
  const silentMs = Date.now() - Date.parse(run.heartbeatAt);
  if (run.status === 'running' && silentMs > 10_000) {
    return 'stale (process gone?)';
  }

  return run.status;
}

export const statusCommand: Command = {
  summary: 'progress of every sweep in a database',
  async run(argv) {
    const { values, positionals } = parseCommand('status', argv, {
      db: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }
    if (positionals.length > 0) {
      // `status results.sqlite` would silently read the default database.
      throw new OptionError(`unexpected argument "${positionals[0]}"`, {
        location: 'sharpsweep status',
        hint: 'Choose the database with --db <file>; run ' +
          '`sharpsweep status --help` for usage.',
      });
    }

    const reader = openReader((values.db as string | undefined) ?? defaultDbPath);
    try {
      const sweeps = reader.listSweeps();
      if (values.json) {
        process.stdout.write(JSON.stringify(sweeps, null, 2) + '\n');
        return 0;
      }
      if (sweeps.length === 0) {
        process.stdout.write('No sweeps in this database yet.\n');
        return 0;
      }

      let beyondPlan = false;
      const rows = sweeps.map((sweep) => {
        const outcomes = Object.entries(sweep.outcomes ?? {})
          .map(([outcome, count]) => `${outcome} ${count}`)
          .join(', ');
        // Databases written before a shrunk definition was refused can
        // hold more trials than the plan: never show more than 100 %.
        const extra = Math.max(0, sweep.done - sweep.total);
        beyondPlan ||= extra > 0;
        return [
          sweep.name,
          extra > 0
            ? `${sweep.total}/${sweep.total} +${extra}`
            : `${sweep.done}/${sweep.total}`,
          formatPercent(
            sweep.total > 0 ? Math.min(sweep.done, sweep.total) / sweep.total : 1,
          ),
          String(sweep.failed),
          runState(sweep.latestRun),
          outcomes || '—',
        ];
      });
      process.stdout.write(
        formatTable(
          ['sweep', 'done', '%', 'failed', 'last run', 'outcomes'],
          rows,
        ) +
          '\n' +
          (beyondPlan
            ? '+N: trials stored beyond the plan, from an earlier definition ' +
              'of the sweep (kept; progress is capped at 100 %).\n'
            : ''),
      );

      return 0;
    } finally {
      reader.close();
    }
  },
};
