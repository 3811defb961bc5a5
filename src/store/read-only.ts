/**
 * Deciding whether a user's SQL may run on a reader. SQLite's own verdict
 * (`stmt.readonly`) lets through statements that change the connection
 * rather than the file — ATTACH, BEGIN, `PRAGMA busy_timeout = 0` — and a
 * reader that holds a transaction open or stops waiting for locks would
 * break the promise that readers never disturb the writer.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

/** Pragmas that only report; the first group may take an argument. */
const INSPECTING_PRAGMAS = new Set([
  'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info',
  'index_xinfo', 'foreign_key_list', 'integrity_check', 'quick_check',
  'foreign_key_check',
]);
const REPORTING_PRAGMAS = new Set([
  'user_version', 'schema_version', 'application_id', 'compile_options',
  'database_list', 'collation_list', 'function_list', 'module_list',
  'pragma_list', 'page_count', 'page_size', 'freelist_count', 'encoding',
  'data_version', 'query_only',
]);

/** Prepares `sql`, refusing anything but a query that only reads. */
export function prepareQuery(
  db: Database.Database,
  sql: string,
): Database.Statement {
  let statement: Database.Statement;
  try {
    statement = db.prepare(sql);
  } catch (cause) {
    throw new StoreError('STORE', `SQL error: ${(cause as Error).message}`, {
      location: 'query',
      hint: 'Query one statement against the view `trials` (see the ' +
        'README for its columns).',
      cause,
    });
  }

  const refusal = refusalReason(sql, statement);
  if (refusal !== null) {
    throw new StoreError(
      'READ_ONLY',
      `query is read-only: this statement ${refusal}, so it was not run.`,
      {
        location: 'query',
        hint: 'Use SELECT (or WITH … SELECT); results are written by ' +
          '`sharpsweep run` only.',
      },
    );
  }

  return statement;
}

function refusalReason(
  sql: string,
  statement: Database.Statement,
): string | null {
  if (!statement.readonly) return 'would change the database';
  if (!statement.reader) {
    return 'returns no rows (transactions, ATTACH and settings are not ' +
      'queries)';
  }

  const words = stripComments(sql).trim();
  if (!/^pragma\b/i.test(words)) return null;

  return pragmaRefusal(words);
}

function pragmaRefusal(text: string): string | null {
  const match = /^pragma\s+(?:[\w"`[\]]+\s*\.\s*)?["`[]?(\w+)["`\]]?\s*(.*)$/is
    .exec(text);
  if (match === null) return 'is a PRAGMA this check cannot read';

  const name = match[1].toLowerCase();
  const rest = match[2].replace(/;\s*$/, '').trim();
  if (rest.startsWith('=')) return `sets PRAGMA ${name}`;
  if (rest === '' &&
    (REPORTING_PRAGMAS.has(name) || INSPECTING_PRAGMAS.has(name))) {
    return null;
  }
  if (rest.startsWith('(') && INSPECTING_PRAGMAS.has(name)) return null;

  return `uses PRAGMA ${name}, which is not an inspecting pragma`;
}

/** Blanks out comments, leaving quoted text untouched. */
function stripComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const pair = sql.slice(i, i + 2);
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const end = sql.indexOf(close, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (pair === '--') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      out += ' ';
    } else if (pair === '/*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i += 1;
    }
  }

  return out;
}
