import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { SweepValidationError } from '../../src/errors.js';
import { loadSweepFile, parseSweep } from '../../src/plan/index.js';

const FILE = 'sweep.yaml';

/** The error parseSweep throws for `lines` (fails if it throws none). */
function rejection(lines: string[]): SweepValidationError {
  try {
    parseSweep(lines.join('\n'), FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(SweepValidationError);
    return error as SweepValidationError;
  }

  throw new Error('expected a SweepValidationError');
}

/** A valid grid the cases below break one line of. */
const grid = (...extra: string[]) => [
  'name: broken',
  'grid:',
  '  depth: [2, 3]',
  '  width: 4',
  ...extra,
];

interface Case {
  name: string;
  lines: string[];
  /** Path inside the document, as printed. */
  path: string;
  /** 1-based line the problem is reported on. */
  line: number;
  /** Text the message must also contain (the expectation or hint). */
  mentions?: string;
}

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    lines: ['name: x', 'grid:', '  depth: [2, 3', '  width: 4'],
    path: '',
    line: 4,
    mentions: 'valid YAML',
  },
  {
    name: 'duplicate key',
    lines: ['name: x', 'name: y'],
    path: '',
    line: 2,
    mentions: 'unique',
  },
  {
    name: 'tab indentation',
    lines: ['name: x', 'grid:', '\tdepth: 2'],
    path: '',
    line: 3,
    mentions: 'spaces',
  },
  {
    name: 'top level not a mapping',
    lines: ['- name: x', '- grid: {}'],
    path: '',
    line: 1,
    mentions: 'a mapping',
  },
  {
    name: 'top level a plain word',
    lines: ['hello'],
    path: '',
    line: 1,
    mentions: 'a mapping',
  },
  {
    name: 'missing name',
    lines: ['grid:', '  depth: 2', '  width: 2', '  stepRatio: 1'],
    path: '',
    line: 1,
    mentions: '`name`',
  },
  {
    name: 'name with spaces',
    lines: ['name: my sweep', 'grid: {depth: 2, width: 2, stepRatio: 1}'],
    path: 'name',
    line: 1,
  },
  {
    name: 'unknown key with a near miss',
    lines: grid('  stepRatio: 1', '  maxStep: 10'),
    path: 'grid.maxStep',
    line: 6,
    mentions: 'did you mean `maxSteps`?',
  },
  {
    name: 'unknown key differing only in case',
    lines: grid('  stepratio: 1'),
    path: 'grid.stepratio',
    line: 5,
    mentions: 'did you mean `stepRatio`?',
  },
  {
    name: 'grid key at the top level',
    lines: [...grid('  stepRatio: 1'), 'radius: 1e-9'],
    path: 'radius',
    line: 6,
    mentions: 'under `grid:`',
  },
  {
    name: 'wrong type: word for a number',
    lines: ['name: x', 'grid:', '  depth: two', '  width: 2', '  stepRatio: 1'],
    path: 'grid.depth',
    line: 3,
    mentions: 'an integer ≥ 2',
  },
  {
    name: 'wrong type: quoted number',
    lines: grid('  stepRatio: ["1.2"]'),
    path: 'grid.stepRatio[0]',
    line: 5,
    mentions: 'remove the quotes',
  },
  {
    name: 'wrong type: grid is a list',
    lines: ['name: x', 'grid: [1, 2]'],
    path: 'grid',
    line: 2,
  },
  {
    name: 'wrong type: boolean as a word',
    lines: [...grid('  stepRatio: 1'), 'gd:', '  earlyStop: yes'],
    path: 'gd.earlyStop',
    line: 7,
    mentions: 'true or false',
  },
  {
    name: 'unknown direction',
    lines: grid('  stepRatio: 1', '  direction: [top, flat]'),
    path: 'grid.direction[1]',
    line: 6,
    mentions: 'did you mean `flattest`?',
  },
  {
    name: 'unknown target kind',
    lines: grid('  stepRatio: 1', '  target: {kind: gauss}'),
    path: 'grid.target.kind',
    line: 6,
    mentions: 'did you mean `gaussian`?',
  },
  {
    name: 'minimizer without its parameter',
    lines: grid('  stepRatio: 1', '  minimizer: [balanced, targeted]'),
    path: 'grid.minimizer[1]',
    line: 6,
    mentions: 'sharpness',
  },
  {
    name: 'depth below 2',
    lines: [
      'name: x',
      'grid:',
      '  depth: [1, 2]',
      '  width: 2',
      '  stepRatio: 1',
    ],
    path: 'grid.depth[0]',
    line: 3,
    mentions: 'an integer ≥ 2',
  },
  {
    name: 'width below 1',
    lines: ['name: x', 'grid:', '  depth: 2', '  width: 0', '  stepRatio: 1'],
    path: 'grid.width',
    line: 4,
    mentions: 'an integer ≥ 1',
  },
  {
    name: 'negative radius',
    lines: grid('  stepRatio: 1', '  radius: [1e-9, -1e-9]'),
    path: 'grid.radius[1]',
    line: 6,
    mentions: '≥ 0',
  },
  {
    name: 'ratio of zero',
    lines: grid('  stepRatio: [0.5, 0.9, 0]'),
    path: 'grid.stepRatio[2]',
    line: 5,
    mentions: '> 0',
  },
  {
    name: 'negative step size',
    lines: grid('  stepSize: -0.1'),
    path: 'grid.stepSize',
    line: 5,
    mentions: '> 0',
  },
  {
    name: 'maxSteps below 1',
    lines: grid('  stepRatio: 1', '  maxSteps: 0'),
    path: 'grid.maxSteps',
    line: 6,
    mentions: 'an integer ≥ 1',
  },
  {
    name: 'non-integer maxSteps',
    lines: grid('  stepRatio: 1', '  maxSteps: [100, 2.5e2, 1000.5]'),
    path: 'grid.maxSteps[2]',
    line: 6,
    mentions: 'an integer',
  },
  {
    name: 'non-integer seed',
    lines: [
      'name: x',
      'seeds: [1, 1.5]',
      'grid: {depth: 2, width: 2, stepRatio: 1}',
    ],
    path: 'seeds[1]',
    line: 2,
  },
  {
    name: 'too many trajectory samples',
    lines: [...grid('  stepRatio: 1'), 'trajectory:', '  samples: 10001'],
    path: 'trajectory.samples',
    line: 7,
    mentions: 'from 0 to 10000',
  },
  {
    name: 'NaN radius',
    lines: grid('  stepRatio: 1', '  radius: .nan'),
    path: 'grid.radius',
    line: 6,
    mentions: 'finite',
  },
  {
    name: 'infinite ratio',
    lines: grid('  stepRatio: [1, .inf]'),
    path: 'grid.stepRatio[1]',
    line: 5,
    mentions: 'finite',
  },
  {
    name: 'both stepRatio and stepSize',
    lines: grid('  stepRatio: 1', '  stepSize: 0.01'),
    path: 'grid.stepSize',
    line: 6,
    mentions: 'both',
  },
  {
    name: 'neither stepRatio nor stepSize',
    lines: grid('  radius: 1e-9'),
    path: 'grid',
    line: 3,
    mentions: 'neither',
  },
  {
    name: 'both dims and depth/width',
    lines: grid('  stepRatio: 1', '  dims: [1, 4, 1]'),
    path: 'grid.depth',
    line: 3,
    mentions: 'both `dims` and `depth`',
  },
  {
    name: 'neither dims nor depth/width',
    lines: ['name: x', 'grid:', '  stepRatio: 1'],
    path: 'grid',
    line: 3,
    mentions: 'neither',
  },
  {
    name: 'depth without width',
    lines: ['name: x', 'grid:', '  depth: 2', '  stepRatio: 1'],
    path: 'grid',
    line: 3,
    mentions: '`width`',
  },
  {
    name: 'dims too short',
    lines: ['name: x', 'grid:', '  dims: [1, 4]', '  stepRatio: 1'],
    path: 'grid.dims',
    line: 3,
    mentions: 'at least 3 widths',
  },
  {
    name: 'dims ragged: a number among shapes',
    lines: ['name: x', 'grid:', '  dims: [[1, 4, 1], 3]', '  stepRatio: 1'],
    path: 'grid.dims[1]',
    line: 3,
  },
  {
    name: 'dims with a zero width',
    lines: [
      'name: x',
      'grid:',
      '  dims:',
      '    - [1, 4, 1]',
      '    - [1, 0, 1]',
      '  stepRatio: 1',
    ],
    path: 'grid.dims[1][1]',
    line: 5,
  },
  {
    name: 'more singular values than min(d_0, d_L)',
    lines: [
      'name: x',
      'grid:',
      '  dims: [[2, 3, 2], [1, 3, 1]]',
      '  stepRatio: 1',
      '  target:',
      '    - {kind: singular, values: [3, 1]}',
    ],
    path: 'grid.target[0].values',
    line: 6,
    mentions: 'at most 1 nonzero',
  },
  {
    name: 'range with a non-integer value on an integer axis',
    lines: [
      'name: x',
      'grid:',
      '  depth: {from: 2, to: 5, count: 3}',
      '  width: 2',
      '  stepRatio: 1',
    ],
    path: 'grid.depth',
    line: 3,
    mentions: '3.5',
  },
  {
    name: 'log range through zero',
    lines: grid(
      '  stepRatio: 1',
      '  radius: {from: 0, to: 1e-3, count: 4, log: true}',
    ),
    path: 'grid.radius.from',
    line: 6,
    mentions: 'log',
  },
  {
    name: 'range with count 0',
    lines: grid('  stepRatio: {from: 0.5, to: 1.5, count: 0}'),
    path: 'grid.stepRatio.count',
    line: 5,
  },
  {
    name: 'empty list',
    lines: grid('  stepRatio: []'),
    path: 'grid.stepRatio',
    line: 5,
    mentions: 'at least one',
  },
  {
    name: 'alias to a missing anchor',
    lines: grid('  stepRatio: *ratios'),
    path: 'grid.stepRatio',
    line: 5,
  },
];

describe('sweep validation errors', () => {
  it.each(CASES)('$name', ({ lines, path, line, mentions }) => {
    const error = rejection(lines);

    expect(error.code).toBe('INVALID_SWEEP');
    expect(error.message).toContain(`${FILE}:${line}:`);
    expect(error.location).toMatch(new RegExp(`^${FILE}:${line}:\\d+`));
    if (path !== '') {
      expect(error.location?.endsWith(` ${path}`)).toBe(true);
      expect(error.message).toContain(` ${path}: expected `);
    }
    expect(error.message).toMatch(/expected .+, found .+/);
    expect(error.hint).toBeTruthy();
    if (mentions !== undefined) expect(error.message).toContain(mentions);
  });

  it('reports several problems at once, each with its location', () => {
    const error = rejection([
      'name: several',
      'grid:',
      '  depth: 1',
      '  width: 0',
      '  stepRatio: -1',
      '  radius: -1',
      '  maxSteps: 0',
      '  escapeDistance: 0',
      '  direction: sideways',
    ]);
    const lines = error.message.split('\n');

    expect(lines[0]).toContain('7 problems');
    // The first five in file order, then a count of the rest.
    expect(lines.slice(1, 6).map((l) => l.trim().split(' ')[0])).toEqual([
      `${FILE}:3:10`,
      `${FILE}:4:10`,
      `${FILE}:5:14`,
      `${FILE}:6:11`,
      `${FILE}:7:13`,
    ]);
    expect(lines[6]).toContain('2 more');
  });

  it('stops a billion-laughs alias bomb', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      const aliases = Array(10).fill(`*${prev}`).join(', ');
      levels.push(`${name}: &${name} [${aliases}]`);
    }

    const started = Date.now();
    const error = rejection(levels);
    expect(error.message).toContain('aliases');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects an alias that contains itself', () => {
    expect(rejection(['name: &n [*n]']).message).toContain('anchor');
  });
});

describe('sweep file errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-plan-'));

  const loadError = (path: string): SweepValidationError => {
    try {
      loadSweepFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(SweepValidationError);
      return error as SweepValidationError;
    }
    throw new Error('expected a SweepValidationError');
  };

  it('names a missing file', () => {
    const path = join(dir, 'nope.yaml');
    const error = loadError(path);

    expect(error.message).toContain(path);
    expect(error.message).toContain('does not exist');
    expect(error.location).toBe(path);
  });

  it('names a directory', () => {
    expect(loadError(dir).message).toContain('is a directory');
  });

  it('rejects an empty file and a comment-only file', () => {
    for (const text of ['', '# only a comment\n', '\n\n']) {
      const path = join(dir, 'empty.yaml');
      writeFileSync(path, text);
      const error = loadError(path);

      expect(error.message).toContain('empty');
      expect(error.location).toBe(`${path}:1:1`);
    }
  });

  it('rejects binary files: NUL bytes or not UTF-8', () => {
    const nul = join(dir, 'nul.yaml');
    writeFileSync(nul, Buffer.from([0x6e, 0x61, 0x00, 0x01, 0x02]));
    expect(loadError(nul).message).toContain('binary');

    const latin = join(dir, 'latin.yaml');
    writeFileSync(latin, Buffer.from([0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(loadError(latin).message).toContain('UTF-8');
  });

  it('reads a valid file with a byte-order mark', () => {
    const path = join(dir, 'bom.yaml');
    writeFileSync(
      path,
      '\uFEFFname: bom\ngrid: {depth: 2, width: 1, stepRatio: 1}\n',
    );

    expect(loadSweepFile(path).count).toBe(1);
  });
});
