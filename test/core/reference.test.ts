import { describe, expect, it } from 'vitest';
import { chainFromFactors } from '../../src/dmf/index.js';
import { fromRows } from '../../src/linalg/index.js';
import {
  hessianExtremes,
  minimizerSharpness,
  sharpnessReport,
} from '../../src/sharpness/index.js';
import { cases, relErr } from './cases.js';

describe('reference minimizers (cases.json)', () => {
  cases.minimizers.forEach((c, k) => {
    it(`case ${k} dims ${c.dims.join('-')}: sharpness to 1e-9`, () => {
      const report = sharpnessReport(c.factors, c.target);
      expect(report.atMinimizer).toBe(true);
      expect(relErr(report.sharpness, c.sharpness)).toBeLessThan(1e-9);
    });

    it(`case ${k}: dense T and Lanczos T agree to 1e-9`, () => {
      const chain = chainFromFactors(c.factors);
      const dense = minimizerSharpness(chain, { denseLimit: 1e9 });
      const krylov = minimizerSharpness(chain, { denseLimit: 0 });
      expect(dense.route).toBe('dense');
      expect(krylov.route).toBe('lanczos');
      expect(relErr(krylov.sharpness, dense.sharpness)).toBeLessThan(1e-9);
    });

    it(`case ${k}: full Hessian λ_max equals the T route`, () => {
      const chain = chainFromFactors(c.factors);
      const ext = hessianExtremes(chain, fromRows(c.target));
      expect(relErr(ext.lambdaMax, c.sharpness)).toBeLessThan(1e-9);
    });
  });
});

describe('reference non-minimizers (cases.json)', () => {
  cases.nonMinimizers.forEach((c, k) => {
    it(`case ${k} dims ${c.dims.join('-')}: λ_max, λ_min, loss`, () => {
      const report = sharpnessReport(c.factors, c.target);
      expect(report.atMinimizer).toBe(false);
      expect(relErr(report.sharpness, c.lambdaMax)).toBeLessThan(1e-8);
      expect(relErr(report.lambdaMin!, c.lambdaMin)).toBeLessThan(1e-8);
      expect(relErr(report.loss, c.loss)).toBeLessThan(1e-12);
    });

    it(`case ${k}: Lanczos on HVPs matches the reference`, () => {
      const chain = chainFromFactors(c.factors);
      const ext = hessianExtremes(chain, fromRows(c.target), {
        denseLimit: 0,
      });
      expect(ext.route).toBe('lanczos');
      expect(relErr(ext.lambdaMax, c.lambdaMax)).toBeLessThan(1e-8);
      expect(relErr(ext.lambdaMin, c.lambdaMin)).toBeLessThan(1e-8);
    });
  });
});
