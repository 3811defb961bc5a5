import { describe, expect, it } from 'vitest';

import { familySweep, sharpnessAt } from '../../src/plot/family.js';
import { makeFigure } from '../../src/plot/index.js';
import { markLabels, svgTexts, xmlProblems } from './xml.js';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('sharpness along a family', () => {
  it('matches the scalar-chain closed form along the imbalanced family', () => {
    // All d_i = 1, M = m: |w_i| = |m|^{1/L} e^{s t_i}, t = (−1, 0, 1), so
    // λ_max = 2 Σ_i Π_{j≠i} w_j² = 2 Σ_i m² / w_i² (DESIGN.md §1.1).
    const m = 1.5;
    const depth = 3;
    const t = [-1, 0, 1];
    for (const spread of [0, 0.3, 1.1]) {
      const point = sharpnessAt(
        [1, 1, 1, 1],
        { kind: 'scalar', value: m },
        { family: 'imbalanced', spread },
        0,
        spread,
      );
      const expected = 2 * t.reduce((sum, ti) =>
        sum + m ** 2 / (m ** (2 / depth) * Math.exp(2 * spread * ti)), 0);

      expect(relative(point.sharpness, expected)).toBeLessThan(1e-12);
      const byName = Object.fromEntries(point.forms.map((f) => [f.name, f]));
      for (const name of ['spectralNormSum', 'scalarChain', 'rankOne']) {
        expect(byName[name].exact).toBe(true);
        expect(Math.abs(byName[name].relativeError)).toBeLessThan(1e-12);
      }
      expect(byName.flatMinimum.exact).toBe(spread === 0);
    }
  });

  it('keeps the bounds on the right side of the exact value', () => {
    const points = familySweep([2, 3, 3, 2], {
      family: 'random', from: 0.5, to: 2, points: 7, seed: 3,
    });

    for (const point of points) {
      const byName = Object.fromEntries(point.forms.map((f) => [f.name, f]));
      // Upper bound, lower bounds (DESIGN.md §1.1), to round-off.
      expect(byName.spectralNormSum.relativeError).toBeGreaterThan(-1e-12);
      expect(byName.rankOne.relativeError).toBeLessThan(1e-12);
      expect(byName.flatMinimum.relativeError).toBeLessThan(1e-12);
      // L = 3 with d_0, d_L ≥ 2: none of them is exact for the shape.
      expect(point.forms.every((f) => !f.exact)).toBe(true);
    }
  });

  it('is exact at depth 2 for the spectral, depth-2 and rank-one forms', () => {
    const point = sharpnessAt([3, 4, 2], { kind: 'gaussian', scale: 1 },
      { family: 'random', scale: 1 }, 5);

    for (const form of point.forms) {
      const exact = form.name !== 'flatMinimum';
      expect(form.exact).toBe(exact);
      if (exact) expect(Math.abs(form.relativeError)).toBeLessThan(1e-10);
    }
  });
});

describe('sharpness figure', () => {
  it('fills the markers of the forms exact for the shape only', async () => {
    const { figure } = await makeFigure({
      kind: 'sharpness', format: 'svg', dims: [1, 1, 1, 1], points: 5,
    });
    const svg = figure.data as string;

    expect(xmlProblems(svg)).toEqual([]);
    // All widths 1: the exact value, spectral-norm sum, scalar chain and
    // rank-one are exact at all 5 points; the flat-minimum bound only at
    // the balanced point, spread 0.
    expect(markLabels(svg, 'concat_0_layer_1_marks')).toHaveLength(5 * 4 + 1);
    expect(markLabels(svg, 'concat_0_layer_2_marks')).toHaveLength(4);

    const texts = svgTexts(svg);
    for (const label of ['exact 2λ_max(T)', 'spectral-norm sum (upper)',
      'scalar chain', 'rank-one (lower)', 'flat minimum (lower)',
      'imbalance spread s']) {
      expect(texts).toContain(label);
    }
    expect(texts).not.toContain('depth-2 form');
  });
});
