import { describe, expect, it } from 'vitest';
import { runEscape } from '../../src/escape/index.js';
import { cases, relErr } from './cases.js';

describe('reference escapes (cases.json), reference protocol', () => {
  cases.escapes.forEach((c, k) => {
    const label = `case ${k} dims ${c.dims.join('-')} ρ=${c.stepRatio}`;

    for (const earlyStop of [false, true]) {
      it(`${label} earlyStop=${earlyStop}: outcome, escape step, landing`, () => {
        const result = runEscape({
          factors: c.factors,
          target: c.target,
          stepSize: c.stepSize,
          radius: c.radius,
          direction: c.direction,
          maxSteps: c.maxSteps,
          escapeDistance: c.escapeDistance,
          earlyStop,
        });
        expect(relErr(result.sharpness, c.sharpness)).toBeLessThan(1e-9);
        expect(result.outcome).toBe(c.outcome);
        expect(result.escapeStep).toBe(c.escapeStep);
        expect(relErr(result.finalSharpness!, c.finalSharpness)).toBeLessThan(
          1e-6,
        );
        if (!earlyStop) expect(result.steps).toBe(c.maxSteps);
        expect(result.finalLoss!).toBeLessThan(1e-20);
      });
    }
  });
});
