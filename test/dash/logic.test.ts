import { describe, expect, it } from 'vitest';

import { densityRows, logLineChart } from '../../src/dash/charts.js';
import { parseFilter } from '../../src/dash/filter.js';
import { buildPhaseGrid } from '../../src/dash/phase-grid.js';
import {
  chooseColumns,
  GROUP_LIMIT,
} from '../../src/dash/ratio-columns.js';
import {
  parseTime,
  RateTracker,
  STALE_AFTER_MS,
  sweepStats,
} from '../../src/dash/progress.js';
import { initialState, reduce, VIEWS } from '../../src/dash/state.js';
import type { SweepInfo } from '../../src/dash/types.js';

describe('the filter prompt', () => {
  it('reads columns, aliases, operators and lists', () => {
    const parsed = parseFilter('outcome=escaped,diverged depth=3 ratio>1');
    expect(parsed).toEqual({
      ok: true,
      terms: [
        { column: 'outcome', op: '=', values: ['escaped', 'diverged'] },
        { column: 'depth', op: '=', values: [3] },
        { column: 'step_ratio', op: '>', values: [1] },
      ],
    });
    expect(parseFilter('   ')).toEqual({ ok: true, terms: [] });
    expect(parseFilter('escape_step=null')).toMatchObject({
      ok: true, terms: [{ values: [null] }],
    });
  });

  it('names what is wrong instead of guessing', () => {
    const message = (text: string) => {
      const parsed = parseFilter(text);
      return parsed.ok ? null : parsed.message;
    };
    expect(message('colour=red')).toMatch(/unknown column "colour"/);
    expect(message('depth=three')).toMatch(/depth is a number/);
    expect(message('outcome=left')).toMatch(/outcome is one of/);
    expect(message('depth')).toMatch(/not column=value/);
    expect(message('ratio>1,2')).toMatch(/takes one value/);
    expect(message('depth=')).toMatch(/needs a value/);
  });
});

describe('ratio columns', () => {
  it('keep distinct ratios when they fit, split after ρ = 1', () => {
    const columns = chooseColumns([0.5, 1, 1.5], 5, () => {
      throw new Error('extremes are only needed for bins');
    });
    expect(columns).toEqual({ kind: 'distinct', values: [0.5, 1, 1.5],
      split: 2 });
  });

  it('merge neighbouring ratios into runs, never across ρ = 1', () => {
    const ratios = [0.5, 0.8, 0.9, 0.95, 0.99, 1, 1.01, 1.05, 1.1, 1.2, 1.4];
    const columns = chooseColumns(ratios, 4, () => {
      throw new Error('extremes are only needed for bins');
    });
    if (columns.kind !== 'grouped') throw new Error('expected groups');
    expect(columns.groups).toHaveLength(4);
    expect(columns.groups.flat()).toEqual(ratios);
    // Six ratios ≤ 1 and five above: two columns each side.
    expect(columns.split).toBe(2);
    expect(columns.groups.slice(0, 2).flat().every((r) => r <= 1))
      .toBe(true);
    const sizes = columns.groups.map((g) => g.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('share bins between the sides by span, each side its own', () => {
    // More distinct ratios than are ever grouped.
    const many = Array.from({ length: GROUP_LIMIT + 1 }, (_, i) =>
      0.1 + i * 0.01);
    const columns = chooseColumns(many, 5, () => ({
      min: 0.1, max: 4, highestStable: 0.9, lowestUnstable: 1.1,
    }));
    if (columns.kind !== 'binned') throw new Error('expected bins');
    // Spans 0.8 below and 2.9 above: one bin below, four above.
    expect(columns.split).toBe(1);
    expect(columns.bins[0]).toEqual([0.1, 0.9]);
    expect(columns.bins[1][0]).toBe(1.1);
    expect(columns.bins[4][1]).toBe(4);
  });
});

describe('the phase grid', () => {
  it('counts as left what the query marks left, failures apart, and '
    + 'flags cells against linear stability', () => {
    const grid = buildPhaseGrid({
      axis: 'depth',
      columns: { kind: 'distinct', values: [0.5, 2], split: 1 },
      counts: [
        { value: 3, column: 0, outcome: 'stayed', left: false, count: 3 },
        { value: 3, column: 0, outcome: 'escaped', left: true, count: 1 },
        { value: 3, column: 1, outcome: 'diverged', left: true, count: 2 },
        { value: 3, column: 1, outcome: 'escaped', left: true, count: 1 },
        // Passed δ without settling anywhere: left.
        { value: 3, column: 1, outcome: 'unconverged', left: true, count: 2 },
        { value: 3, column: 1, outcome: 'unconverged', left: false, count: 1 },
        { value: 3, column: 1, outcome: 'failed', left: false, count: 5 },
        { value: 2, column: 0, outcome: 'stayed', left: false, count: 4 },
        { value: 2, column: null, outcome: 'failed', left: false, count: 2 },
      ],
    });

    expect(grid.rows.map((r) => r.label)).toEqual(['2', '3']);
    const [two, three] = grid.rows;
    expect(two.cells[0]).toMatchObject({ fraction: 0, disagrees: false });
    expect(two.cells[1].fraction).toBeNull();
    expect(three.cells[0]).toMatchObject({ fraction: 1 / 4, disagrees: true });
    expect(three.cells[1]).toMatchObject({
      left: 5, unconverged: 1, failed: 5, fraction: 5 / 6, disagrees: false,
    });
    expect(grid.all.cells[0]).toMatchObject({ left: 1, stayed: 7 });
    expect(grid.withoutRatio).toBe(2);
  });
});

describe('progress', () => {
  const sweep = (run: Partial<SweepInfo['run']> | null): SweepInfo => ({
    id: 1, name: 's', total: 1000, done: 250, failed: 0, updatedAt: '',
    run: run === null ? null : {
      id: 1, executor: 'local', status: 'running', workers: 4, busy: 4,
      completed: 250, rate: 5, startedAt: '2026-01-01T00:00:00.000Z',
      heartbeatAt: '2026-01-01T00:00:50.000Z', endedAt: null, ...run,
    },
  });
  const at = (iso: string) => Date.parse(iso);

  it('takes SQLite times as UTC', () => {
    expect(parseTime('2026-01-01 00:00:10'))
      .toBe(at('2026-01-01T00:00:10.000Z'));
    expect(parseTime('garbage')).toBeNull();
  });

  it('gives the ETA as remaining trials over the rate', () => {
    const stats = sweepStats(sweep({}), null, at('2026-01-01T00:00:55Z'));
    expect(stats.state).toBe('running');
    expect(stats.fraction).toBe(0.25);
    expect(stats.elapsedSeconds).toBe(55);
    expect(stats.etaSeconds).toBe((1000 - 250) / 5);
  });

  it('calls a running run stale once its heartbeat is old', () => {
    const beat = at('2026-01-01T00:00:50Z');
    expect(sweepStats(sweep({}), null, beat + STALE_AFTER_MS - 1).state)
      .toBe('running');
    const stale = sweepStats(sweep({}), null, beat + STALE_AFTER_MS + 1);
    expect(stale.state).toBe('stale');
    expect(stale.etaSeconds).toBeNull();
  });

  it('derives a rate from counter deltas when the run gives none', () => {
    const rates = new RateTracker();
    rates.add(1, 100, 0);
    rates.add(1, 130, 1500);
    rates.add(1, 160, 3000);
    expect(rates.rate(1, 3000)).toBe(20);
    const stats = sweepStats(sweep({ rate: null }), rates.rate(1, 3000),
      at('2026-01-01T00:00:55Z'));
    expect(stats.rate).toBe(20);
    // Nothing more stored for another three seconds: half the speed.
    rates.add(1, 160, 4500);
    expect(rates.rate(1, 6000)).toBe(10);
  });
});

describe('key handling state', () => {
  it('cycles views both ways and closes a detail on the way', () => {
    let state = initialState();
    for (const view of [...VIEWS.slice(1), VIEWS[0]]) {
      state = reduce(state, { type: 'view', step: 1 });
      expect(state.view).toBe(view);
    }
    state = reduce({ ...state, detail: 'k' }, { type: 'view', step: -1 });
    expect(state).toMatchObject({ view: 'failures', detail: null });
  });

  it('keeps a bad filter in the prompt with the reason', () => {
    let state = reduce(initialState(), { type: 'prompt-open' });
    state = reduce(state, { type: 'prompt-type', text: 'depth=' });
    state = reduce(state, { type: 'prompt-type', text: 'xy' });
    state = reduce(state, { type: 'prompt-erase' });
    state = reduce(state, { type: 'prompt-submit' });
    expect(state.prompt?.error).toMatch(/depth is a number/);
    expect(state.filters).toEqual([]);
  });
});

describe('charts', () => {
  it('draw a decaying loss from the top-left to the bottom-right', () => {
    const points = [1, 10, 100, 1000].map((step, i) => ({
      x: step,
      y: 10 ** (-2 * i),
    }));
    const lines = logLineChart(points, 40, 5);
    expect(lines).toHaveLength(6);
    expect(lines.every((line) => line.length === 40)).toBe(true);
    expect(lines[0]).toMatch(/^ +1e0┤•/);
    expect(lines[4]).toMatch(/1e-6┤.*•$/);
  });

  it('mark the fullest density bin darkest', () => {
    const rows = densityRows([
      { x: 0, y: 0, count: 1 },
      { x: 1, y: 1, count: 100 },
    ], 2, 2);
    expect(rows).toEqual([[' ', '#'], ['·', ' ']]);
  });
});
