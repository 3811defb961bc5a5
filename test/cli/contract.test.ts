import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { cli, referenceCases } from './helpers.js';

// Values from the independent NumPy/PyTorch implementation in
// ../shared/reference (never edited here).
const cases = JSON.parse(readFileSync(referenceCases, 'utf8'));

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

function runJson(command: string, input: unknown) {
  const result = cli([command, '--input', '-', '--json'], {
    input: JSON.stringify(input),
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);

  return JSON.parse(result.stdout);
}

describe('sharpsweep sharpness --json on the reference cases', () => {
  it.each(cases.minimizers.map((c: any, i: number) => [i, c]))(
    'minimizer %i: sharpness to 1e-9 relative',
    (_, c: any) => {
      const out = runJson('sharpness', {
        factors: c.factors,
        target: c.target,
      });
      expect(out.atMinimizer).toBe(true);
      expect(relativeError(out.sharpness, c.sharpness)).toBeLessThan(1e-9);
      expect(out.bounds.lower).toBeLessThanOrEqual(
        out.sharpness * (1 + 1e-9),
      );
      expect(out.bounds.upper).toBeGreaterThanOrEqual(
        out.sharpness * (1 - 1e-9),
      );
      for (const form of Object.values<any>(out.closedForms)) {
        if (form.exact) {
          expect(relativeError(form.value, c.sharpness)).toBeLessThan(1e-9);
        }
      }
    },
  );

  it('defaults the target to the product of the factors', () => {
    const c = cases.minimizers[2];
    const out = runJson('sharpness', { factors: c.factors });
    expect(out.loss).toBe(0);
    expect(relativeError(out.sharpness, c.sharpness)).toBeLessThan(1e-9);
  });

  it.each(cases.nonMinimizers.map((c: any, i: number) => [i, c]))(
    'non-minimizer %i: λ_max, λ_min and loss to 1e-8 relative',
    (_, c: any) => {
      const out = runJson('sharpness', {
        factors: c.factors,
        target: c.target,
      });
      expect(out.atMinimizer).toBe(false);
      expect(relativeError(out.sharpness, c.lambdaMax)).toBeLessThan(1e-8);
      expect(relativeError(out.lambdaMin, c.lambdaMin)).toBeLessThan(1e-8);
      expect(relativeError(out.loss, c.loss)).toBeLessThan(1e-8);
    },
  );
});

describe('sharpsweep escape --json on the reference cases', () => {
  it.each(cases.escapes.map((c: any, i: number) => [i, c]))(
    'escape %i: outcome and escape step exact, final sharpness 1e-6',
    (_, c: any) => {
      const out = runJson('escape', {
        factors: c.factors,
        target: c.target,
        stepSize: c.stepSize,
        radius: c.radius,
        direction: c.direction,
        maxSteps: c.maxSteps,
        escapeDistance: c.escapeDistance,
      });
      expect(out.outcome).toBe(c.outcome);
      expect(out.escapeStep).toBe(c.escapeStep);
      expect(out.steps).toBe(c.maxSteps);
      expect(relativeError(out.sharpness, c.sharpness)).toBeLessThan(1e-9);
      expect(relativeError(out.finalSharpness, c.finalSharpness)).toBeLessThan(
        1e-6,
      );
      expect(out.finalLoss).toBeLessThan(1e-20);
    },
  );

  it('accepts a step ratio instead of a step size', () => {
    const c = cases.escapes[1];
    const out = runJson('escape', {
      factors: c.factors,
      stepRatio: c.stepRatio,
      radius: c.radius,
      direction: 'top',
      maxSteps: c.maxSteps,
      escapeDistance: c.escapeDistance,
    });
    expect(relativeError(out.stepSize, c.stepSize)).toBeLessThan(1e-9);
    expect(out.escapeStep).toBe(c.escapeStep);
  });
});
