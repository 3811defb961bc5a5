/**
 * Pages of trials for tables and exports. Column names come from the
 * caller, so each is checked against the columns of the `trials` view
 * before it is spliced into SQL; values are always bound.
 */
import type Database from 'better-sqlite3';
import { OptionError } from '../errors.js';
import type { TrialRow, TrialsPageOptions } from './types.js';

/** Heavy JSON columns left out of pages; `trial()` returns them parsed. */
const DETAIL_ONLY = new Set(['spec', 'result']);

/** The `trials` columns a page holds, in view order. */
export function pageColumns(db: Database.Database): string[] {
  const info = db.pragma('table_info(trials)') as { name: string }[];

  return info.map((column) => column.name)
    .filter((name) => !DETAIL_ONLY.has(name));
}

// LIMITATION: offset pages cost time proportional to the offset, and an
// order by a column without an index (all but key, step_ratio, outcome)
// sorts the whole sweep: ~40 ms per 40 000 trials. Keyset paging
// (`afterKey`) is offered for the key order only.
export function trialsPage(
  db: Database.Database,
  columns: readonly string[],
  sweepId: number,
  options: TrialsPageOptions,
): TrialRow[] {
  const orderBy = options.orderBy ?? 'key';
  const offset = options.offset ?? 0;
  checkCount('limit', options.limit);
  checkCount('offset', offset);
  checkColumn(columns, orderBy, 'orderBy');

  const conditions = ['sweep_id = ?'];
  const params: unknown[] = [sweepId];
  for (const [column, value] of Object.entries(options.where ?? {})) {
    if (value === undefined) continue;
    checkColumn(columns, column, `where.${column}`);
    checkValue(column, value);
    if (value === null) {
      conditions.push(`${column} IS NULL`);
    } else {
      conditions.push(`${column} = ?`);
      params.push(value);
    }
  }

  const direction = options.desc === true ? 'DESC' : 'ASC';
  if (options.afterKey !== undefined) {
    if (orderBy !== 'key') {
      throw new OptionError(
        `afterKey pages by key only, but orderBy is ${orderBy}.`,
        { location: 'afterKey', hint: 'Use offset with other orders.' },
      );
    }
    conditions.push(`key ${direction === 'ASC' ? '>' : '<'} ?`);
    params.push(options.afterKey);
  }

  const order = orderBy === 'key'
    ? `key ${direction}`
    : `${orderBy} ${direction}, key ${direction}`;

  return db.prepare(`
    SELECT ${columns.join(', ')} FROM trials
    WHERE ${conditions.join(' AND ')}
    ORDER BY ${order}
    LIMIT ? OFFSET ?`).all(...params, options.limit, offset) as TrialRow[];
}

function checkColumn(
  columns: readonly string[],
  name: string,
  field: string,
): void {
  if (columns.includes(name)) return;

  throw new OptionError(
    `${field}: ${JSON.stringify(name)} is not a column of trials.`,
    { location: field, hint: `Columns: ${columns.join(', ')}.` },
  );
}

function checkValue(column: string, value: unknown): void {
  const kind = typeof value;
  if (value === null || kind === 'string' || kind === 'bigint' ||
    (kind === 'number' && Number.isFinite(value))) {
    return;
  }

  throw new OptionError(
    `where.${column} must be a string, a finite number or null, got ` +
      `${String(value)}.`,
    { location: `where.${column}` },
  );
}

function checkCount(field: string, value: unknown): void {
  if (Number.isSafeInteger(value) && (value as number) >= 0) return;

  throw new OptionError(
    `${field} must be a non-negative integer, got ${String(value)}.`,
    { location: field },
  );
}
