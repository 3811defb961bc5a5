import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { TrialSpec } from '../../src/escape/spec.js';
import {
  canonicalJson,
  loadSweepFile,
  parseSweep,
  trialKey,
} from '../../src/plan/index.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/sweeps/${name}`, import.meta.url));

const keysOf = (text: string) =>
  [...parseSweep(text, 'k.yaml').trials()].map((t) => t.key);

const baseSpec = (): TrialSpec => ({
  dims: [1, 4, 4, 1],
  target: { kind: 'scalar', value: 1.5 },
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
  seed: 3,
  trajectorySamples: 64,
  trajectorySharpness: false,
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps list order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: true } })).toBe(
      '{"a":{"c":true,"d":[3,1]},"b":1}',
    );
  });

  it('writes numbers as JS numbers: 1e-9 and 0.000000001 agree', () => {
    expect(canonicalJson({ r: 0.000000001 })).toBe(canonicalJson({ r: 1e-9 }));
    expect(canonicalJson([1.0, -0, 2e3])).toBe('[1,0,2000]');
  });

  it('omits undefined fields, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ x: Infinity })).toThrow(TypeError);

    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
  });
});

describe('trialKey', () => {
  it('is the first 32 hex digits of sha256 of the sorted JSON', () => {
    // Written out by hand in sorted key order (a scalar target has no
    // seed to fill in).
    const json =
      '{"dims":[1,4,4,1],"direction":"top","gd":{"convergedLoss":1e-20,' +
      '"earlyStop":true,"escapeDistance":0.001,"maxSteps":20000},' +
      '"minimizer":{"family":"balanced"},"radius":1e-9,"seed":3,' +
      '"step":{"ratio":1.2},"target":{"kind":"scalar","value":1.5},' +
      '"trajectorySamples":64,"trajectorySharpness":false}';
    const expected = createHash('sha256').update(json).digest('hex');

    expect(trialKey(baseSpec())).toBe(expected.slice(0, 32));
  });

  it('ignores key order', () => {
    const spec = baseSpec();
    const reordered = Object.fromEntries(
      Object.entries(spec).reverse(),
    ) as unknown as TrialSpec;

    expect(trialKey(reordered)).toBe(trialKey(spec));
  });

  it('changes with any field of the spec', () => {
    const base = trialKey(baseSpec());
    const variants: Array<(s: TrialSpec) => void> = [
      (s) => (s.dims = [1, 4, 1]),
      (s) => (s.target = { kind: 'scalar', value: 1.25 }),
      (s) => (s.minimizer = { family: 'random', scale: 1 }),
      (s) => (s.radius = 1e-8),
      (s) => (s.direction = 'random'),
      (s) => (s.step = { size: 1.2 }),
      (s) => (s.gd.maxSteps = 100),
      (s) => (s.gd.earlyStop = false),
      (s) => (s.seed = 4),
      (s) => (s.trajectorySamples = 0),
      (s) => (s.trajectorySharpness = true),
    ];
    const keys = variants.map((change) => {
      const spec = baseSpec();
      change(spec);
      return trialKey(spec);
    });

    expect(keys).not.toContain(base);
    expect(new Set(keys).size).toBe(variants.length);
  });

  it('treats an absent target seed as the trial seed', () => {
    const implicit = baseSpec();
    implicit.target = { kind: 'gaussian', scale: 1 };
    const explicit = baseSpec();
    explicit.target = { kind: 'gaussian', scale: 1, seed: 3 };
    const other = baseSpec();
    other.target = { kind: 'gaussian', scale: 1, seed: 4 };

    expect(trialKey(explicit)).toBe(trialKey(implicit));
    expect(trialKey(other)).not.toBe(trialKey(implicit));
  });

  it('treats trailing zero singular values as the padding they are', () => {
    const short = baseSpec();
    short.target = { kind: 'singular', values: [3, 1] };
    const padded = baseSpec();
    padded.target = { kind: 'singular', values: [3, 1, 0] };
    const different = baseSpec();
    different.target = { kind: 'singular', values: [3, 0, 1] };

    expect(trialKey(padded)).toBe(trialKey(short));
    expect(trialKey(different)).not.toBe(trialKey(short));
  });
});

describe('keys of equivalent sweep files', () => {
  it('agree between the spelled-out and short fixtures', () => {
    const out = loadSweepFile(fixture('spelled-out.yaml'));
    const short = loadSweepFile(fixture('spelled-short.yaml'));
    const outKeys = [...out.trials()].map((t) => t.key);
    const shortKeys = [...short.trials()].map((t) => t.key);

    // depth 2 × minimizer 2 × ratio 6; the names differ, the keys do not.
    expect(out.count).toBe(24);
    expect(shortKeys).toEqual(outKeys);
    expect(new Set(outKeys).size).toBe(24);
  });

  it('agree for bare and object minimizers, scalars and lists', () => {
    const a = keysOf(
      'name: a\ngrid: {depth: 2, width: 2, stepRatio: 1, ' +
        'minimizer: random}',
    );
    const b = keysOf(
      'name: b\ngrid:\n  stepRatio: [1.0]\n  minimizer: ' +
        '[{scale: 1, family: random}]\n  width: [2]\n  depth: [2]\n',
    );

    expect(b).toEqual(a);
  });

  it('differ when the sweeps differ', () => {
    const a = keysOf('name: a\ngrid: {depth: 2, width: 2, stepRatio: 1}');
    const b = keysOf('name: a\ngrid: {depth: 2, width: 3, stepRatio: 1}');

    expect(b[0]).not.toBe(a[0]);
  });
});
