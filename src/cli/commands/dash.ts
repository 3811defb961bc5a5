import { OptionError } from '../../errors.js';
import { formatHelp, parseCommand, type CommandHelp } from '../args.js';
import { defaultDbPath } from '../defaults.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep dash [--db <file>] [--sweep <name>]',
  summary:
    'Live terminal dashboard of the sweeps in a database: progress, the ' +
    'phase map of escapes against the step ratio, landing ratios, a ' +
    'sortable and filterable table of trials, and failures. Attaches ' +
    'read-only, so it can watch a run in another terminal; waits for the ' +
    'database if it does not exist yet. Press ? for keys, q to quit.',
  options: [
    ['--db <file>', `SQLite database (default ${defaultDbPath})`],
    ['--sweep <name>', 'select this sweep at start'],
    ['-h, --help', 'show this help'],
  ],
  examples: [
    'sharpsweep dash',
    'sharpsweep dash --db results.sqlite --sweep default',
  ],
};

export const dashCommand: Command = {
  summary: 'live terminal dashboard of a database (read-only)',
  async run(argv) {
    const { values, positionals } = parseCommand('dash', argv, {
      db: { type: 'string' },
      sweep: { type: 'string' },
    });
    const options = values as {
      help?: boolean;
      db?: string;
      sweep?: string;
    };
    if (options.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }
    if (positionals.length > 0) {
      throw new OptionError(`unexpected argument "${positionals[0]}"`, {
        location: 'sharpsweep dash',
        hint: 'Give the database with --db; run `sharpsweep dash --help`.',
      });
    }

    // Keys need a terminal in raw mode; a pipe cannot provide one.
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new OptionError('dash needs an interactive terminal', {
        location: 'sharpsweep dash',
        hint: 'Use `sharpsweep status` or `sharpsweep query` in scripts.',
      });
    }

    // Ink draws only the last frame when CI is set, and reads it once, on
    // load. On an interactive terminal that would be a blank dashboard.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    // React's development build is several times slower at every render.
    process.env.NODE_ENV ??= 'production';
    const { loadDashboard } = await import('../../dash/load.js');
    const { startDashboard } = await loadDashboard();

    const dashboard = startDashboard({
      dbPath: options.db ?? defaultDbPath,
      sweep: options.sweep,
    });
    await dashboard.waitUntilExit();
    return 0;
  },
};
