/**
 * Inputs the parser accepts must also be computable. The library fuzz in
 * test/plan/fuzz.test.ts stops at parsing; here inputs of extreme scale
 * (finite entries from 1e-320 to 1e300) go on through the numeric core:
 * a report with finite numbers, or a clean SharpsweepError, never an
 * infinite loss that passes for a minimizer or a crash.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { SharpsweepError } from '../../src/errors.js';
import { runEscape } from '../../src/escape/index.js';
import {
  parseEscapeInput,
  parseSharpnessInput,
} from '../../src/plan/index.js';
import { sharpnessReport } from '../../src/sharpness/index.js';
import { referenceCases } from '../cli/helpers.js';
import { seeded, type Random } from '../plan/random.js';

const reference = JSON.parse(readFileSync(referenceCases, 'utf8'));
const chains: { factors: number[][][]; target: number[][] }[] = [
  ...reference.minimizers,
  ...reference.nonMinimizers,
];

/** 10^k for k uniform in [-320, 300]: subnormal to near overflow. */
function extreme(random: Random): number {
  const sign = random.next() < 0.5 ? -1 : 1;

  return sign * 10 ** (-320 + random.next() * 620);
}

/** A reference chain with one factor, entry or the target rescaled. */
function rescaled(random: Random) {
  const { factors, target } = random.pick(chains);
  const chain = structuredClone({ factors, target });
  const scale = extreme(random);
  const factor = random.below(chain.factors.length);

  switch (random.below(3)) {
    case 0:
      chain.factors[factor] = chain.factors[factor].map((row) =>
        row.map((x) => x * scale));
      break;
    case 1: {
      const matrix = chain.factors[factor];
      matrix[random.below(matrix.length)][0] = scale;
      break;
    }
    default:
      chain.target = chain.target.map((row) => row.map((x) => x * scale));
  }

  return chain;
}

function finiteOrNull(value: unknown): boolean {
  return value === null || Number.isFinite(value);
}

describe('fuzz: extreme scales through parsing and computing', () => {
  it('600 rescaled chains: finite reports or clean errors', () => {
    const random = seeded(1e9 + 7);
    const tally = { computed: 0, refused: 0, numeric: 0 };

    for (let round = 0; round < 600; round++) {
      const chain = rescaled(random);
      // JSON turns an overflowed product into null: the parser sees it.
      const text = JSON.stringify(chain);
      const context = `round ${round}: ${text.slice(0, 200)}`;

      let input;
      try {
        input = parseSharpnessInput(text, 'scaled.json');
      } catch (error) {
        expect(error, context).toBeInstanceOf(SharpsweepError);
        tally.refused += 1;
        continue;
      }

      try {
        const report = sharpnessReport(input.factors, input.target);
        expect(Number.isFinite(report.loss), context).toBe(true);
        expect(Number.isFinite(report.sharpness), context).toBe(true);
        if (report.atMinimizer) {
          // The spectral-norm sum bounds the exact value (DESIGN.md §1.1).
          expect(report.sharpness, context).toBeLessThanOrEqual(
            report.bounds.upper * (1 + 1e-6) + 1e-300);
        }
        tally.computed += 1;
      } catch (error) {
        expect(error, context).toBeInstanceOf(SharpsweepError);
        tally.numeric += 1;
      }
    }

    // Both sides of the scale rule were exercised; a numeric failure
    // after the parser accepted an input is the exception.
    expect(tally.computed).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(100);
    expect(tally.numeric).toBeLessThan(tally.computed / 20);
  });

  it('200 rescaled escape trials: outcomes with finite or null numbers', () => {
    const random = seeded(424242);
    let ran = 0;

    for (let round = 0; round < 200; round++) {
      const chain = rescaled(random);
      const text = JSON.stringify({
        factors: chain.factors,
        stepRatio: 0.5 + random.next() * 4,
        radius: 1e-6,
        direction: random.pick(['top', 'random']),
        maxSteps: 40,
      });
      const context = `round ${round}: ${text.slice(0, 200)}`;

      try {
        const result = runEscape(parseEscapeInput(text, 'scaled.json'));
        for (const key of ['finalLoss', 'finalSharpness', 'escapeStep',
          'predictedEscapeStep', 'landingRatio'] as const) {
          expect(finiteOrNull(result[key]), `${context} ${key}`).toBe(true);
        }
        expect(['stayed', 'escaped', 'diverged', 'unconverged'])
          .toContain(result.outcome);
        ran += 1;
      } catch (error) {
        expect(error, context).toBeInstanceOf(SharpsweepError);
      }
    }

    expect(ran).toBeGreaterThan(50);
  });
});
