import Database from 'better-sqlite3';

import { OptionError, StoreError } from '../../errors.js';
import { openReader } from '../../store/index.js';
import {
  formatHelp,
  parseCommand,
  requirePositional,
  type CommandHelp,
} from '../args.js';
import { defaultDbPath } from '../defaults.js';
import { formatNumber, formatTable } from '../format.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep query [--db <file>] [--json] "<SQL>"',
  summary:
    'Runs one read-only SQL statement against a sharpsweep database. The ' +
    'connection is read-only: statements that would write are refused. ' +
    'Query the view `trials` (one row per trial); see the README for columns.',
  options: [
    ['--db <file>', `SQLite database (default ${defaultDbPath})`],
    ['--json', 'print an array of row objects instead of a table'],
    ['-h, --help', 'show this help'],
  ],
  examples: [
    `sharpsweep query "SELECT outcome, count(*) AS n FROM trials GROUP BY outcome"`,
    `sharpsweep query --json "SELECT key, step_ratio, landing_ratio FROM trials WHERE outcome = 'escaped'"`,
  ],
};

export const queryCommand: Command = {
  summary: 'read-only SQL over the stored trials (table or JSON)',
  async run(argv) {
    const { values, positionals } = parseCommand('query', argv, {
      db: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const sql = requirePositional(positionals, 0, 'SQL statement', 'query');
    if (positionals.length > 1) {
      // Unquoted SQL arrives as many words (and `*` as file names).
      throw new OptionError(
        `expected the SQL as one argument, found ${positionals.length}`,
        {
          location: 'sharpsweep query',
          hint: 'Quote the statement: sharpsweep query "SELECT * FROM ' +
            'trials LIMIT 5"; run `sharpsweep query --help` for usage.',
        },
      );
    }
    const reader = openReader((values.db as string | undefined) ?? defaultDbPath);
    try {
      const rows = runQuery(reader, sql);
      if (values.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      }

      if (rows.length === 0) {
        process.stdout.write('(no rows)\n');
        return 0;
      }
      const headers = Object.keys(rows[0]);
      const cells = rows.map((row) =>
        headers.map((header) => formatNumber(row[header], 6)),
      );
      process.stdout.write(
        formatTable(headers, cells) + `\n(${rows.length} rows)\n`,
      );

      return 0;
    } finally {
      reader.close();
    }
  },
};

/**
 * A mistake in the SQL is bad input (exit 2), like a bad option; only
 * what goes wrong with the database itself (I/O, corruption, locks) is
 * a database problem (exit 3). SQLite says which by its error code.
 */
function runQuery(
  reader: ReturnType<typeof openReader>,
  sql: string,
): Record<string, unknown>[] {
  try {
    return reader.query(sql);
  } catch (error) {
    if (!(error instanceof StoreError) || !isSqlMistake(error.cause)) {
      throw error;
    }

    throw new OptionError(error.message, {
      location: 'query',
      hint: 'Query one statement against the view `trials`; list its ' +
        'columns with sharpsweep query "PRAGMA table_info(trials)".',
      cause: error,
    });
  }
}

function isSqlMistake(cause: unknown): boolean {
  // More than one statement: better-sqlite3 refuses before SQLite sees it.
  if (cause instanceof RangeError) return true;

  return cause instanceof Database.SqliteError &&
    (cause.code === 'SQLITE_ERROR' || cause.code === 'SQLITE_AUTH');
}
