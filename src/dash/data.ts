/**
 * The dashboard's read-only view of a sharpsweep database. All of its SQL
 * lives here. The writer may be committing while we read (WAL): a read
 * never takes a write lock, statements are short, and each call is its
 * own snapshot, so the writer is never blocked and never fails.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

import {
  binParams,
  chooseColumns,
  columnOf,
  GROUP_LIMIT,
} from './ratio-columns.js';
import { TABLE_COLUMNS } from './filter.js';
import {
  PHASE_AXES,
  type FailureRow,
  type FilterTerm,
  type LandingData,
  type PhaseAxis,
  type PhaseCount,
  type PhaseData,
  type RatioExtremes,
  type RunInfo,
  type SweepInfo,
  type TableQuery,
  type TrialDetail,
  type TrialRow,
} from './types.js';
import { rowToDetail, type StoredRow } from './detail-row.js';

/** A reader waits at most this long on a lock (WAL readers rarely do). */
const BUSY_TIMEOUT_MS = 1000;

const TABLES = ['sweeps', 'runs', 'trial_results', 'trajectory'];

const ROW_COLUMNS = [
  'key', 'depth', 'width', 'family', 'direction', 'target_kind',
  'step_ratio', 'step_size', 'outcome', 'sharpness', 'escape_step',
  'predicted_escape_step', 'landing_ratio', 'final_sharpness',
];

function qualified(table: string): string {
  return ROW_COLUMNS.map((column) => `${table}.${column}`).join(', ');
}

type Params = Record<string, string | number | null>;

/**
 * Bin index of a ratio (see ratio-columns.ts): `nb` bins of width `bw`
 * from `blo` for ρ ≤ 1, then `na` bins of width `aw` from `alo`.
 */
const BIN_SQL = `CASE
  WHEN step_ratio IS NULL THEN NULL
  WHEN step_ratio <= 1
    THEN min(@nb - 1, max(0, CAST((step_ratio - @blo) / @bw AS INTEGER)))
  ELSE @nb + min(@na - 1, max(0, CAST((step_ratio - @alo) / @aw AS INTEGER)))
END`;

export type OpenResult =
  | { ok: true; db: DashDb }
  | { ok: false; waiting: string };

/**
 * Opens `path` read-only, or says why not yet: the file or its schema may
 * not exist when a run is just starting.
 */
export function openDashDb(path: string): OpenResult {
  if (!existsSync(path)) {
    return { ok: false, waiting: `no file ${path} yet` };
  }

  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('query_only = 1');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const names = db
      .prepare(
        `SELECT name FROM sqlite_master
         WHERE type = 'table' AND name IN (${TABLES.map(() => '?')})`,
      )
      .pluck()
      .all(...TABLES);
    if (names.length < TABLES.length) {
      db.close();
      return { ok: false, waiting: `no sharpsweep tables in ${path} yet` };
    }
  } catch (error) {
    db.close();
    throw error;
  }

  return { ok: true, db: new DashDb(db) };
}

export class DashDb {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly lastParams = new Map<string, Params>();

  constructor(private readonly db: Database.Database) {}

  close(): void {
    this.db.close();
  }

  sweeps(): SweepInfo[] {
    const rows = this.all(
      `SELECT s.id, s.name, s.total, s.done, s.failed,
              s.updated_at AS updatedAt,
              r.id AS runId, r.executor, r.status, r.workers, r.busy,
              r.completed, r.rate, r.started_at AS startedAt,
              r.heartbeat_at AS heartbeatAt, r.ended_at AS endedAt
       FROM sweeps s
       LEFT JOIN runs r
         ON r.id = (SELECT max(id) FROM runs WHERE sweep_id = s.id)
       ORDER BY s.id`,
    );

    return rows.map((row) => ({
      id: row.id as number,
      name: row.name as string,
      total: row.total as number,
      done: row.done as number,
      failed: row.failed as number,
      updatedAt: row.updatedAt as string,
      run: row.runId === null ? null : (pick(row) as unknown as RunInfo),
    }));
  }

  /**
   * Outcome counts per (axis value, ratio column), one snapshot.
   *
   * LIMITATION: this GROUP BY, like the two of `landing`, still visits
   * every trial of the sweep, though only in the covering indexes of
   * schema v2 (trial_results_phase, trial_results_landing): about half a
   * second at a million trials on a small machine, so on huge sweeps
   * these views trail the run (they run on their own thread and refresh
   * at most every three times their cost).
   */
  phase(sweep: number, axis: PhaseAxis, maxColumns: number): PhaseData {
    if (!PHASE_AXES.includes(axis)) {
      throw new RangeError(`unknown phase axis ${axis}`);
    }

    return this.db.transaction(() => {
      const columns = chooseColumns(
        this.distinctRatios(sweep, Math.max(maxColumns, GROUP_LIMIT) + 1),
        maxColumns,
        () => this.ratioExtremes(sweep),
      );
      const binned = columns.kind === 'binned';
      const bucket = binned ? BIN_SQL : 'step_ratio';
      const params = binned ? { sweep, ...binParams(columns) } : { sweep };
      const rows = this.all(
        `SELECT ${axis} AS value, ${bucket} AS bucket, outcome,
                count(*) AS count
         FROM trial_results WHERE sweep_id = @sweep
         GROUP BY 1, 2, 3`,
        params,
      );
      // "Left" as the run summary counts it (StoreReader.summaryByRatio):
      // passed δ (an escape step is stored), or escaped, or diverged. Of
      // the other outcomes, those that passed δ are counted apart.
      // LIMITATION: escape_step is in no index, so this reads the rows of
      // every stayed and unconverged trial (found through the outcome
      // index, in storage order); the query above reads only its index.
      const passed = this.all(
        `SELECT ${axis} AS value, ${bucket} AS bucket, outcome,
                count(*) AS count
         FROM trial_results INDEXED BY trial_results_outcome
         WHERE sweep_id = @sweep AND outcome IN ('stayed', 'unconverged')
           AND escape_step IS NOT NULL
         GROUP BY 1, 2, 3`,
        params,
      );
      const group = (row: Record<string, unknown>) =>
        JSON.stringify([row.value, row.bucket, row.outcome]);
      const passedBy = new Map(passed.map((row) => [group(row), row]));

      const column = columnOf(columns);
      const counts: PhaseCount[] = [];
      const add = (row: Record<string, unknown>, left: boolean,
        count: number) => {
        if (count === 0) return;
        counts.push({
          value: row.value as string | number | null,
          column: column(row.bucket as number | null),
          outcome: row.outcome as PhaseCount['outcome'],
          left,
          count,
        });
      };
      for (const row of rows) {
        const outcome = row.outcome as string;
        const gone = Number(passedBy.get(group(row))?.count ?? 0);
        const always = outcome === 'escaped' || outcome === 'diverged';
        add(row, always, (row.count as number) - gone);
        add(row, true, gone);
      }
      return { axis, columns, counts };
    })();
  }

  /**
   * The smallest `limit` distinct ratios, one index seek each: cheap
   * however many trials share a ratio.
   */
  private distinctRatios(sweep: number, limit: number): number[] {
    const values: number[] = [];
    let after = -Number.MAX_VALUE;

    while (values.length < limit) {
      const next = this.get(
        `SELECT step_ratio AS r FROM trial_results
         WHERE sweep_id = @sweep AND step_ratio > @after
         ORDER BY step_ratio LIMIT 1`,
        { sweep, after },
      );
      if (next === undefined) break;
      after = next.r as number;
      values.push(after);
    }

    return values;
  }

  private ratioExtremes(sweep: number): RatioExtremes {
    const seek = (where: string, order: 'ASC' | 'DESC') =>
      (this.get(
        `SELECT step_ratio AS r FROM trial_results
         WHERE sweep_id = @sweep AND ${where}
         ORDER BY step_ratio ${order} LIMIT 1`,
        { sweep },
      )?.r ?? null) as number | null;

    return {
      min: seek('step_ratio IS NOT NULL', 'ASC')!,
      max: seek('step_ratio IS NOT NULL', 'DESC')!,
      highestStable: seek('step_ratio <= 1', 'DESC'),
      lowestUnstable: seek('step_ratio > 1', 'ASC'),
    };
  }

  /** Escaped trials binned by step ratio and landing ratio. */
  landing(sweep: number, xBins: number, yBins: number): LandingData {
    // Outcomes are bound, not literal: with a literal SQLite prefers the
    // primary key over the (sweep_id, outcome) index.
    const where =
      'sweep_id = @sweep AND outcome = @outcome ' +
      'AND landing_ratio IS NOT NULL AND step_ratio IS NOT NULL';
    const outcome = 'escaped';

    return this.db.transaction(() => {
      const summary = this.get(
        `SELECT count(*) AS n, coalesce(sum(landing_ratio > 1), 0) AS above,
                min(step_ratio) AS rlo, max(step_ratio) AS rhi,
                min(landing_ratio) AS llo, max(landing_ratio) AS lhi
         FROM trial_results WHERE ${where}`,
        { sweep, outcome },
      )!;
      const count = summary.n as number;
      // Both lines at 1 stay on the chart: they are what the eye checks.
      const ratioRange = widen(summary.rlo, summary.rhi);
      const landingRange = widen(summary.llo, summary.lhi);
      if (count === 0) {
        return { count, above: 0, ratioRange, landingRange, cells: [] };
      }

      const cells = this.all(
        `SELECT min(@nx - 1, CAST((step_ratio - @rlo) / @rw AS INTEGER)) AS x,
                min(@ny - 1, CAST((landing_ratio - @llo) / @lw AS INTEGER))
                  AS y,
                count(*) AS count
         FROM trial_results WHERE ${where}
         GROUP BY 1, 2`,
        {
          sweep,
          outcome,
          nx: xBins,
          ny: yBins,
          rlo: ratioRange[0],
          rw: (ratioRange[1] - ratioRange[0]) / xBins,
          llo: landingRange[0],
          lw: (landingRange[1] - landingRange[0]) / yBins,
        },
      );
      return {
        count,
        above: summary.above as number,
        ratioRange,
        landingRange,
        cells: cells as LandingData['cells'],
      };
    })();
  }

  /**
   * One page of the results table; only that page is read.
   *
   * LIMITATION: OFFSET paging. In key, ratio or outcome order the offset
   * is walked in an index (fast), but a page deep into an order no index
   * serves (λmax, escape step, …) costs a scan of the sweep, about a
   * second at a million trials; keyset paging would make every page cheap
   * at the price of page numbers.
   */
  trials(sweep: number, query: TableQuery): TrialRow[] {
    const sort = sortColumn(query.sort);
    const direction = query.descending ? 'DESC' : 'ASC';
    const filter = filterSql(query.filters);

    const order = (table: string) =>
      `${table}${sort} ${direction}, ${table}key ${direction}`;

    // Keys first, rows second: the page is found in an index where one
    // exists, and only the visible rows are read from the table. CROSS
    // JOIN keeps SQLite from turning the plan inside out.
    return this.all(
      `SELECT ${qualified('t')} FROM (
         SELECT key, ${sort} FROM trial_results
         WHERE sweep_id = @sweep${filter.sql}
         ORDER BY ${order('')} LIMIT @limit OFFSET @offset) k
       CROSS JOIN trial_results t ON t.sweep_id = @sweep AND t.key = k.key
       ORDER BY ${order('k.')}`,
      {
        sweep,
        ...filter.params,
        limit: query.limit,
        offset: query.offset,
      },
    ) as unknown as TrialRow[];
  }

  /**
   * Rows matching a filter. LIMITATION: only an `outcome` filter is
   * counted in an index; any other column costs a scan of the sweep.
   */
  count(sweep: number, filters: FilterTerm[]): number {
    const filter = filterSql(filters);
    const row = this.get(
      `SELECT count(*) AS n FROM trial_results
       WHERE sweep_id = @sweep${filter.sql}`,
      { sweep, ...filter.params },
    );

    return row?.n as number;
  }

  trial(sweep: number, key: string): TrialDetail | null {
    const row = this.get(
      `SELECT * FROM trial_results WHERE sweep_id = @sweep AND key = @key`,
      { sweep, key },
    );
    if (row === undefined) return null;

    const trajectory = this.all(
      `SELECT step, loss, distance FROM trajectory
       WHERE sweep_id = @sweep AND key = @key ORDER BY step`,
      { sweep, key },
    );
    return rowToDetail(row as unknown as StoredRow, trajectory);
  }

  failures(sweep: number, offset: number, limit: number): FailureRow[] {
    return this.all(
      `SELECT t.key, t.depth, t.width, t.family, t.direction,
              t.step_ratio, t.error
       FROM (
         SELECT key FROM trial_results
         WHERE sweep_id = @sweep AND outcome = @outcome
         ORDER BY key LIMIT @limit OFFSET @offset) k
       CROSS JOIN trial_results t ON t.sweep_id = @sweep AND t.key = k.key
       ORDER BY k.key`,
      { sweep, outcome: 'failed', limit, offset },
    ) as unknown as FailureRow[];
  }

  /**
   * The plan of every statement run so far, with the values it last ran
   * with: how tests check that no query scans the whole table.
   */
  queryPlans(): Array<{ sql: string; plan: string[] }> {
    return [...this.lastParams].map(([sql, params]) => ({
      sql,
      plan: this.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((row) => (row as { detail: string }).detail),
    }));
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }

    return statement;
  }

  private all(sql: string, params: Params = {}): Params[] {
    this.lastParams.set(sql, params);
    return this.statement(sql).all(params) as Params[];
  }

  private get(sql: string, params: Params = {}): Params | undefined {
    this.lastParams.set(sql, params);
    return this.statement(sql).get(params) as Params | undefined;
  }
}

/** SQL for the filter terms; column names come from a fixed list. */
export function filterSql(terms: FilterTerm[]): {
  sql: string;
  params: Params;
} {
  const clauses: string[] = [];
  const params: Params = {};

  terms.forEach((term, t) => {
    if (TABLE_COLUMNS[term.column] === undefined) {
      throw new RangeError(`unknown filter column ${term.column}`);
    }
    const column = term.column;
    const names = term.values
      .map((value, v) => {
        const name = `f${t}_${v}`;
        // A key is matched by prefix: nobody types a whole hash.
        params[name] = column === 'key' ? `${value}*` : value;
        return value === null ? null : `@${name}`;
      })
      .filter((name): name is string => name !== null);
    const hasNull = term.values.includes(null);
    const list = names.join(', ');

    if (term.op === '=') {
      const parts = column === 'key'
        ? names.map((name) => `key GLOB ${name}`)
        : names.length > 0 ? [`${column} IN (${list})`] : [];
      if (hasNull) parts.push(`${column} IS NULL`);
      clauses.push(`(${parts.join(' OR ')})`);
    } else if (term.op === '!=') {
      const parts = column === 'key'
        ? names.map((name) => `key NOT GLOB ${name}`)
        : names.length > 0 ? [`${column} NOT IN (${list})`] : [];
      clauses.push(hasNull
        ? `(${[`${column} IS NOT NULL`, ...parts].join(' AND ')})`
        : `(${column} IS NULL OR ${parts.join(' AND ')})`);
    } else {
      clauses.push(`${column} ${term.op} ${names[0]}`);
    }
  });

  const sql = clauses.map((clause) => ` AND ${clause}`).join('');
  return { sql, params };
}

function sortColumn(name: string): string {
  if (TABLE_COLUMNS[name] === undefined) {
    throw new RangeError(`unknown sort column ${name}`);
  }

  return name;
}

function pick(row: Params): Record<string, unknown> {
  return {
    id: row.runId,
    executor: row.executor,
    status: row.status,
    workers: row.workers,
    busy: row.busy,
    completed: row.completed,
    rate: row.rate,
    startedAt: row.startedAt,
    heartbeatAt: row.heartbeatAt,
    endedAt: row.endedAt,
  };
}

/** A range that contains `lo`, `hi` and 1, and is never empty. */
function widen(
  lo: string | number | null,
  hi: string | number | null,
): [number, number] {
  const low = Math.min(typeof lo === 'number' ? lo : 1, 1);
  const high = Math.max(typeof hi === 'number' ? hi : 1, 1);
  const pad = high > low ? 0 : 0.05;

  return [low - pad, high + pad];
}
