import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { summariseByRatio } from '../../src/cli/summary.js';
import { openDashDb, type DashDb } from '../../src/dash/data.js';
import { buildPhaseGrid } from '../../src/dash/phase-grid.js';
import { parseFilter } from '../../src/dash/filter.js';
import type { FilterTerm, TrialRow } from '../../src/dash/types.js';
import {
  addRun,
  addSweep,
  addTrials,
  escapeTrials,
  seeded,
  tempDatabase,
  type TempDb,
  type Trial,
} from './helpers.js';

const OUTCOMES = ['stayed', 'escaped', 'diverged', 'unconverged', 'failed'];

let temp: TempDb | null = null;
let reader: DashDb | null = null;
afterEach(() => {
  reader?.close();
  reader = null;
  temp?.dispose();
  temp = null;
});

function open(path: string): DashDb {
  const opened = openDashDb(path);
  if (!opened.ok) throw new Error(opened.waiting);
  reader = opened.db;
  return reader;
}

/** Seeded trials over a ratio grid, depths and families. */
function randomTrials(count: number, ratios: number[], seed: number): Trial[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => ({
    key: `k${String(i).padStart(5, '0')}`,
    depth: 2 + Math.floor(random() * 3),
    family: random() < 0.5 ? 'balanced' : 'imbalanced',
    stepRatio: ratios[Math.floor(random() * ratios.length)],
    outcome: OUTCOMES[Math.floor(random() * OUTCOMES.length)],
    sharpness: 1 + random() * 10,
  }));
}

describe('opening a database that may not exist yet', () => {
  it('waits for a missing file, then for the schema, then reads', () => {
    temp = tempDatabase();
    const missing = join(temp.path, '..', 'later.sqlite');
    expect(openDashDb(missing)).toMatchObject({ ok: false });

    // The writer has created the file but not yet the tables.
    new Database(missing).close();
    const empty = openDashDb(missing);
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.waiting).toMatch(/no sharpsweep tables/);

    expect(open(temp.path).sweeps()).toEqual([]);
  });
});

describe('reading beside a writer', () => {
  it('never blocks a commit, and sees it on the next call', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 10 });
    addTrials(temp.db, sweep, randomTrials(3, [0.5, 1.5], 1));
    const dash = open(temp.path);
    expect(dash.sweeps()[0].done).toBe(3);

    // A writer that refuses to wait at all still commits while we read.
    temp.db.pragma('busy_timeout = 0');
    addTrials(temp.db, sweep, randomTrials(20, [0.5, 1.5], 2)
      .map((t) => ({ ...t, key: `w${t.key}` })));
    expect(dash.sweeps()[0].done).toBe(23);
    expect(dash.count(sweep, [])).toBe(23);
  });

  it('changes nothing in the file', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 50 });
    addTrials(temp.db, sweep, randomTrials(50, [0.5, 1.5], 3));
    temp.db.pragma('wal_checkpoint(TRUNCATE)');
    temp.db.close();
    const digest = () =>
      createHash('sha256').update(readFileSync(temp!.path)).digest('hex');
    const before = digest();

    const dash = open(temp.path);
    dash.sweeps();
    dash.phase(sweep, 'depth', 8);
    dash.landing(sweep, 20, 8);
    dash.trials(sweep, { filters: [], sort: 'sharpness', descending: true,
      offset: 0, limit: 10 });
    dash.failures(sweep, 0, 10);
    dash.close();
    reader = null;

    expect(digest()).toBe(before);
  });

  it('refuses to open something that is not a database', () => {
    temp = tempDatabase();
    const junk = join(temp.path, '..', 'junk.sqlite');
    writeFileSync(junk, 'not a database at all, just text\n'.repeat(200));
    expect(() => openDashDb(junk)).toThrow();
  });
});

describe('sweep counters and runs', () => {
  it('reports each sweep with its latest run', () => {
    temp = tempDatabase();
    const a = addSweep(temp.db, 'a', { total: 120, done: 30, failed: 3 });
    addSweep(temp.db, 'b', { total: 5 });
    const run = {
      workers: 4, busy: 2, startedAt: '2026-01-01T00:00:00Z',
      heartbeatAt: '2026-01-01T00:01:00Z', completed: 30, rate: 1.5,
    };
    addRun(temp.db, a, { ...run, status: 'stopped' });
    addRun(temp.db, a, { ...run, status: 'running', busy: 3 });

    const sweeps = open(temp.path).sweeps();
    expect(sweeps.map((s) => s.name)).toEqual(['a', 'b']);
    expect(sweeps[0]).toMatchObject({ total: 120, done: 30, failed: 3 });
    expect(sweeps[0].run).toMatchObject({ status: 'running', busy: 3 });
    expect(sweeps[1].run).toBeNull();
  });
});

describe('phase map counts', () => {
  it('match a count of the stored rows per depth, ratio and outcome', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 400 });
    const trials = randomTrials(400, [0.5, 0.9, 1, 1.1, 2], 4);
    addTrials(temp.db, sweep, trials);

    const data = open(temp.path).phase(sweep, 'depth', 10);
    expect(data.columns).toEqual({
      kind: 'distinct',
      values: [0.5, 0.9, 1, 1.1, 2],
      // ρ = 1 is stable (escape iff ρ > 1): it sits left of the line.
      split: 3,
    });

    for (const count of data.counts) {
      const ratio = (data.columns as { values: number[] })
        .values[count.column!];
      const expected = trials.filter((t) => t.depth === count.value &&
        t.stepRatio === ratio && t.outcome === count.outcome).length;
      expect(count.count).toBe(expected);
    }
    const total = data.counts.reduce((sum, c) => sum + c.count, 0);
    expect(total).toBe(trials.length);
  });

  it('counts as left what the run summary counts: passing δ, whatever '
    + 'the outcome', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 13 });
    let n = 0;
    const make = (stepRatio: number, outcome: string,
      escapeStep: number | null, count: number): Trial[] =>
      Array.from({ length: count }, () => ({
        key: `k${n++}`, depth: 2, stepRatio, outcome, escapeStep,
      }));
    const trials = [
      // ρ = 0.8: 2 of the 5 that ran left; one of them came back.
      ...make(0.8, 'stayed', null, 2),
      ...make(0.8, 'stayed', 40, 1),
      ...make(0.8, 'escaped', 12, 1),
      ...make(0.8, 'unconverged', null, 1),
      ...make(0.8, 'failed', null, 2),
      // ρ = 1.5: 5 of 6 left, three of them never settled.
      ...make(1.5, 'unconverged', 30, 3),
      ...make(1.5, 'unconverged', null, 1),
      ...make(1.5, 'diverged', null, 1),
      ...make(1.5, 'escaped', 25, 1),
    ];
    addTrials(temp.db, sweep, trials);

    const grid = buildPhaseGrid(open(temp.path).phase(sweep, 'depth', 10));
    const fractions = grid.all.cells.map((cell) => cell.fraction);
    expect(fractions).toEqual([2 / 5, 5 / 6]);
    expect(grid.rows[0].cells.map((cell) => cell.failed)).toEqual([2, 0]);

    const summary = summariseByRatio(trials.map((t) => ({
      step_ratio: t.stepRatio,
      outcome: t.outcome,
      landing_ratio: null,
      escape_step: t.escapeStep ?? null,
      predicted_escape_step: null,
    })));
    expect(summary.map((bucket) => bucket.observedEscape)).toEqual(fractions);
  });

  it('bins many ratios without ever mixing the two sides of ρ = 1', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 300 });
    const random = seeded(5);
    const trials: Trial[] = Array.from({ length: 300 }, (_, i) => ({
      key: `b${i}`,
      depth: 2,
      // Many distinct values, 1 itself among them.
      stepRatio: i === 0 ? 1 : 0.2 + random() * 2.8,
      outcome: 'stayed',
    }));
    trials.push({ key: 'none', depth: 2, stepRatio: null, outcome: 'failed' });
    addTrials(temp.db, sweep, trials);

    const data = open(temp.path).phase(sweep, 'depth', 8);
    expect(data.columns.kind).toBe('binned');
    if (data.columns.kind !== 'binned') return;
    const { bins, split } = data.columns;
    expect(bins).toHaveLength(8);
    expect(bins[split - 1][1]).toBeLessThanOrEqual(1);
    expect(bins[split][0]).toBeGreaterThan(1);

    const perColumn = new Array(bins.length).fill(0);
    let withoutRatio = 0;
    for (const c of data.counts) {
      if (c.column === null) withoutRatio += c.count;
      else perColumn[c.column] += c.count;
    }
    expect(withoutRatio).toBe(1);
    const stable = trials.filter((t) => t.stepRatio !== null &&
      t.stepRatio <= 1).length;
    const left = perColumn.slice(0, split).reduce((a, b) => a + b, 0);
    expect(left).toBe(stable);
    bins.forEach(([lo, hi], i) => {
      const inside = trials.filter((t) => t.stepRatio !== null &&
        t.stepRatio >= lo && t.stepRatio <= hi).length;
      expect(perColumn[i]).toBeLessThanOrEqual(inside);
    });
  });
});

describe('landing ratios', () => {
  it('bin every escaped reference trial, all at or below 1', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'ref', { total: 5 });
    const trials = escapeTrials();
    addTrials(temp.db, sweep, trials);

    const data = open(temp.path).landing(sweep, 30, 10);
    const escaped = trials.filter((t) => t.outcome === 'escaped');
    expect(data.count).toBe(escaped.length);
    // A clean escape lands where the step is stable (DESIGN.md §1.3).
    expect(data.above).toBe(0);
    expect(data.cells.reduce((sum, c) => sum + c.count, 0))
      .toBe(escaped.length);
    const landings = escaped.map((t) => t.landingRatio!);
    expect(data.landingRange[0]).toBeCloseTo(Math.min(...landings), 12);
    expect(data.landingRange[1]).toBe(1);
  });
});

describe('the results table', () => {
  function rowsOf(dash: DashDb, sweep: number, filters: FilterTerm[],
    sort: string, descending: boolean, limit: number): TrialRow[] {
    const rows: TrialRow[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = dash.trials(sweep, { filters, sort, descending, offset,
        limit });
      rows.push(...page);
      if (page.length < limit) return rows;
    }
  }

  it('pages through the same order as sorting everything', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 200 });
    const trials = randomTrials(200, [0.5, 0.8, 1.2, 2], 6);
    addTrials(temp.db, sweep, trials);
    const dash = open(temp.path);

    const paged = rowsOf(dash, sweep, [], 'sharpness', true, 7);
    const expected = [...trials].sort((a, b) =>
      b.sharpness! - a.sharpness! || (a.key < b.key ? 1 : -1));
    expect(paged.map((r) => r.key)).toEqual(expected.map((t) => t.key));
  });

  it('applies a parsed filter like the same condition in JavaScript', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 300 });
    const trials = randomTrials(300, [0.5, 0.8, 1.2, 2], 7);
    addTrials(temp.db, sweep, trials);
    const dash = open(temp.path);

    const cases: Array<[string, (t: Trial) => boolean]> = [
      ['outcome=escaped depth=3',
        (t) => t.outcome === 'escaped' && t.depth === 3],
      ['outcome=escaped,diverged ratio>1',
        (t) => ['escaped', 'diverged'].includes(t.outcome) &&
          t.stepRatio! > 1],
      ['family!=balanced rho<=0.8',
        (t) => t.family !== 'balanced' && t.stepRatio! <= 0.8],
      ['key=k0001', (t) => t.key.startsWith('k0001')],
    ];
    for (const [text, keep] of cases) {
      const parsed = parseFilter(text);
      expect(parsed.ok, text).toBe(true);
      if (!parsed.ok) continue;
      const expected = trials.filter(keep).map((t) => t.key).sort();
      const rows = rowsOf(dash, sweep, parsed.terms, 'key', false, 50);
      expect(rows.map((r) => r.key), text).toEqual(expected);
      expect(dash.count(sweep, parsed.terms), text).toBe(expected.length);
    }
  });

  it('lists failures with their errors, in key order', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 100 });
    const trials = randomTrials(100, [0.5, 2], 8).map((t) => ({
      ...t,
      error: t.outcome === 'failed' ? `boom ${t.key}` : null,
    }));
    addTrials(temp.db, sweep, trials);

    const failures = open(temp.path).failures(sweep, 0, 1000);
    const expected = trials.filter((t) => t.outcome === 'failed')
      .map((t) => t.key).sort();
    expect(failures.map((f) => f.key)).toEqual(expected);
    expect(failures.every((f) => f.error === `boom ${f.key}`)).toBe(true);
  });
});

describe('query plans', () => {
  it('use the primary key or an index, never a scan of the table', () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 's', { total: 200 });
    addTrials(temp.db, sweep, randomTrials(200, [0.5, 0.8, 1.2, 2], 9));
    const dash = open(temp.path);

    dash.sweeps();
    dash.phase(sweep, 'family', 10);
    dash.phase(sweep, 'depth', 2);
    dash.landing(sweep, 20, 8);
    for (const sort of ['step_ratio', 'outcome', 'key']) {
      dash.trials(sweep, { filters: [], sort, descending: false,
        offset: 40, limit: 20 });
    }
    dash.count(sweep, [{ column: 'outcome', op: '=', values: ['escaped'] }]);
    dash.failures(sweep, 0, 20);
    dash.trial(sweep, 'k00001');

    const plans = dash.queryPlans();
    for (const { sql, plan } of plans) {
      const scans = plan.filter((line) =>
        /^SCAN (t|trial_results)\b/.test(line));
      expect(scans, sql).toEqual([]);
    }

    // The cheap paths the dashboard relies on at a million rows.
    const planOf = (pattern: RegExp) => {
      const found = plans.filter((p) => pattern.test(p.sql));
      expect(found.length, String(pattern)).toBeGreaterThan(0);
      return found.map((p) => p.plan.join(' | '));
    };
    for (const plan of planOf(/step_ratio > @after/)) {
      expect(plan).toMatch(/COVERING INDEX trial_results_ratio/);
    }
    for (const plan of planOf(/ORDER BY step_ratio ASC, key ASC LIMIT/)) {
      expect(plan).toMatch(/INDEX trial_results_ratio/);
      expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
    for (const plan of planOf(/outcome = @outcome\s+ORDER BY key/)) {
      expect(plan).toMatch(/INDEX trial_results_outcome/);
    }
    for (const plan of planOf(/^SELECT count\(\*\) AS n FROM/)) {
      expect(plan).toMatch(/COVERING INDEX trial_results_outcome/);
    }
    for (const plan of planOf(/FROM trajectory/)) {
      expect(plan).toMatch(/PRIMARY KEY \(sweep_id=\? AND key=\?\)/);
    }
  });
});
