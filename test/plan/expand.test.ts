import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  describeTrial,
  loadSweepFile,
  parseSweep,
  sampleIndices,
  stepFlops,
  type PlannedTrial,
} from '../../src/plan/index.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/sweeps/${name}`, import.meta.url));

const all = (trials: Iterable<PlannedTrial>) => [...trials];

const ratioOf = (t: PlannedTrial) =>
  (t.spec.step as { ratio: number }).ratio;

// The large fixture is streamed once and shared by the tests below.
const wide = loadSweepFile(fixture('depth-width.yaml'));
const wideTrials = all(wide.trials());

describe('valid sweep files', () => {
  it('fills every default of a minimal sweep (values from the brief)', () => {
    const plan = loadSweepFile(fixture('minimal.yaml'));

    expect(plan.name).toBe('minimal');
    expect(plan.count).toBe(1);

    const [trial] = all(plan.trials());
    expect(trial.index).toBe(0);
    expect(trial.spec).toEqual({
      // depth 3 → 3 factors; inputDim/outputDim default to the width.
      dims: [4, 4, 4, 4],
      target: { kind: 'gaussian', scale: 1 },
      minimizer: { family: 'balanced' },
      radius: 1e-9,
      direction: 'top',
      step: { ratio: 1.2 },
      gd: {
        maxSteps: 20000,
        escapeDistance: 1e-3,
        convergedLoss: 1e-20,
        earlyStop: true,
      },
      seed: 0,
      trajectorySamples: 64,
      trajectorySharpness: false,
    });
  });

  it('expands the depth/width fixture to the product of its axes', () => {
    const plan = loadSweepFile(fixture('depth-width.yaml'));
    // seeds 3 × depth 2 × width 2 × inputDim 1 × outputDim 2 × targets 2
    // × minimizers 5 × radius 4 × directions 3 × ratios 12 × maxSteps 2
    const expected = 3 * 2 * 2 * 1 * 2 * 2 * 5 * 4 * 3 * 12 * 2;
    const trials = all(plan.trials());

    expect(plan.count).toBe(expected);
    expect(trials).toHaveLength(expected);
    expect(trials.map((t) => t.index)).toEqual(
      Array.from({ length: expected }, (_, i) => i),
    );
    expect(plan.description).toBe('depth and width against the step ratio');
  });

  it('resolves each trial: dims, minimizer objects, gd, trajectory', () => {
    const trials = wideTrials;

    const dims = new Set(trials.map((t) => t.spec.dims.join('-')));
    // [d_0 = inputDim, width × (depth − 1), d_L = outputDim]
    expect([...dims].sort()).toEqual(
      ['1-1-1', '1-1-2', '1-1-1-1-1', '1-1-1-1-2',
        '1-4-1', '1-4-2', '1-4-4-4-1', '1-4-4-4-2'].sort(),
    );

    const minimizers = new Set(
      trials.map((t) => JSON.stringify(t.spec.minimizer)),
    );
    expect([...minimizers].sort()).toEqual(
      [
        { family: 'balanced' },
        { family: 'imbalanced', spread: 0.5 },
        { family: 'random', scale: 1 },
        { family: 'targeted', sharpness: 40 },
      ].map((m) => JSON.stringify(m)).sort(),
    );

    for (const { spec } of trials.slice(0, 50)) {
      expect(spec.gd.convergedLoss).toBe(1e-18);
      expect(spec.gd.earlyStop).toBe(false);
      expect(spec.trajectorySamples).toBe(16);
      expect(spec.trajectorySharpness).toBe(true);
      expect(spec.gd.escapeDistance).toBe(1e-3);
    }
  });

  it('spaces ranges evenly: linear ratios, log radii, as typed', () => {
    const trials = wideTrials;

    const ratios = [...new Set(trials.map(ratioOf))];
    expect(ratios.sort((a, b) => a - b)).toEqual(
      [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
    );

    const radii = [...new Set(trials.map((t) => t.spec.radius))];
    expect(radii.sort((a, b) => a - b)).toEqual(
      [1e-9, 1e-7, 1e-5, 1e-3],
    );
  });

  it('follows the documented order: seed outermost, step fastest', () => {
    const plan = wide;
    const trials = wideTrials;

    expect(trials.slice(0, 12).map(ratioOf)).toEqual(
      [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
    );
    // After 12 ratios the next axis in (escapeDistance, 1 value) rolls
    // over into maxSteps.
    expect(trials[0].spec.gd.maxSteps).toBe(1000);
    expect(trials[12].spec.gd.maxSteps).toBe(20000);

    const third = plan.count / 3;
    expect(trials[0].spec.seed).toBe(1);
    expect(trials[third - 1].spec.seed).toBe(1);
    expect(trials[third].spec.seed).toBe(2);
    expect(trials[plan.count - 1].spec.seed).toBe(3);

    // The last trial takes the last value of every axis.
    const last = trials[plan.count - 1].spec;
    expect(last.dims).toEqual([1, 4, 4, 4, 2]);
    expect(last.target).toEqual({ kind: 'gaussian', scale: 1 });
    expect(last.minimizer).toEqual({ family: 'targeted', sharpness: 40 });
    expect(last.radius).toBe(1e-3);
    expect(last.direction).toBe('flattest');
    expect(ratioOf(trials[plan.count - 1])).toBe(1.6);
  });

  it('takes explicit dims, seed ranges and step sizes', () => {
    const plan = loadSweepFile(fixture('dims.yaml'));
    const trials = all(plan.trials());

    // 4 seeds × 3 shapes × 2 targets × 2 step sizes
    expect(plan.count).toBe(48);
    expect(trials).toHaveLength(48);
    const seeds = [...new Set(trials.map((t) => t.spec.seed))];
    expect(seeds).toEqual([10, 11, 12, 13]);
    expect(trials[0].spec.dims).toEqual([1, 4, 4, 1]);
    expect(trials[0].spec.target).toEqual({
      kind: 'singular',
      values: [3],
      seed: 7,
    });
    expect(trials[0].spec.step).toEqual({ size: 0.01 });
    expect(trials[1].spec.step).toEqual({ size: 0.02 });
    expect(trials[47].spec.dims).toEqual([3, 3, 3, 3, 3]);
    // An absent target seed stays absent: the trial seed is used.
    expect('seed' in trials[47].spec.target).toBe(false);
  });

  it('accepts duplicate axis values and yields duplicate trials', () => {
    const plan = parseSweep(
      'name: dup\ngrid: {depth: 2, width: 1, stepRatio: [1.2, 1.2]}\n',
      'dup.yaml',
    );
    const [a, b] = all(plan.trials());

    expect(plan.count).toBe(2);
    expect(a.key).toBe(b.key);
    expect(a.index).not.toBe(b.index);
  });

  it('expands YAML anchors and aliases like the values they name', () => {
    const aliased = parseSweep(
      [
        'name: aliased',
        'grid:',
        '  dims: [1, 3, 1]',
        '  stepRatio: &ratios [0.5, 1.5]',
        '  radius: *ratios',
      ].join('\n'),
      'a.yaml',
    );
    const written = parseSweep(
      'name: written\ngrid: {dims: [1, 3, 1], stepRatio: [0.5, 1.5], ' +
        'radius: [0.5, 1.5]}',
      'w.yaml',
    );

    expect(aliased.count).toBe(4);
    expect(all(aliased.trials()).map((t) => t.key)).toEqual(
      all(written.trials()).map((t) => t.key),
    );
  });

  it('stores a JSON-safe normalised definition', () => {
    const plan = loadSweepFile(fixture('dims.yaml'));
    const copy = JSON.parse(JSON.stringify(plan.definition));

    expect(copy).toEqual(plan.definition);
    expect(copy.seeds).toEqual({ from: 10, count: 4 });
    expect(copy.gd).toEqual({ convergedLoss: 1e-20, earlyStop: true });
  });

  it('shares frozen axis values, so one trial cannot alter another', () => {
    const plan = loadSweepFile(fixture('dims.yaml'));
    const [first] = all(plan.trials());

    expect(Object.isFrozen(first.spec.dims)).toBe(true);
    expect(Object.isFrozen(first.spec.target)).toBe(true);
    expect(() => {
      'use strict';
      (first.spec.dims as number[])[0] = 99;
    }).toThrow(TypeError);
  });
});

describe('sample', () => {
  it('spreads indices: first, last, evenly between', () => {
    expect(sampleIndices(101, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(sampleIndices(10, 1)).toEqual([0]);
    expect(sampleIndices(3, 10)).toEqual([0, 1, 2]);
    expect(sampleIndices(10, 0)).toEqual([]);
    expect(sampleIndices(10, Number.NaN)).toEqual([]);
  });

  it('returns the same trials as the stream at those indices', () => {
    const plan = wide;
    const streamed = wideTrials;

    for (const n of [1, 2, 7, 50]) {
      const sampled = plan.sample(n);
      expect(sampled).toHaveLength(n);
      expect(sampled[0].index).toBe(0);
      if (n > 1) expect(sampled[n - 1].index).toBe(plan.count - 1);

      for (const trial of sampled) {
        expect(trial).toEqual(streamed[trial.index]);
      }
    }
  });
});

describe('estimate', () => {
  it('bounds GD steps by trials × maxSteps', () => {
    const plan = wide;
    const { trials, gdSteps } = plan.estimate();
    const direct = wideTrials.reduce(
      (sum, t) => sum + t.spec.gd.maxSteps,
      0,
    );

    expect(trials).toBe(plan.count);
    expect(gdSteps).toBe(direct);
    // maxSteps [1000, 20000] split evenly over the trials.
    expect(gdSteps).toBe((plan.count / 2) * 21000);
  });

  it('sums per-step flops over the shapes actually planned', () => {
    const plan = loadSweepFile(fixture('dims.yaml'));
    const direct = all(plan.trials()).reduce(
      (sum, t) => sum + t.spec.gd.maxSteps * stepFlops(t.spec.dims),
      0,
    );

    expect(plan.estimate().flops).toBeCloseTo(direct, -3);
  });

  it('counts matrix products: cubic in the widths, zero-free', () => {
    // Every product is m·n·k: doubling all widths multiplies by 8.
    expect(stepFlops([2, 6, 4, 2])).toBe(8 * stepFlops([1, 3, 2, 1]));
    // Scalar chain of depth 2, four 1×1 products per factor at 2 flops.
    expect(stepFlops([1, 1, 1])).toBe(2 * 4 * 2);
  });
});

describe('describeTrial', () => {
  it('writes the one-line form shown in the brief', () => {
    const plan = parseSweep(
      [
        'name: one',
        'seeds: 3',
        'grid:',
        '  dims: [1, 4, 4, 1]',
        '  stepRatio: 1.2',
        '  radius: 1e-9',
      ].join('\n'),
      'one.yaml',
    );
    const [trial] = all(plan.trials());

    expect(describeTrial(trial.spec)).toBe(
      'dims 1-4-4-1 balanced ρ=1.2 r=1e-9 top seed 3',
    );
  });
});
