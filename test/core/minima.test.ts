import { describe, expect, it } from 'vitest';
import { product } from '../../src/dmf/index.js';
import { SharpsweepError } from '../../src/errors.js';
import { type Mat, svd } from '../../src/linalg/index.js';
import {
  balancedMinimizer,
  buildMinimizer,
  buildTarget,
  imbalancedMinimizer,
  randomMinimizer,
  targetedMinimizer,
} from '../../src/minima/index.js';
import { closedForms, minimizerSharpness } from '../../src/sharpness/index.js';
import { relErr } from './cases.js';
import { maxAbsDiff } from './helpers.js';

const SHAPES = [
  [1, 1, 1],
  [1, 3, 1],
  [2, 3, 2],
  [3, 4, 4, 2],
  [2, 2, 2, 2, 2],
  [4, 3, 5, 3, 4],
  [1, 4, 4, 4, 4, 4, 1],
];

function relFrob(a: Mat, b: Mat): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    d += (a.data[i] - b.data[i]) ** 2;
    n += b.data[i] ** 2;
  }

  return Math.sqrt(d / Math.max(n, 1e-300));
}

/** A target representable by every chain of these dims. */
function fittingTarget(dims: number[], seed: number): Mat {
  const k = Math.min(...dims);
  const values = Array.from({ length: k }, (_, i) => 2 - i / (k + 1));

  return buildTarget({ kind: 'singular', values }, dims, seed);
}

describe('targets', () => {
  it('singular targets have exactly the requested singular values', () => {
    const m = buildTarget({ kind: 'singular', values: [3, 1.5] }, [4, 2, 3], 9);
    const s = svd(m).values;
    expect(s[0]).toBeCloseTo(3, 13);
    expect(s[1]).toBeCloseTo(1.5, 13);
    expect(s[2]).toBeLessThan(1e-13);
  });

  it('scalar targets fill every entry; gaussian ones are seeded', () => {
    const s = buildTarget({ kind: 'scalar', value: 0.7 }, [2, 5, 3], 1);
    expect([...s.data]).toEqual([0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
    const spec = { kind: 'gaussian', scale: 2 } as const;
    const a = buildTarget(spec, [3, 2, 3], 5);
    const b = buildTarget(spec, [3, 2, 3], 5);
    const c = buildTarget(spec, [3, 2, 3], 6);
    expect([...a.data]).toEqual([...b.data]);
    expect([...a.data]).not.toEqual([...c.data]);
    const pinned = buildTarget({ ...spec, seed: 5 }, [3, 2, 3], 99);
    expect([...pinned.data]).toEqual([...a.data]);
  });

  it('rejects more singular values than the shape allows', () => {
    expect(() =>
      buildTarget({ kind: 'singular', values: [1, 1, 1] }, [2, 4, 3], 0),
    ).toThrow(SharpsweepError);
    expect(() =>
      buildTarget({ kind: 'singular', values: [1, 0, 1] }, [2, 4, 3], 0),
    ).toThrow(/at most 2/);
  });

  it('trailing zero values are padding, as in the planner', () => {
    // A 1×1 target: [2, 0] and [2] are the same target.
    const dims = [1, 5, 1];
    const padded = buildTarget({ kind: 'singular', values: [2, 0] }, dims, 3);
    const plain = buildTarget({ kind: 'singular', values: [2] }, dims, 3);
    expect(Math.abs(padded.data[0])).toBe(2);
    expect(Array.from(padded.data)).toEqual(Array.from(plain.data));
  });
});

describe('minimizer families reproduce the target', () => {
  SHAPES.forEach((dims, s) => {
    it(`dims ${dims}: balanced, imbalanced, random, targeted`, () => {
      const m = fittingTarget(dims, s);
      const depth = dims.length - 1;
      const balanced = balancedMinimizer(m, dims);
      const imbalanced = imbalancedMinimizer(m, dims, 0.4);
      expect(relFrob(product(balanced), m)).toBeLessThan(1e-10);
      expect(relFrob(product(imbalanced), m)).toBeLessThan(1e-10);

      // Balanced: the flat-minimum closed form 2Lσ_1^{2(L−1)/L}.
      const sigma1 = svd(m).values[0];
      const flat = 2 * depth * sigma1 ** ((2 * (depth - 1)) / depth);
      const exact = minimizerSharpness(balanced).sharpness;
      expect(relErr(exact, flat)).toBeLessThan(1e-10);
      const forms = closedForms(balanced, m, { exactSharpness: exact });
      expect(forms.flatMinimum.exact).toBe(true);

      // Imbalance makes the minimum sharper, and is not flagged flat.
      const sharper = minimizerSharpness(imbalanced).sharpness;
      expect(sharper).toBeGreaterThan(exact * (1 + 1e-6));
      expect(
        closedForms(imbalanced, m, { exactSharpness: sharper }).flatMinimum
          .exact,
      ).toBe(false);

      // Targeted: hits a requested sharpness 1.7× the flattest.
      const request = 1.7 * exact;
      const targeted = targetedMinimizer(m, dims, request);
      expect(relFrob(product(targeted.chain), m)).toBeLessThan(1e-10);
      expect(
        relErr(minimizerSharpness(targeted.chain).sharpness, request),
      ).toBeLessThan(1e-8);

      if (Math.min(...dims.slice(1, -1)) >= dims[0]) {
        const random = randomMinimizer(m, dims, 1, 17 + s);
        expect(relFrob(product(random), m)).toBeLessThan(1e-10);
      }
    });
  });
});

describe('minimizer errors name the problem', () => {
  it('a target of higher rank than the narrowest layer', () => {
    const m = buildTarget({ kind: 'singular', values: [2, 1] }, [3, 1, 3], 0);
    expect(() => balancedMinimizer(m, [3, 1, 3])).toThrow(/rank 2.*width 1/);
  });

  it('a targeted sharpness below the flattest minimizer', () => {
    const m = fittingTarget([2, 3, 2], 0);
    const flat = minimizerSharpness(balancedMinimizer(m, [2, 3, 2])).sharpness;
    expect(() => targetedMinimizer(m, [2, 3, 2], 0.9 * flat)).toThrow(
      /below .*flattest/,
    );
  });

  it('random factors that cannot reach full column rank', () => {
    const m = fittingTarget([3, 2, 3], 0);
    expect(() => randomMinimizer(m, [3, 2, 3], 1, 0)).toThrow(/rank 2 < d_0/);
  });
});

describe('determinism', () => {
  it('same seed → bitwise identical minimizers', () => {
    const dims = [3, 4, 4, 3];
    const m = buildTarget({ kind: 'gaussian', scale: 1 }, dims, 42);
    const spec = { family: 'random', scale: 1 } as const;
    const a = buildMinimizer(spec, m, dims, 42);
    const b = buildMinimizer(spec, m, dims, 42);
    const c = buildMinimizer(spec, m, dims, 43);
    expect(maxAbsDiff(a.params, b.params)).toBe(0);
    expect(maxAbsDiff(a.params, c.params)).toBeGreaterThan(0);
  });
});

describe('rank-deficient targets', () => {
  it('balanced factors carry exact zeros beyond the rank', () => {
    // Seed 2 gives round-off singular values ~1e-16 beyond the rank 2,
    // whose 6th roots (~2e-3) must not enter the factors.
    const dims = [4, 4, 4, 4, 4, 4, 4];
    const m = buildTarget({ kind: 'singular', values: [2, 1] }, dims, 2);
    expect(svd(m).values[2]).toBeGreaterThan(0);
    const chain = balancedMinimizer(m, dims);
    // W_2 … W_5 are diag(s_1, s_2, 0, 0): two nonzero entries each.
    for (const w of chain.factors.slice(1, -1)) {
      expect([...w.data].filter((x) => x !== 0)).toHaveLength(2);
    }
    expect(relFrob(product(chain), m)).toBeLessThan(1e-12);
  });
});
