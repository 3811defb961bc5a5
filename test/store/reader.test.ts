import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SharpsweepError, StoreError } from '../../src/errors.js';
import type { Outcome } from '../../src/escape/spec.js';
import {
  findMigrationsDir,
  loadMigrations,
  openReader,
  openWriter,
  type StoreReader,
} from '../../src/store/index.js';
import {
  failedTrial,
  reference,
  referenceTrial,
  tempDir,
} from './fixtures.js';

let dir: string;
let file: string;
let cleanup: () => void;
let reader: StoreReader;
let sweepId: number;

/** Ratio, depth and outcome of each stored trial of the phase tests. */
const PLANTED: [number, number, Outcome | 'failed'][] = [
  [0.5, 2, 'stayed'], [0.9, 2, 'stayed'], [0.9, 3, 'unconverged'],
  [1.0, 2, 'escaped'], [1.1, 3, 'escaped'], [1.5, 3, 'failed'],
  [2.5, 2, 'diverged'], [3.0, 3, 'diverged'], [3.5, 2, 'diverged'],
];

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = join(dir, 'store.sqlite');
  const writer = openWriter(file);
  sweepId = writer.registerSweep({ name: 'phase', definition: { a: 1 },
    total: PLANTED.length });
  writer.registerSweep({ name: 'other', definition: {}, total: 0 });
  PLANTED.forEach(([ratio, depth, outcome], i) => {
    const dims = Array.from({ length: depth + 1 }, () => 2);
    const trial = outcome === 'failed'
      ? failedTrial(sweepId, `t${i}`, { ratio })
      : referenceTrial(sweepId, `t${i}`, reference.escapes[0]);
    trial.spec.dims = dims;
    if (trial.result) {
      trial.result.outcome = outcome as Outcome;
      trial.result.stepRatio = ratio;
    }
    writer.add(trial);
  });
  const runId = writer.startRun({ sweepId, executor: 'redis', workers: 2 });
  writer.heartbeat(runId, { busy: 1, completed: PLANTED.length, rate: 4 });
  writer.close();
  reader = openReader(file);
});

afterEach(() => {
  reader.close();
  cleanup();
});

function caught(action: () => unknown): SharpsweepError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SharpsweepError);
    return error as SharpsweepError;
  }
  throw new Error('expected an error');
}

describe('opening', () => {
  it('names the missing file and suggests running a sweep', () => {
    const missing = join(dir, 'absent.sqlite');
    const error = caught(() => openReader(missing));

    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe('STORE');
    expect(error.message).toContain(missing);
    expect(error.hint).toContain('sharpsweep run');
  });
});

describe('the trials view', () => {
  it('has every column of the outside contract', () => {
    const columns = reader.query('SELECT name FROM pragma_table_info(?)',
      ['trials']).map((row) => row.name);

    // DESIGN.md §3, `sharpsweep query`.
    expect(columns).toEqual(expect.arrayContaining([
      'sweep', 'key', 'depth', 'width', 'step_ratio', 'step_size',
      'radius', 'direction', 'seed', 'outcome', 'sharpness', 'escape_step',
      'predicted_escape_step', 'final_loss', 'final_sharpness',
      'landing_ratio', 'steps', 'error',
    ]));
  });
});

describe('query column names', () => {
  it('keeps every column when names repeat, in column order', () => {
    const rows = reader.query('SELECT 1 AS a, 2 AS a, 3 AS b, 4 AS a');
    expect(rows).toEqual([{ a: 1, 'a:2': 2, b: 3, 'a:3': 4 }]);
    expect(Object.keys(rows[0])).toEqual(['a', 'a:2', 'b', 'a:3']);
  });
});

describe('query', () => {
  const writes = [
    `INSERT INTO sweeps (name, definition, total, created_at, updated_at)
     VALUES ('x', '{}', 0, '', '')`,
    `UPDATE sweeps SET done = 0`,
    `DELETE FROM trial_results`,
    `DELETE FROM runs RETURNING id`,
    `DROP VIEW trials`,
    `ATTACH 'side.sqlite' AS side`,
    `PRAGMA user_version = 7`,
    `PRAGMA user_version(7)`,
    `PRAGMA query_only = 0`,
    `/* sneaky */ PRAGMA busy_timeout = 0`,
    `PRAGMA journal_mode = DELETE`,
    `BEGIN`,
    `CREATE TEMP TABLE scratch (x)`,
    `VACUUM`,
  ];

  it.each(writes)('refuses %s with READ_ONLY', (sql) => {
    const before = reader.query('SELECT done FROM sweeps ORDER BY id');
    const error = caught(() => reader.query(sql));

    expect(error.code).toBe('READ_ONLY');
    expect(error.message).toMatch(/query is read-only/);
    expect(reader.query('SELECT done FROM sweeps ORDER BY id'))
      .toEqual(before);
    // Unchanged: still the newest version the migrations define.
    expect(reader.query('PRAGMA user_version')[0].user_version)
      .toBe(loadMigrations(findMigrationsDir()).length);
  });

  it('runs selects and inspecting pragmas with bound parameters', () => {
    const rows = reader.query(
      'SELECT count(*) AS n FROM trials WHERE sweep = ? AND depth = ?',
      ['phase', 3]);
    const depth3 = PLANTED.filter(([, depth]) => depth === 3).length;

    expect(rows).toEqual([{ n: depth3 }]);
    expect(reader.query('PRAGMA table_info(trials)').length).toBeGreaterThan(
      17);
  });

  it('reports bad SQL and bad parameters as StoreError', () => {
    expect(caught(() => reader.query('SELEC 1')).code).toBe('STORE');
    expect(caught(() => reader.query('SELECT ?', [])).code).toBe('STORE');
  });
});

describe('sweeps', () => {
  it('summarises counts, outcomes and the latest run', () => {
    const [phase, other] = reader.listSweeps();
    const failed = PLANTED.filter(([, , o]) => o === 'failed').length;

    expect(phase).toMatchObject({ id: sweepId, name: 'phase',
      total: PLANTED.length, done: PLANTED.length, failed });
    const sum = Object.values(phase.outcomes).reduce((a, b) => a + b, 0);
    expect(sum).toBe(phase.done);
    expect(phase.outcomes.diverged).toBe(
      PLANTED.filter(([, , o]) => o === 'diverged').length);
    expect(phase.latestRun).toMatchObject({ executor: 'redis', workers: 2,
      busy: 1, rate: 4, status: 'running', endedAt: null });
    expect(other).toMatchObject({ name: 'other', done: 0,
      latestRun: null });
    expect(other.outcomes.escaped).toBe(0);
  });

  it('finds one sweep by name, with its definition', () => {
    expect(reader.getSweep('phase')?.definition).toEqual({ a: 1 });
    expect(reader.getSweep('absent')).toBeUndefined();
  });
});

describe('outcomesByRatio', () => {
  it('counts each (bucket, depth) cell; half-open buckets', () => {
    const edges = [0, 1, 2, 3];
    const map = reader.outcomesByRatio(sweepId, 'depth', edges);

    // Expected cells follow from PLANTED by the bucket rule alone.
    const expected = new Map<string, Record<string, number>>();
    let outside = 0;
    for (const [ratio, depth, outcome] of PLANTED) {
      const bucket = edges.findIndex((lo, i) => i < edges.length - 1 &&
        ratio >= lo && (ratio < edges[i + 1] ||
          (i === edges.length - 2 && ratio === edges[i + 1])));
      if (bucket === -1) {
        outside += 1;
        continue;
      }
      const cell = expected.get(`${bucket}/${depth}`) ?? { total: 0 };
      cell.total += 1;
      cell[outcome] = (cell[outcome] ?? 0) + 1;
      expected.set(`${bucket}/${depth}`, cell);
    }

    expect(map.outside).toBe(outside);
    expect(map.cells).toHaveLength(expected.size);
    for (const cell of map.cells) {
      const want = expected.get(`${cell.bucket}/${cell.value}`)!;
      expect(cell.lo).toBe(edges[cell.bucket]);
      expect(cell.hi).toBe(edges[cell.bucket + 1]);
      for (const outcome of ['total', 'escaped', 'diverged', 'stayed',
        'unconverged', 'failed'] as const) {
        expect(cell[outcome]).toBe(want[outcome] ?? 0);
      }
    }
  });

  it('puts a ratio equal to an inner edge in the bucket above it', () => {
    const map = reader.outcomesByRatio(sweepId, 'direction', [0.5, 1, 1.5]);
    const upper = map.cells.find((cell) => cell.bucket === 1)!;

    // Planted ratios 1.0, 1.1 and 1.5 (the closing edge) fall in [1, 1.5].
    expect(upper.total).toBe(3);
  });

  it('refuses unknown axes and unsorted buckets', () => {
    expect(() => reader.outcomesByRatio(sweepId, 'seed' as 'depth', [0, 1]))
      .toThrow(/axis/);
    expect(() => reader.outcomesByRatio(sweepId, 'depth', [1, 0]))
      .toThrow(/ascending/);
  });
});

describe('trials pages', () => {
  it('covers every row exactly once across offset pages', () => {
    const seen: string[] = [];
    for (let offset = 0; offset < PLANTED.length; offset += 4) {
      const page = reader.trials(sweepId, { orderBy: 'step_ratio',
        desc: true, limit: 4, offset });
      seen.push(...page.map((row) => row.key));
      const ratios = page.map((row) => row.step_ratio as number);
      expect(ratios).toEqual([...ratios].sort((a, b) => b - a));
    }

    expect(seen).toHaveLength(PLANTED.length);
    expect(new Set(seen).size).toBe(PLANTED.length);
  });

  it('pages by key after the last key of the previous page', () => {
    const first = reader.trials(sweepId, { limit: 5 });
    const last = first[first.length - 1].key;
    const second = reader.trials(sweepId, { limit: 5, afterKey: last });

    const all = [...first, ...second].map((row) => row.key);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(PLANTED.length);
  });

  it('filters by validated columns and refuses others', () => {
    const failed = reader.trials(sweepId, { where: { outcome: 'failed' },
      limit: 100 });

    expect(failed.map((row) => row.outcome)).toEqual(
      PLANTED.filter(([, , o]) => o === 'failed').map(() => 'failed'));
    expect(failed[0]).not.toHaveProperty('spec');
    expect(() => reader.trials(sweepId, { orderBy: 'key; DROP TABLE runs',
      limit: 1 })).toThrow(/not a column/);
    expect(() => reader.trials(sweepId, { where: { 'x = 1 OR 1': 1 },
      limit: 1 })).toThrow(/not a column/);
  });
});

describe('trial', () => {
  it('returns the row with parsed spec, result and trajectory', () => {
    const original = referenceTrial(sweepId, 't0', reference.escapes[0]);
    const detail = reader.trial(sweepId, 't0')!;

    expect(detail.sweep).toBe('phase');
    expect(detail.spec.radius).toBe(original.spec.radius);
    expect(detail.result?.sharpness).toBe(reference.escapes[0].sharpness);
    expect(detail.trajectory.map((s) => s.step)).toEqual(
      original.result!.trajectory.map((s) => s.step));
    expect(detail.trajectory[1].topComponent).toBe(
      original.result!.trajectory[1].topComponent);
    expect(reader.trial(sweepId, 'absent')).toBeUndefined();
  });
});

describe('read-only connection', () => {
  it('leaves the database intact', () => {
    const db = new Database(file, { readonly: true });
    const check = db.pragma('integrity_check', { simple: true });
    db.close();

    expect(check).toBe('ok');
  });
});
