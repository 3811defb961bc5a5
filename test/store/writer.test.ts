import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, SweepValidationError } from '../../src/errors.js';
import {
  openWriter,
  prepareTrial,
  type ResultWriter,
} from '../../src/store/index.js';
import {
  failedTrial,
  reference,
  referenceTrial,
  specFor,
  tempDir,
} from './fixtures.js';

let file: string;
let cleanup: () => void;
let writer: ResultWriter;
let sweepId: number;

beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  file = join(temp.dir, 'store.sqlite');
  writer = openWriter(file);
  sweepId = writer.registerSweep({
    name: 'escape-grid',
    file: 'sweeps/escape.yaml',
    definition: { axes: { ratio: [0.8, 1.2] } },
    total: 10,
  });
});

afterEach(() => {
  writer.close();
  cleanup();
});

/** An independent connection, as `sqlite3` on the command line would be. */
function inspect<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function counters() {
  const [sweep] = inspect<{ done: number; failed: number }>(
    'SELECT done, failed FROM sweeps WHERE id = ?', sweepId);
  const [rows] = inspect<{ done: number; failed: number }>(
    `SELECT count(*) AS done, coalesce(sum(outcome = 'failed'), 0) AS failed
     FROM trial_results WHERE sweep_id = ?`, sweepId);

  return { sweep, rows };
}

describe('registerSweep', () => {
  it('upserts by name, keeping the id and updating the plan', () => {
    const again = writer.registerSweep({
      name: 'escape-grid', definition: { v: 2 }, total: 25,
    });

    expect(again).toBe(sweepId);
    const [row] = inspect<{ definition: string; total: number; file: string }>(
      'SELECT definition, total, file FROM sweeps WHERE id = ?', sweepId);
    expect(JSON.parse(row.definition)).toEqual({ v: 2 });
    expect(row.total).toBe(25);
    expect(row.file).toBe('sweeps/escape.yaml');
  });
});

describe('registerSweep with a new definition', () => {
  const grown = { axes: { ratio: [0.8, 1.2, 1.5] } };

  function storeTwo(): void {
    writer.add(referenceTrial(sweepId, 'k-0.8', reference.escapes[0]));
    writer.add(referenceTrial(sweepId, 'k-1.2', reference.escapes[1]));
    writer.flush();
  }

  function sweepRow() {
    const [row] = inspect<{ definition: string; total: number; done: number }>(
      'SELECT definition, total, done FROM sweeps WHERE id = ?', sweepId);
    return { ...row, definition: JSON.parse(row.definition) };
  }

  it('accepts a plan that still holds every stored trial (an extension)', () => {
    storeTwo();
    const id = writer.registerSweep({
      name: 'escape-grid', definition: grown, total: 15,
      keys: () => ['k-0.8', 'k-1.2', 'k-1.5', 'k-0.8'],
    });

    expect(id).toBe(sweepId);
    expect(sweepRow()).toEqual({ definition: grown, total: 15, done: 2 });
  });

  it('refuses a plan that leaves a stored trial out, changing nothing', () => {
    storeTwo();
    const before = sweepRow();
    let error: unknown;
    try {
      writer.registerSweep({
        name: 'escape-grid', file: 'sweeps/shrunk.yaml',
        definition: { axes: { ratio: [0.8] } }, total: 5,
        // The stored k-0.8 listed twice must not stand in for k-1.2.
        keys: () => ['k-0.8', 'k-0.8'],
      });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(SweepValidationError);
    const { message, hint } = error as SweepValidationError;
    expect(message).toContain('"escape-grid"');
    expect(message).toContain('1 of its 2 stored trials are not in the new plan');
    expect(message).toContain('sweeps/shrunk.yaml');
    expect(hint).toContain('name:');
    expect(hint).toContain('--db');
    expect(sweepRow()).toEqual(before);
    expect(inspect('SELECT key FROM trial_results ORDER BY key')).toEqual([
      { key: 'k-0.8' }, { key: 'k-1.2' },
    ]);
  });

  it('refuses it without the plan\'s keys once trials are stored', () => {
    storeTwo();
    expect(() => writer.registerSweep({
      name: 'escape-grid', definition: grown, total: 15,
    })).toThrow('2 of its 2 stored trials');
  });

  it('re-registers the same definition without looking at keys', () => {
    storeTwo();
    const id = writer.registerSweep({
      name: 'escape-grid', definition: { axes: { ratio: [0.8, 1.2] } },
      total: 10,
      keys: () => {
        throw new Error('keys read for an unchanged definition');
      },
    });
    expect(id).toBe(sweepId);
  });
});

describe('storing trials', () => {
  it('derives the columns of each reference escape case', () => {
    reference.escapes.forEach((ref, i) => {
      writer.add(referenceTrial(sweepId, `ref-${i}`, ref));
    });
    expect(writer.flush()).toBe(reference.escapes.length);

    const rows = inspect<Record<string, unknown>>(
      'SELECT * FROM trial_results WHERE sweep_id = ? ORDER BY key', sweepId);
    rows.forEach((row, i) => {
      const ref = reference.escapes[i];
      const hidden = ref.dims.slice(1, -1);
      expect(row.depth).toBe(ref.dims.length - 1);
      expect(row.width).toBe(Math.max(...hidden));
      expect(JSON.parse(row.dims as string)).toEqual(ref.dims);
      expect(row.outcome).toBe(ref.outcome);
      expect(row.sharpness).toBe(ref.sharpness);
      expect(row.step_ratio).toBe(ref.stepRatio);
      expect(row.step_size).toBe(ref.stepSize);
      expect(row.escape_step).toBe(ref.escapeStep);
      expect(row.final_sharpness).toBe(ref.finalSharpness);
      expect(row.steps).toBe(ref.maxSteps);
      expect(row.error).toBeNull();
      // Closed form: the landing ratio is λ_final η / 2.
      expect(row.landing_ratio as number).toBeCloseTo(
        (ref.finalSharpness * ref.stepSize) / 2, 12);
    });
  });

  it('takes the width from the hidden layers only', () => {
    // [4, 3, 3, 4] is a reference minimizer shape whose ends are wider.
    const cases = reference.minimizerDims;
    cases.forEach((dims, i) => {
      writer.add({ ...failedTrial(sweepId, `dims-${i}`),
        spec: specFor(dims) });
    });
    writer.flush();

    const widths = inspect<{ key: string; width: number }>(
      'SELECT key, width FROM trial_results');
    for (const { key, width } of widths) {
      const dims = cases[Number(key.slice(5))];
      expect(width).toBe(Math.max(...dims.slice(1, -1)));
    }
    expect(cases).toContainEqual([4, 3, 3, 4]);
  });

  it('stores a failed trial with its parameters and cause', () => {
    writer.add(failedTrial(sweepId, 'bad-ratio', { ratio: 1.5 }));
    writer.add(failedTrial(sweepId, 'bad-size', { size: 0.01 }));
    writer.flush();

    const rows = inspect<Record<string, unknown>>(
      'SELECT * FROM trial_results ORDER BY key');
    expect(rows.map((r) => [r.key, r.step_ratio, r.step_size])).toEqual([
      ['bad-ratio', 1.5, null],
      ['bad-size', null, 0.01],
    ]);
    for (const row of rows) {
      expect(row.outcome).toBe('failed');
      expect(row.error).toMatch(/Lanczos/);
      expect(row.result).toBeNull();
      expect(JSON.parse(row.spec as string).dims).toEqual([2, 3, 2]);
    }
    expect(writer.progress(sweepId)).toEqual({ total: 10, done: 2,
      failed: 2 });
  });

  it('stores every non-finite number as NULL, never as a number', () => {
    const trial = referenceTrial(sweepId, 'nan', reference.escapes[1]);
    Object.assign(trial.result!, {
      finalLoss: Number.NaN,
      finalSharpness: Number.POSITIVE_INFINITY,
      landingRatio: Number.NEGATIVE_INFINITY,
      predictedEscapeStep: Number.NaN,
      stepRatio: Number.NaN,
    });
    trial.result!.trajectory = [
      { step: 3, loss: Number.NaN, distance: Infinity, topComponent: 1 },
    ];
    trial.durationMs = Number.NaN;
    writer.add(trial);
    writer.flush();

    const [row] = inspect<Record<string, unknown>>(
      `SELECT typeof(final_loss) AS loss, typeof(final_sharpness) AS sharp,
        typeof(landing_ratio) AS landing, typeof(duration_ms) AS duration,
        typeof(predicted_escape_step) AS predicted, step_ratio, result
       FROM trial_results WHERE key = 'nan'`);
    expect(row).toMatchObject({ loss: 'null', sharp: 'null',
      landing: 'null', duration: 'null', predicted: 'null' });
    // A non-finite measured ratio falls back to the requested one.
    expect(row.step_ratio).toBe(reference.escapes[1].stepRatio);
    const result = JSON.parse(row.result as string);
    expect(result.finalLoss).toBeNull();
    expect(result).not.toHaveProperty('trajectory');
    const samples = inspect<Record<string, unknown>>(
      `SELECT typeof(loss) AS loss, typeof(distance) AS distance,
        top_component FROM trajectory WHERE key = 'nan'`);
    expect(samples).toEqual([{ loss: 'null', distance: 'null',
      top_component: 1 }]);
  });

  it('refuses a trial it could not write, before buffering it', () => {
    const bad = referenceTrial(sweepId, 'bad', reference.escapes[0]);
    bad.spec.radius = Number.NaN;

    expect(() => writer.add(bad)).toThrow(StoreError);
    expect(() => writer.add(referenceTrial(999, 'x', reference.escapes[0])))
      .toThrow(/not registered/);
    expect(writer.flush()).toBe(0);
  });
});

describe('idempotence', () => {
  it('ignores a key already stored, in the buffer or in the file', () => {
    const first = referenceTrial(sweepId, 'k1', reference.escapes[1]);
    const changed = referenceTrial(sweepId, 'k1', reference.escapes[2]);
    writer.add(first);
    writer.add(changed);
    writer.add(failedTrial(sweepId, 'k2'));
    expect(writer.flush()).toBe(2);

    writer.add(changed);
    writer.add(failedTrial(sweepId, 'k2'));
    expect(writer.flush()).toBe(0);

    const { sweep, rows } = counters();
    expect(sweep).toEqual({ done: 2, failed: 1 });
    expect(rows).toEqual(sweep);
    const [row] = inspect<{ escape_step: number }>(
      `SELECT escape_step FROM trial_results WHERE key = 'k1'`);
    expect(row.escape_step).toBe(reference.escapes[1].escapeStep);
    expect(inspect('SELECT * FROM trajectory WHERE key = ?', 'k1'))
      .toHaveLength(first.result!.trajectory.length);
  });

  it('survives reopening: a new writer skips stored keys', () => {
    writer.add(referenceTrial(sweepId, 'k1', reference.escapes[0]));
    writer.close();

    writer = openWriter(file);
    expect(writer.isStored(sweepId, 'k1')).toBe(true);
    writer.add(referenceTrial(sweepId, 'k1', reference.escapes[2]));
    expect(writer.flush()).toBe(0);
    expect(writer.progress(sweepId).done).toBe(1);
  });
});

describe('rows prepared where the trial ran', () => {
  it('stores the same row and samples as add, and the same counters', () => {
    const trials = [
      referenceTrial(sweepId, 'a1', reference.escapes[0]),
      failedTrial(sweepId, 'a2'),
    ];
    for (const trial of trials) writer.add(trial);
    for (const trial of trials) {
      // Through a structured clone, as a worker thread's message arrives.
      const prepared = structuredClone(
        prepareTrial({ ...trial, key: `p${trial.key.slice(1)}` }),
      );
      writer.addPrepared(prepared, JSON.stringify(trial.spec));
      // A key already buffered is ignored, as with add.
      writer.addPrepared(structuredClone(prepared), '{}');
    }
    expect(writer.flush()).toBe(4);

    const rows = (prefix: string) => inspect<Record<string, unknown>>(
      `SELECT * FROM trial_results WHERE key LIKE ? ORDER BY key`,
      `${prefix}%`,
    ).map(({ key, finished_at, ...rest }) => {
      expect(finished_at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      return { key: (key as string).slice(1), ...rest };
    });
    expect(rows('p')).toEqual(rows('a'));
    const samples = (key: string) => inspect<Record<string, unknown>>(
      `SELECT step, loss, distance, top_component, sharpness
       FROM trajectory WHERE key = ? ORDER BY step`, key);
    expect(samples('p1')).toEqual(samples('a1'));
    expect(samples('p1')).toHaveLength(2);
    expect(counters().sweep).toEqual({ done: 4, failed: 2 });
  });

  it('refuses an unstorable trial where it is prepared', () => {
    const trial = referenceTrial(sweepId, 'x', reference.escapes[0]);
    expect(() => prepareTrial({ ...trial, key: '' }))
      .toThrow(StoreError);
  });
});

describe('batching', () => {
  it('flushes by itself when the batch is full', () => {
    writer.close();
    writer = openWriter(file, { batchSize: 3 });

    for (const key of ['a', 'b']) writer.add(failedTrial(sweepId, key));
    expect(counters().rows.done).toBe(0);
    expect(writer.isStored(sweepId, 'a')).toBe(true);

    writer.add(failedTrial(sweepId, 'c'));
    expect(counters().rows.done).toBe(3);
    expect(writer.isStored(sweepId, 'zz')).toBe(false);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => openWriter(file, { batchSize: 0 })).toThrow(/batchSize/);
  });

  it('flushes on close', () => {
    writer.add(failedTrial(sweepId, 'late'));
    writer.close();

    expect(inspect('SELECT key FROM trial_results')).toEqual([
      { key: 'late' },
    ]);
    expect(() => writer.add(failedTrial(sweepId, 'x'))).toThrow(/closed/);
  });
});

describe('runs', () => {
  it('records start, heartbeats and the end of a run', () => {
    const runId = writer.startRun({ sweepId, executor: 'local',
      workers: 4 });
    writer.heartbeat(runId, { busy: 3, completed: 17, rate: 2.5 });
    writer.add(failedTrial(sweepId, 'pending'));
    writer.endRun(runId, 'stopped');

    const [run] = inspect<Record<string, unknown>>(
      'SELECT * FROM runs WHERE id = ?', runId);
    expect(run).toMatchObject({ sweep_id: sweepId, executor: 'local',
      workers: 4, busy: 3, completed: 17, rate: 2.5, status: 'stopped',
      pid: process.pid });
    expect(run.ended_at).not.toBeNull();
    // endRun stored the buffered trial before marking the run.
    expect(counters().rows.done).toBe(1);
    expect(() => writer.heartbeat(runId + 1, { busy: 0, completed: 0,
      rate: null })).toThrow(/does not exist/);
  });
});
