import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { loadTrials, openPlotDb } from '../../src/plot/data.js';
import { escapeCells } from '../../src/plot/figures/escape-map.js';
import { escapeTimePoints } from '../../src/plot/figures/escape-time.js';
import { landingPoints } from '../../src/plot/figures/landing.js';
import { makeFigure, type PlotKind } from '../../src/plot/index.js';
import {
  buildFixtureDb,
  DEPTHS,
  type FixtureTrial,
  LANDING_RATIO,
  predictedEscape,
  RATIOS,
  SHARPNESS,
  TRAJECTORY_STEPS,
} from './fixture.js';
import { markLabels, svgTexts, xmlProblems } from './xml.js';

let db: string;
let trials: FixtureTrial[];

beforeAll(() => {
  db = join(mkdtempSync(join(tmpdir(), 'sharpsweep-plot-')), 'fixture.sqlite');
  trials = buildFixtureDb(db);
});

async function svgOf(kind: PlotKind, extra: object = {}): Promise<string> {
  const { figure } = await makeFigure({
    kind, format: 'svg', db, sweep: 'fixture', ...extra,
  });

  return figure.data as string;
}

describe('escape map', () => {
  it('counts escaped and diverged over non-failed trials per cell', () => {
    const reader = openPlotDb(db);
    const cells = escapeCells(loadTrials(reader, 'fixture'), 'depth');
    reader.close();

    expect(cells).toHaveLength(DEPTHS.length * RATIOS.length);
    for (const cell of cells) {
      const members = trials.filter((t) => t.depth === cell.group &&
        t.ratio === cell.ratio && t.outcome !== 'failed');
      const left = members.filter((t) =>
        t.outcome === 'escaped' || t.outcome === 'diverged');
      expect(cell.total).toBe(members.length);
      expect(cell.fraction).toBeCloseTo(left.length / members.length, 12);
      expect(cell.lo).toBeLessThan(cell.ratio);
      expect(cell.hi).toBeGreaterThan(cell.ratio);
    }
  });

  it('draws one cell per (ratio, depth), the ρ = 1 rule and titled axes', async () => {
    const svg = await svgOf('escape-map');

    expect(xmlProblems(svg)).toEqual([]);
    expect(markLabels(svg, 'layer_0_marks')).toHaveLength(6);
    expect(markLabels(svg, 'layer_2_marks')).toEqual(['rho: 1']);

    // The fixture's ratios 0.8 and 1.2 meet at 1: the rule must sit on
    // the left edge of the ρ = 1.2 cells.
    const rule = /layer_2_marks"[^>]*><line[^>]*translate\(([\d.]+),/.exec(svg);
    const cell = /<path aria-label="[^"]*ρ: 1\.2;[^"]*"[^>]*d="M([\d.]+),/.exec(svg);
    expect(Number(rule![1])).toBeCloseTo(Number(cell![1]), 6);

    const texts = svgTexts(svg);
    expect(texts).toContain('step ratio ρ = ηλ_max/2');
    expect(texts).toContain('depth L');
    expect(texts).toContain('escape fraction');
    expect(texts).toContain('Escape fraction — fixture');
  });

  it('splits by another axis on request', async () => {
    const svg = await svgOf('escape-map', { axis: 'direction' });

    expect(svgTexts(svg)).toContain('perturbation direction');
    expect(markLabels(svg, 'layer_0_marks')).toHaveLength(RATIOS.length);
  });
});

describe('landing', () => {
  it('places every escaped trial at (2/η, λ_end) with λ_end η/2 stored', () => {
    const reader = openPlotDb(db);
    const points = landingPoints(loadTrials(reader, 'fixture'), 'depth');
    reader.close();

    const escaped = trials.filter((t) => t.outcome === 'escaped');
    expect(points).toHaveLength(escaped.length);
    for (const point of points) {
      const trial = escaped.find((t) => t.key === point.key)!;
      // η = 2ρ/λ, so 2/η = λ/ρ.
      expect(point.threshold).toBeCloseTo(SHARPNESS[trial.depth] / trial.ratio, 10);
      expect(point.landing / point.threshold).toBeCloseTo(LANDING_RATIO, 12);
    }
  });

  it('draws the points and the λ = 2/η line on log axes', async () => {
    const svg = await svgOf('landing');

    expect(xmlProblems(svg)).toEqual([]);
    expect(markLabels(svg, 'layer_2_marks')).toHaveLength(
      trials.filter((t) => t.outcome === 'escaped').length);
    expect(svg).toMatch(/role-mark layer_0_marks"[^>]*aria-roledescription="line mark container"/);
    const texts = svgTexts(svg);
    expect(texts).toContain('λ = 2/η');
    expect(texts).toContain('stability threshold 2/η');
    expect(texts).toContain('landing sharpness λ_max(w_end)');
    expect(svg).toMatch(/for a log scale/);
  });
});

describe('escape time', () => {
  it('pairs observed and predicted steps of escaped and diverged trials', () => {
    const reader = openPlotDb(db);
    const points = escapeTimePoints(loadTrials(reader, 'fixture'), 'depth');
    reader.close();

    const left = trials.filter((t) =>
      t.outcome === 'escaped' || t.outcome === 'diverged');
    expect(points).toHaveLength(left.length);
    for (const point of points) {
      const trial = left.find((t) => t.key === point.key)!;
      expect(point.predicted).toBeCloseTo(predictedEscape(trial.ratio), 10);
      expect(point.outcome).toBe(trial.outcome);
    }
  });

  it('draws the diagonal and an outcome legend', async () => {
    const svg = await svgOf('escape-time');

    expect(xmlProblems(svg)).toEqual([]);
    const texts = svgTexts(svg);
    expect(texts).toContain('observed = predicted');
    expect(texts).toContain('observed escape step');
    expect(texts).toContain('diverged');
    expect(texts).toContain('escaped');
  });
});

describe('trajectories', () => {
  it('shows a default selection of one setting across the ratios', async () => {
    const svg = await svgOf('trajectories');

    expect(xmlProblems(svg)).toEqual([]);
    // Fixture: depth 2, seed 0 has samples at every ratio.
    const lines = svg.match(/mark-line role-mark concat_0_layer_0_marks/g);
    expect(lines).toHaveLength(RATIOS.length);
    const texts = svgTexts(svg);
    expect(texts).toContain('ρ=0.8 stayed');
    expect(texts).toContain('ρ=1.6 escaped');
    expect(texts).toContain('GD step t');
    expect(texts).toContain('distance ‖w − w*‖');
  });

  it('draws exactly the trials named by key prefix', async () => {
    const named = trials.filter((t) => t.depth === 2 && t.seed === 0 &&
      t.ratio > 1);
    const svg = await svgOf('trajectories', {
      keys: named.map((t) => t.key.slice(0, 7)),
    });

    const lines = svg.match(/mark-line role-mark concat_1_layer_0_marks/g);
    expect(lines).toHaveLength(named.length);
    // Each line has one symbol per stored sample with a positive value.
    const points = markLabels(svg, 'concat_1_layer_1_marks');
    expect(points).toHaveLength(named.length * TRAJECTORY_STEPS.length);
  });
});

describe('figure size', () => {
  it.each(['escape-map', 'landing', 'trajectories'] as const)(
    '%s fills exactly the requested size',
    async (kind) => {
      const { figure } = await makeFigure({
        kind, format: 'svg', db, sweep: 'fixture',
        size: { width: 640, height: 400 },
      });
      const root = /<svg\b[^>]*>/.exec(figure.data as string)![0];

      expect(root).toContain('width="640"');
      expect(root).toContain('height="400"');
      expect(figure.width).toBe(640);
      expect(figure.height).toBe(400);
    },
  );
});
