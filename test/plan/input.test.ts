import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { InputError } from '../../src/errors.js';
import {
  parseEscapeInput,
  parseSharpnessInput,
} from '../../src/plan/index.js';

interface ReferenceCase {
  dims: number[];
  factors: number[][][];
  target: number[][];
  [field: string]: unknown;
}

const reference = JSON.parse(
  readFileSync(new URL('../../../shared/reference/cases.json', import.meta.url), 'utf8'),
) as Record<'minimizers' | 'nonMinimizers' | 'escapes', ReferenceCase[]>;

const FILE = 'input.json';

/** `[d_0, …, d_L]` read off the factors (`W_i` is `d_i × d_{i-1}`). */
const dimsOf = (factors: number[][][]) => [
  factors[0][0].length,
  ...factors.map((w) => w.length),
];

function rejection(parse: () => unknown): InputError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const sharpnessError = (value: unknown) =>
  rejection(() => parseSharpnessInput(JSON.stringify(value), FILE));

const escapeError = (value: unknown) =>
  rejection(() => parseEscapeInput(JSON.stringify(value), FILE));

const tiny = { factors: [[[1, 2]], [[1], [2]]] };

describe('sharpness input', () => {
  const cases = [...reference.minimizers, ...reference.nonMinimizers];

  it.each(cases.map((c, i) => [i, c] as const))(
    'accepts reference case %i unchanged, shapes as its dims',
    (_, c) => {
      const text = JSON.stringify({ factors: c.factors, target: c.target });
      const input = parseSharpnessInput(text, FILE);

      expect(input.factors).toEqual(c.factors);
      expect(input.target).toEqual(c.target);
      expect(dimsOf(input.factors)).toEqual(c.dims);
    },
  );

  it('leaves the target out when absent', () => {
    const input = parseSharpnessInput(JSON.stringify(tiny), FILE);
    expect('target' in input).toBe(false);
  });

  it('names non-conformable factors and their shapes', () => {
    const error = sharpnessError({
      factors: [[[1, 2], [3, 4]], [[1, 2, 3, 4], [5, 6, 7, 8], [1, 1, 1, 1]]],
    });

    expect(error.location).toBe(`${FILE} factors[1]`);
    expect(error.message).toContain('W_2 is 3×4 but W_1 has 2 rows');
    expect(error.hint).toContain(
      'W_i must have as many columns as W_{i-1} has rows',
    );
  });

  it('checks the target shape against d_L × d_0', () => {
    const c = reference.minimizers.find((m) => m.dims[0] !== m.dims.at(-1))!;
    const transposed = c.target[0].map((_, j) => c.target.map((r) => r[j]));
    const error = sharpnessError({ factors: c.factors, target: transposed });
    const [d0, dL] = [c.dims[0], c.dims[c.dims.length - 1]];

    expect(error.location).toBe(`${FILE} target`);
    expect(error.message).toContain(`a ${dL}×${d0} matrix`);
    expect(error.message).toContain(`found a ${d0}×${dL} matrix`);
  });

  const bad: Array<[string, unknown, string, string]> = [
    ['not an object', [1, 2], '', 'a JSON object'],
    ['no factors', { target: [[1]] }, '', '`factors`'],
    ['one factor', { factors: [[[1]]] }, 'factors', 'at least 2 factors'],
    ['factors not a list', { factors: 3 }, 'factors', 'at least 2'],
    ['empty matrix', { factors: [[[1]], []] }, 'factors[1]', 'non-empty'],
    ['empty row', { factors: [[[]], [[1]]] }, 'factors[0][0]', 'a row'],
    [
      'ragged rows',
      { factors: [[[1, 2], [3]], [[1, 2]]] },
      'factors[0][1]',
      'a row of 2 numbers',
    ],
    [
      'string entry',
      { factors: [[[1]], [[1], [2], ['x']]] },
      'factors[1][2][0]',
      'a finite number',
    ],
    [
      'null entry',
      { factors: [[[null]], [[1]]] },
      'factors[0][0][0]',
      'null',
    ],
    [
      'quoted number',
      { factors: [[['1.5']], [[1]]] },
      'factors[0][0][0]',
      'remove the quotes',
    ],
    [
      'unknown key',
      { ...tiny, targt: [[1]] },
      'targt',
      'did you mean `target`?',
    ],
    ['target not a matrix', { ...tiny, target: 5 }, 'target', 'a matrix'],
  ];

  it.each(bad)('rejects %s', (_, value, path, mentions) => {
    const error = sharpnessError(value);

    expect(error.code).toBe('INVALID_INPUT');
    expect(error.location).toBe(path === '' ? FILE : `${FILE} ${path}`);
    expect(error.message).toContain(mentions);
    expect(error.message).toMatch(/expected .+, found .+/);
  });

  it('rejects infinite entries (1e999 parses to Infinity)', () => {
    const error = rejection(() =>
      parseSharpnessInput('{"factors": [[[1e999]], [[1]]]}', FILE),
    );

    expect(error.location).toBe(`${FILE} factors[0][0][0]`);
    expect(error.message).toContain('Infinity');
  });

  it('gives line and column of JSON syntax errors', () => {
    const text = '{\n  "factors": [\n    [[1, 2],],\n  ]\n}';
    const error = rejection(() => parseSharpnessInput(text, FILE));

    expect(error.location).toBe(`${FILE}:3:13`);
    expect(error.message).toContain('trailing comma');
  });

  it('names NaN in JSON text, which JSON cannot hold', () => {
    const error = rejection(() =>
      parseSharpnessInput('{"factors": [[[NaN]], [[1]]]}', FILE),
    );

    expect(error.location).toBe(`${FILE}:1:16`);
    expect(error.message).toContain('NaN');
  });

  it('rejects empty and binary text', () => {
    expect(rejection(() => parseSharpnessInput('', FILE)).message).toContain(
      'empty',
    );
    expect(
      rejection(() => parseSharpnessInput('{"a\u0000": 1}', FILE)).message,
    ).toContain('binary');
  });
});

describe('escape input', () => {
  /** The input fields of a reference escape case, as DESIGN.md §3. */
  const inputOf = (c: ReferenceCase) => ({
    factors: c.factors,
    target: c.target,
    stepSize: c.stepSize,
    radius: c.radius,
    direction: c.direction,
    maxSteps: c.maxSteps,
    escapeDistance: c.escapeDistance,
  });

  it.each(reference.escapes.map((c, i) => [i, c] as const))(
    'accepts reference escape %i with the protocol defaults',
    (_, c) => {
      const input = parseEscapeInput(JSON.stringify(inputOf(c)), FILE);

      expect(input).toEqual({
        ...inputOf(c),
        // Defaults (brief): seed 0, converged below 1e-20, and no early
        // stop, as the reference protocol runs every step.
        seed: 0,
        convergedLoss: 1e-20,
        earlyStop: false,
      });
      expect(dimsOf(input.factors)).toEqual(c.dims);
    },
  );

  it('reads input that starts with a UTF-8 byte-order mark', () => {
    const text = JSON.stringify({ ...tiny, stepRatio: 1.2, radius: 0,
      direction: 'top' });
    const input = parseEscapeInput('\uFEFF' + text, FILE);
    expect(input).toEqual(parseEscapeInput(text, FILE));
  });

  it('fills maxSteps and escapeDistance defaults (20000, 1e-3)', () => {
    const input = parseEscapeInput(
      JSON.stringify({
        ...tiny,
        stepRatio: 1.2,
        radius: 0,
        direction: 'random',
      }),
      FILE,
    );

    expect(input.maxSteps).toBe(20000);
    expect(input.escapeDistance).toBe(1e-3);
    expect(input.stepRatio).toBe(1.2);
    expect('stepSize' in input).toBe(false);
  });

  const valid = { ...tiny, stepRatio: 1.2, radius: 1e-6, direction: 'top' };
  const without = (key: string) =>
    Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));

  const bad: Array<[string, unknown, string, string]> = [
    ['both steps', { ...valid, stepSize: 0.1 }, 'stepRatio', 'both'],
    ['no step', without('stepRatio'), '', 'neither'],
    [
      'zero step size',
      { ...without('stepRatio'), stepSize: 0 },
      'stepSize',
      '> 0',
    ],
    ['negative ratio', { ...valid, stepRatio: -1 }, 'stepRatio', '> 0'],
    ['negative radius', { ...valid, radius: -1e-6 }, 'radius', '≥ 0'],
    ['missing radius', without('radius'), '', '`radius`'],
    [
      'bad direction',
      { ...valid, direction: 'tops' },
      'direction',
      'did you mean `top`?',
    ],
    ['fractional seed', { ...valid, seed: 1.5 }, 'seed', 'an integer'],
    ['zero maxSteps', { ...valid, maxSteps: 0 }, 'maxSteps', '≥ 1'],
    [
      'zero escape distance',
      { ...valid, escapeDistance: 0 },
      'escapeDistance',
      '> 0',
    ],
    [
      'string earlyStop',
      { ...valid, earlyStop: 'no' },
      'earlyStop',
      'true or false',
    ],
    [
      'misspelled key',
      { ...valid, maxStep: 10 },
      'maxStep',
      'did you mean `maxSteps`?',
    ],
  ];

  it.each(bad)('rejects %s', (_, value, path, mentions) => {
    const error = escapeError(value);

    expect(error.location).toBe(path === '' ? FILE : `${FILE} ${path}`);
    expect(error.message).toContain(mentions);
  });
});
