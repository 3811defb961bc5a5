/**
 * The one writer of a database: trials are buffered and stored in batches,
 * one transaction each, so the sweep counters always match the rows.
 */
import type Database from 'better-sqlite3';
import { OptionError, StoreError, SweepValidationError } from '../errors.js';
import { openWriteConnection } from './connection.js';
import type { MigrationReport } from './migrate.js';
import { sampleValues, trialValues } from './rows.js';
import type { PreparedTrial, SampleValues, TrialValues } from './rows.js';
import {
  checkBeat,
  checkEndStatus,
  checkRegistration,
  checkRun,
  closedWriter,
  unknownRun,
  unknownSweep,
} from './writer-checks.js';
import { WRITER_SQL } from './writer-sql.js';
import type {
  ResultWriter,
  StoredTrial,
  SweepRegistration,
  WriterOptions,
} from './types.js';

// Trial ids are hashes, so each row lands on a random page of the key
// index: bigger transactions dirty fewer pages per row (1,024 rows cost
// about 30 % less CPU per row than 256).
const DEFAULT_BATCH_SIZE = 1024;

/** Opens (creating and migrating if needed) the database for writing. */
export function openWriter(
  path: string,
  options: WriterOptions = {},
): ResultWriter {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new OptionError(
      `batchSize must be a positive integer, got ${batchSize}.`,
      { location: 'batchSize', hint: `Omit it for ${DEFAULT_BATCH_SIZE}.` },
    );
  }

  const { db, migration } = openWriteConnection(path, options);

  return new SqliteWriter(db, path, batchSize, migration);
}

interface Pending {
  values: TrialValues;
  samples: SampleValues[];
}

type Statements = { [K in keyof typeof WRITER_SQL]: Database.Statement };

// LIMITATION: "one writer per database" is a convention, not a lock. A
// second writer keeps the data correct (IMMEDIATE batches, conflicts on
// the key ignored, counters moved with the rows) but recomputes the trials
// the other has buffered, wasting the user's compute.
class SqliteWriter implements ResultWriter {
  private readonly sql: Statements;
  private readonly pending = new Map<string, Pending>();
  private readonly knownSweeps = new Set<number>();
  private readonly storeBatch: Database.Transaction<
    (batch: Pending[]) => number
  >;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly batchSize: number,
    readonly migration: MigrationReport,
  ) {
    const entries = Object.entries(WRITER_SQL)
      .map(([name, text]) => [name, db.prepare(text)]);
    this.sql = Object.fromEntries(entries) as Statements;
    this.storeBatch = db.transaction((batch) => this.insert(batch));
  }

  registerSweep(sweep: SweepRegistration): number {
    this.assertOpen();
    const definition = checkRegistration(sweep);

    // One IMMEDIATE transaction: no other writer stores a trial between
    // the check and the new definition.
    const register = this.db.transaction(() => {
      const stored = this.sql.storedSweep.get(sweep.name) as
        | { id: number; definition: string }
        | undefined;
      if (stored !== undefined && stored.definition !== definition) {
        this.checkRedefinition(stored.id, sweep);
      }

      return this.sql.upsertSweep.pluck().get({
        name: sweep.name,
        file: sweep.file ?? null,
        definition,
        total: sweep.total,
        now: timestamp(),
      }) as number;
    });
    const id = register.immediate();
    this.knownSweeps.add(id);

    return id;
  }

  /**
   * A stored sweep may take a new definition only if its plan still holds
   * every stored trial (an extended grid, another description): otherwise
   * its progress would count trials outside the plan, past 100 %, and its
   * results would mix two definitions. Nothing is deleted either way.
   */
  private checkRedefinition(sweepId: number, sweep: SweepRegistration): void {
    const storedCount = this.sql.storedTrials.pluck().get(sweepId) as number;
    if (storedCount === 0) return;

    // Matched keys, not a count: a plan may list one trial twice.
    const kept = new Set<string>();
    if (sweep.keys) {
      for (const key of sweep.keys()) {
        if (!kept.has(key) && this.sql.isStored.get(sweepId, key)) {
          kept.add(key);
          if (kept.size === storedCount) return;
        }
      }
    }

    const outside = storedCount - kept.size;
    const where = sweep.file ? ` from ${sweep.file}` : '';
    throw new SweepValidationError(
      `Sweep "${sweep.name}" is stored in ${this.path} with a different ` +
        `definition: ${outside.toLocaleString('en-US')} of its ` +
        `${storedCount.toLocaleString('en-US')} stored trials are not in ` +
        `the new plan${where}. Nothing was changed.`,
      {
        location: sweep.file ?? this.path,
        hint:
          'Give the new definition its own `name:` or another database ' +
          '(--db <file>); to extend the stored sweep, keep its axis values ' +
          'and seeds and only add new ones.',
      },
    );
  }

  isStored(sweepId: number, key: string): boolean {
    this.assertOpen();
    if (this.pending.has(pendingKey(sweepId, key))) return true;

    return this.sql.isStored.get(sweepId, key) !== undefined;
  }

  add(trial: StoredTrial): void {
    this.assertOpen();
    this.requireSweep(trial.sweepId);
    const id = pendingKey(trial.sweepId, trial.key);
    // The first result buffered for a key wins, as the stored one would.
    if (this.pending.has(id)) return;

    this.pending.set(id, {
      values: trialValues(trial, timestamp()),
      samples: sampleValues(trial.result),
    });

    if (this.pending.size >= this.batchSize) this.flush();
  }

  addPrepared(trial: PreparedTrial, spec: string): void {
    this.assertOpen();
    const { values, samples } = trial;
    this.requireSweep(values.sweep_id);
    const id = pendingKey(values.sweep_id, values.key);
    if (this.pending.has(id)) return;

    // The prepared row was built for this call (a worker's message);
    // completing it in place spares a copy of every field.
    const row = values as TrialValues;
    row.spec = spec;
    row.finished_at = timestamp();
    this.pending.set(id, { values: row, samples });

    if (this.pending.size >= this.batchSize) this.flush();
  }

  flush(): number {
    this.assertOpen();
    if (this.pending.size === 0) return 0;

    const batch = [...this.pending.values()];
    let inserted: number;
    try {
      // IMMEDIATE takes the write lock up front, so busy_timeout applies
      // instead of a deferred upgrade failing with SQLITE_BUSY.
      inserted = this.storeBatch.immediate(batch);
    } catch (cause) {
      throw new StoreError(
        'STORE',
        `Could not store ${batch.length} trials in ${this.path}: ` +
          `${(cause as Error).message}. They stay buffered.`,
        {
          location: this.path,
          hint: 'Fix the cause (disk space, permissions) and flush again.',
          cause,
        },
      );
    }
    this.pending.clear();

    return inserted;
  }

  startRun(run: {
    sweepId: number;
    executor: 'local' | 'redis';
    workers: number;
  }): number {
    this.assertOpen();
    this.requireSweep(run.sweepId);
    checkRun(run);

    const now = timestamp();

    return this.sql.startRun.pluck().get(
      run.sweepId, run.executor, process.pid, run.workers, now, now,
    ) as number;
  }

  heartbeat(
    runId: number,
    beat: { busy: number; completed: number; rate: number | null },
  ): void {
    this.assertOpen();
    checkBeat(beat);
    const rate = beat.rate !== null && Number.isFinite(beat.rate)
      ? beat.rate
      : null;
    const info = this.sql.heartbeat.run(
      beat.busy, beat.completed, rate, timestamp(), runId,
    );
    if (info.changes === 0) throw unknownRun(this.path, runId);
  }

  endRun(runId: number, status: 'done' | 'stopped' | 'failed'): void {
    this.assertOpen();
    checkEndStatus(status);

    // A run marked done must already have all its trials stored.
    this.flush();

    const now = timestamp();
    const info = this.sql.endRun.run(status, now, now, runId);
    if (info.changes === 0) throw unknownRun(this.path, runId);
  }

  progress(sweepId: number) {
    this.assertOpen();
    const row = this.sql.progress.get(sweepId) as
      | { total: number; done: number; failed: number }
      | undefined;
    if (row === undefined) throw unknownSweep(this.path, sweepId);

    return row;
  }

  close(): void {
    if (this.closed) return;

    const unstored = this.pending.size;
    let failure: unknown;
    try {
      this.flush();
    } catch (error) {
      failure = error;
    }

    this.closed = true;
    try {
      // Folds the WAL into the file so a copy of the file is complete.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }

    if (failure !== undefined) {
      throw new StoreError(
        'STORE',
        `Closed ${this.path} with ${unstored} trials not stored: ` +
          `${(failure as Error).message}`,
        {
          location: this.path,
          hint: 'Run the sweep again: it recomputes only missing trials.',
          cause: failure,
        },
      );
    }
  }

  /** The body of the batch transaction; returns trials inserted. */
  private insert(batch: Pending[]): number {
    const tally = new Map<number, { done: number; failed: number }>();
    for (const { values, samples } of batch) {
      if (this.sql.insertTrial.run(values).changes === 0) continue;

      for (const sample of samples) {
        this.sql.insertSample.run({
          sweep_id: values.sweep_id,
          key: values.key,
          ...sample,
        });
      }
      const counts = tally.get(values.sweep_id) ?? { done: 0, failed: 0 };
      counts.done += 1;
      counts.failed += values.outcome === 'failed' ? 1 : 0;
      tally.set(values.sweep_id, counts);
    }

    const now = timestamp();
    let inserted = 0;
    for (const [sweepId, counts] of tally) {
      this.sql.bumpSweep.run(counts.done, counts.failed, now, sweepId);
      inserted += counts.done;
    }

    return inserted;
  }

  private requireSweep(sweepId: number): void {
    if (this.knownSweeps.has(sweepId)) return;
    if (this.sql.progress.get(sweepId) === undefined) {
      throw unknownSweep(this.path, sweepId);
    }
    this.knownSweeps.add(sweepId);
  }

  private assertOpen(): void {
    if (this.closed) throw closedWriter(this.path);
  }
}

function pendingKey(sweepId: number, key: string): string {
  return `${sweepId}\u0000${key}`;
}

let lastStamp = { ms: Number.NaN, text: '' };

/** The current time in ISO-8601, formatted once per millisecond. */
function timestamp(): string {
  const ms = Date.now();
  if (ms !== lastStamp.ms) {
    lastStamp = { ms, text: new Date(ms).toISOString() };
  }

  return lastStamp.text;
}
