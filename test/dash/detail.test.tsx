import './no-ci.js';

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';

import { Dashboard } from '../../src/dash/components/dashboard.js';
import { inlineSource, type DashSource } from '../../src/dash/source.js';
import {
  addSweep,
  addTrials,
  escapeTrials,
  eventually,
  predictedEscapeStep,
  referenceCases,
  tempDatabase,
  type TempDb,
} from './helpers.js';

let temp: TempDb | null = null;
let source: DashSource | null = null;
let unmount = () => {};
afterEach(() => {
  unmount();
  source?.close();
  source = null;
  temp?.dispose();
  temp = null;
});

type Matrix = number[][];

function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) =>
    b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}

const squaredNorm = (m: Matrix) =>
  m.flat().reduce((sum, v) => sum + v * v, 0);

/**
 * The spectral-norm sum 2 Σ_i ‖A_i‖₂² ‖B_i‖₂² (DESIGN.md §1.1). With
 * d_0 = d_L = 1, A_i is a row and B_i a column, so the spectral norms are
 * Euclidean norms, and the sum is the exact sharpness.
 */
function spectralNormSum(factors: Matrix[]): number {
  let total = 0;
  for (let i = 0; i < factors.length; i++) {
    const below = factors.slice(0, i).reduce<Matrix | null>(
      (acc, w) => (acc === null ? w : multiply(w, acc)), null);
    const above = factors.slice(i + 1).reduce<Matrix | null>(
      (acc, w) => (acc === null ? w : multiply(w, acc)), null);
    total += (above === null ? 1 : squaredNorm(above)) *
      (below === null ? 1 : squaredNorm(below));
  }

  return 2 * total;
}

function numberAfter(frame: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`${escaped}\\s+(\\S+)`).exec(frame);
  if (match === null) throw new Error(`no "${label}" in\n${frame}`);

  return Number(match[1]);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('the trial detail', () => {
  it('shows a reference escape with its step, steps, landing and the ' +
    'exact closed form', async () => {
    const chosen = referenceCases().escapes[1];
    expect(chosen.stepRatio).toBe(1.2);
    const closedForm = spectralNormSum(chosen.factors);
    // Independent check of the fixture: the closed form is exact here.
    expect(relative(closedForm, chosen.sharpness)).toBeLessThan(1e-9);

    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'reference', { total: 5 });
    const trials = escapeTrials();
    trials[1].result = {
      closedForms: { 'spectral-norm sum': { value: closedForm, exact: true } },
    };
    addTrials(temp.db, sweep, trials);
    // Synthetic samples: a loss from 1e-3 down to 2e-21, a distance from
    // 1e-6 up to 0.5, at log-spaced steps.
    const samples = [0, 1, 3, 9, 27, 81, 243].map((step, i) => ({
      step, loss: 1e-3 * 10 ** (-3 * i) * 2, distance: 1e-6 * 10 ** i * 0.5,
    }));
    const insert = temp.db.prepare(
      `INSERT INTO trajectory (sweep_id, key, step, loss, distance)
       VALUES (?, 'ref1', ?, ?, ?)`);
    for (const s of samples) insert.run(sweep, s.step, s.loss, s.distance);

    source = inlineSource(temp.path);
    const app = render(<Dashboard source={source} pollMs={50} />);
    unmount = () => app.unmount();
    const frame = () => app.lastFrame() ?? '';
    const until = (text: string | RegExp) => eventually(
      () => (typeof text === 'string' ? frame().includes(text)
        : text.test(frame())) && frame(), 3000, String(text));
    const press = async (key: string) => {
      app.stdin.write(key);
      await new Promise((resolve) => setTimeout(resolve, 30));
    };

    await until('▶ reference');
    for (const key of ['\t', '\t', '\t']) await press(key);
    // Sorted by ρ: 0.8, 0.9, then the case at 1.2.
    await until('▶ ref0');
    await press('j');
    await press('j');
    await until('▶ ref1');
    await press('\r');
    const detail = await until('trial ref1');

    expect(detail).toContain('dims [1,4,4,4,4,4,1]');
    expect(detail).toMatch(/outcome\s+escaped/);
    expect(relative(numberAfter(detail, '2/η'), 2 / chosen.stepSize))
      .toBeLessThan(1e-9);
    expect(relative(numberAfter(detail, 'λmax'), chosen.sharpness))
      .toBeLessThan(1e-9);
    expect(relative(numberAfter(detail, 'final λ'), chosen.finalSharpness))
      .toBeLessThan(1e-9);
    expect(numberAfter(detail, 'observed')).toBe(chosen.escapeStep);
    expect(relative(numberAfter(detail, 'predicted'),
      predictedEscapeStep(chosen)!)).toBeLessThan(5e-4);
    const landing = numberAfter(detail, 'landing λη/2');
    expect(relative(landing, (chosen.finalSharpness * chosen.stepSize) / 2))
      .toBeLessThan(5e-4);
    expect(landing).toBeLessThanOrEqual(1);

    const formLine = detail.split('\n')
      .find((line) => line.startsWith('spectral-norm sum'))!;
    expect(relative(numberAfter(formLine, 'spectral-norm sum'),
      chosen.sharpness)).toBeLessThan(1e-9);
    expect(formLine).toContain('exact for this shape');

    // The charts' decades span the samples' extremes.
    const losses = samples.map((s) => s.loss);
    const distances = samples.map((s) => s.distance);
    const decade = (v: number, round: (x: number) => number) =>
      `1e${round(Math.log10(v))}`;
    expect(detail).toContain(`${decade(Math.max(...losses), Math.ceil)}┤`);
    expect(detail).toContain(`${decade(Math.min(...losses), Math.floor)}┤`);
    expect(detail).toContain(`${decade(Math.max(...distances), Math.ceil)}┤`);
    expect(detail).toContain(
      `${decade(Math.min(...distances), Math.floor)}┤`);
    expect(detail).toContain('└step 0');
    expect(detail).toContain('243');

    await press('\u001b');
    await until('▶ ref1');
  });
});
