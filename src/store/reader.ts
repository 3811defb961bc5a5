/**
 * Read-only access for the dashboard, `query`, exports and plots. Every
 * call runs to completion before it returns, so no reader keeps a snapshot
 * open that would stop the writer's checkpoints.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { TrialSpec } from '../escape/spec.js';
import { openReadConnection } from './connection.js';
import type { ConnectionOptions } from './connection.js';
import { pageColumns, trialsPage } from './paging.js';
import { outcomesByRatio } from './phase.js';
import { prepareQuery } from './read-only.js';
import { summaryByRatio, type BucketSummary } from './ratio-summary.js';
import { READER_SQL, toRun, type RunRow } from './reader-sql.js';
import { STORED_OUTCOMES } from './types.js';
import type {
  PhaseAxis,
  PhaseMap,
  StoredOutcome,
  StoredSample,
  SweepDetail,
  SweepSummary,
  TrialDetail,
  TrialRow,
  TrialsPageOptions,
} from './types.js';

export interface StoreReader {
  listSweeps(): SweepSummary[];
  getSweep(name: string): SweepDetail | undefined;
  /** Runs one read-only statement; anything else is StoreError READ_ONLY. */
  query(sql: string, params?: unknown[]): Record<string, unknown>[];
  outcomesByRatio(
    sweepId: number,
    axis: PhaseAxis,
    buckets: number[],
  ): PhaseMap;
  trials(sweepId: number, options: TrialsPageOptions): TrialRow[];
  trial(sweepId: number, key: string): TrialDetail | undefined;
  /** The sweep's trials by step ratio against linear stability. */
  summaryByRatio(sweepId: number): BucketSummary[];
  close(): void;
}

export function openReader(
  path: string,
  options: ConnectionOptions = {},
): StoreReader {
  return new SqliteReader(openReadConnection(path, options));
}

interface SweepRow {
  id: number;
  name: string;
  file: string | null;
  definition: string;
  total: number;
  done: number;
  failed: number;
  created_at: string;
  updated_at: string;
}

class SqliteReader implements StoreReader {
  private readonly columns: string[];

  constructor(private readonly db: Database.Database) {
    this.columns = pageColumns(db);
  }

  listSweeps(): SweepSummary[] {
    return this.snapshot(READER_SQL.allSweeps, [])
      .map(([, summary]) => summary);
  }

  getSweep(name: string): SweepDetail | undefined {
    const [entry] = this.snapshot(READER_SQL.sweepByName, [name]);
    if (entry === undefined) return undefined;

    const [row, summary] = entry;

    return { ...summary, definition: JSON.parse(row.definition) };
  }

  /**
   * Rows of a read-only statement, keyed by column name in column order.
   * A name that repeats (`SELECT a.x, b.x …`) gets `:2`, `:3`… appended
   * instead of overwriting the earlier column.
   */
  query(sql: string, params: unknown[] = []): Record<string, unknown>[] {
    const statement = prepareQuery(this.db, sql);
    try {
      const names = uniqueNames(statement.columns().map((c) => c.name));
      const rows = statement.raw(true).all(...params) as unknown[][];

      return rows.map((row) => {
        const out: Record<string, unknown> = {};
        names.forEach((name, i) => {
          out[name] = row[i];
        });

        return out;
      });
    } catch (cause) {
      throw new StoreError('STORE', `Query failed: ${(cause as Error).message}`,
        {
          location: 'query',
          hint: 'SQLite accepted the statement but failed running it: ' +
            'check its functions and their arguments (and the bound ' +
            'parameters, if any).',
          cause,
        });
    }
  }

  outcomesByRatio(
    sweepId: number,
    axis: PhaseAxis,
    buckets: number[],
  ): PhaseMap {
    return outcomesByRatio(this.db, sweepId, axis, buckets);
  }

  trials(sweepId: number, options: TrialsPageOptions): TrialRow[] {
    return trialsPage(this.db, this.columns, sweepId, options);
  }

  trial(sweepId: number, key: string): TrialDetail | undefined {
    const read = this.db.transaction(() => {
      const row = this.db.prepare(READER_SQL.trial).get(sweepId, key) as
        | (TrialRow & { spec: string; result: string | null })
        | undefined;
      if (row === undefined) return undefined;

      const trajectory = this.db.prepare(READER_SQL.trajectory)
        .all(sweepId, key) as StoredSample[];

      return {
        ...row,
        spec: JSON.parse(row.spec) as TrialSpec,
        result: row.result === null ? null : JSON.parse(row.result),
        trajectory,
      };
    });

    return read();
  }

  summaryByRatio(sweepId: number): BucketSummary[] {
    return summaryByRatio(this.db, sweepId);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Sweeps with their outcome counts and latest run, read in one
   * transaction so the counts agree with `done` and `failed`.
   */
  private snapshot(
    sweepSql: string,
    params: unknown[],
  ): [SweepRow, SweepSummary][] {
    const read = this.db.transaction(() => {
      const sweeps = this.db.prepare(sweepSql).all(...params) as
        SweepRow[];
      const counts = this.db.prepare(READER_SQL.outcomeCounts).all() as
        { sweep_id: number; outcome: StoredOutcome; n: number }[];
      const runs = this.db.prepare(READER_SQL.latestRuns).all() as
        RunRow[];

      return sweeps.map((sweep): [SweepRow, SweepSummary] =>
        [sweep, summarise(sweep, counts, runs)]);
    });

    return read();
  }
}

function summarise(
  sweep: SweepRow,
  counts: { sweep_id: number; outcome: StoredOutcome; n: number }[],
  runs: RunRow[],
): SweepSummary {
  const outcomes = Object.fromEntries(
    STORED_OUTCOMES.map((outcome) => [outcome, 0]),
  ) as Record<StoredOutcome, number>;
  for (const count of counts) {
    if (count.sweep_id === sweep.id) outcomes[count.outcome] = count.n;
  }
  const run = runs.find((candidate) => candidate.sweep_id === sweep.id);

  return {
    id: sweep.id,
    name: sweep.name,
    file: sweep.file,
    total: sweep.total,
    done: sweep.done,
    failed: sweep.failed,
    outcomes,
    createdAt: sweep.created_at,
    updatedAt: sweep.updated_at,
    latestRun: run === undefined ? null : toRun(run),
  };
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();

  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);

    return count === 1 ? name : `${name}:${count}`;
  });
}
