import { describe, expect, it } from 'vitest';
import { createChain } from '../../src/dmf/index.js';
import { fromRows } from '../../src/linalg/index.js';
import {
  plannedSampleSteps,
  runEscape,
  sharpnessAt,
  runTrial,
  type TrialSpec,
} from '../../src/escape/index.js';
import { InputError } from '../../src/errors.js';
import { cases, relErr } from './cases.js';

const base = cases.escapes[3]; // dims 2-3-3-2, reference minimizer

function spec(overrides: Partial<TrialSpec> = {}): TrialSpec {
  return {
    dims: [2, 3, 3, 2],
    target: { kind: 'gaussian', scale: 1 },
    minimizer: { family: 'imbalanced', spread: 0.3 },
    radius: 1e-6,
    direction: 'top',
    step: { ratio: 1.3 },
    gd: {
      maxSteps: 3000,
      escapeDistance: 1e-3,
      convergedLoss: 1e-20,
      earlyStop: false,
    },
    seed: 7,
    trajectorySamples: 16,
    trajectorySharpness: true,
    ...overrides,
  };
}

describe('runTrial', () => {
  it('same spec → bitwise identical result', () => {
    const a = runTrial(spec());
    const b = runTrial(spec());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = runTrial(spec({ seed: 8 }));
    expect(c.sharpness).not.toBe(a.sharpness);
  });

  it('runs every minimizer family and direction', () => {
    const families: TrialSpec['minimizer'][] = [
      { family: 'balanced' },
      { family: 'imbalanced', spread: 0.5 },
      { family: 'random', scale: 1 },
      { family: 'targeted', sharpness: 40 },
    ];
    for (const minimizer of families) {
      for (const direction of ['top', 'random', 'flattest'] as const) {
        const r = runTrial(spec({ minimizer, direction, step: { ratio: 0.7 } }));
        expect(r.outcome).toBe('stayed');
        expect(r.stepRatio).toBeCloseTo(0.7, 12);
        if (minimizer.family === 'targeted') {
          expect(relErr(r.sharpness, 40)).toBeLessThan(1e-8);
        }
        if (direction === 'top') expect(r.topOverlap).toBeCloseTo(1, 12);
      }
    }
  });
});

describe('runEscape protocol', () => {
  const input = {
    factors: base.factors,
    target: base.target,
    radius: 1e-6,
    escapeDistance: 1e-3,
  };

  it('trajectory: ≤ samples, log-spaced, from step 0 to the last step', () => {
    const r = runEscape({ ...input, stepRatio: 1.3, maxSteps: 2000, trajectorySamples: 10 });
    const steps = r.trajectory.map((s) => s.step);
    expect(steps.length).toBeLessThanOrEqual(10);
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(r.steps);
    expect(relErr(r.trajectory[0].distance, 1e-6)).toBeLessThan(1e-9);
    expect(relErr(r.trajectory[0].topComponent, 1e-6)).toBeLessThan(1e-9);
    expect(plannedSampleSteps(1000, 4)).toEqual([0, 1, 32, 1000]);
  });

  it('predicted escape step is ln(δ/r)/ln(2ρ−1) along v_1', () => {
    const r = runEscape({ ...input, stepRatio: 1.3, maxSteps: 3000 });
    const want = Math.log(1e-3 / 1e-6) / Math.log(2 * 1.3 - 1);
    expect(r.predictedEscapeStep).toBeCloseTo(want, 8);
    expect(r.outcome).toBe('escaped');
    expect(Math.abs(r.escapeStep! - want)).toBeLessThan(3);
    expect(r.landingRatio!).toBeLessThan(1);
    const stable = runEscape({ ...input, stepRatio: 0.9, maxSteps: 10 });
    expect(stable.predictedEscapeStep).toBeNull();
  });

  it('a far too large step diverges with null loss and sharpness', () => {
    const r = runEscape({ ...input, stepRatio: 20, maxSteps: 3000 });
    expect(r.outcome).toBe('diverged');
    expect(r.divergedStep).toBeGreaterThan(0);
    expect(r.steps).toBe(r.divergedStep);
    expect(r.finalLoss).toBeNull();
    expect(r.finalSharpness).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });

  it('too few steps leaves it unconverged, sharpness from the Hessian', () => {
    const r = runEscape({ ...input, stepRatio: 1.3, maxSteps: 30 });
    expect(r.outcome).toBe('unconverged');
    expect(r.steps).toBe(30);
    expect(r.finalLoss!).toBeGreaterThan(1e-20);
    expect(Number.isFinite(r.finalSharpness)).toBe(true);
  });

  it('rejects a start that is not a minimizer, or an ambiguous step', () => {
    const target = base.target.map((row) => row.map((x) => x + 0.1));
    expect(() =>
      runEscape({ ...input, target, stepRatio: 1, maxSteps: 1 }),
    ).toThrow(InputError);
    expect(() =>
      runEscape({ ...input, stepRatio: 1, stepSize: 0.01, maxSteps: 1 }),
    ).toThrow(/not both/);
  });
});

describe('early stopping never changes the recorded outcome', () => {
  const ratios = [0.5, 0.95, 1.05, 1.3, 1.9];
  const radii = [1e-13, 1e-9, 1e-6];
  for (const stepRatio of ratios) {
    for (const radius of radii) {
      for (const direction of ['top', 'random'] as const) {
        it(`ρ=${stepRatio} r=${radius} ${direction}`, () => {
          const run = (earlyStop: boolean) =>
            runEscape({
              factors: base.factors,
              target: base.target,
              stepRatio,
              radius,
              direction,
              seed: 3,
              maxSteps: 6000,
              escapeDistance: 1e-3,
              earlyStop,
            });
          const full = run(false);
          const early = run(true);
          expect(early.outcome).toBe(full.outcome);
          expect(early.escapeStep).toBe(full.escapeStep);
          expect(early.steps).toBeLessThanOrEqual(full.steps);
          if (full.finalSharpness !== null) {
            expect(
              relErr(early.finalSharpness!, full.finalSharpness),
            ).toBeLessThan(1e-6);
          }
        });
      }
    }
  }
});

describe('sharpness at far-off iterates', () => {
  it('is null, not an exception, when the Hessian overflows', () => {
    const chain = createChain([2, 2, 2, 2]);
    chain.params.fill(1e120);
    const target = fromRows([
      [1, 0],
      [0, 1],
    ]);
    expect(sharpnessAt(chain, target, 1e90, 1e-20)).toBeNull();
  });
});
