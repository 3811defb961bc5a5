import {
  existsSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { cli, referenceCases, tempDir } from '../cli/helpers.js';
import { expectRefusal } from './harness.js';

// A valid starting point from the independent reference implementation;
// each case breaks one thing in it.
const reference = JSON.parse(readFileSync(referenceCases, 'utf8'));
const escapeCase = reference.escapes[1];
const factors: number[][][] = escapeCase.factors;
const escapeFields = {
  stepRatio: escapeCase.stepRatio,
  radius: escapeCase.radius,
  direction: escapeCase.direction,
  maxSteps: 200,
};

interface BadInput {
  name: string;
  /** The input text, exactly as the user's file would hold it. */
  text: string;
  /** Where the message must point: a path, or line:column of the text. */
  at: string;
  mentions: string[];
}

/** `factors` with one entry replaced by raw JSON text (maybe not JSON). */
function withEntry(raw: string, extra = ''): string {
  const text = JSON.stringify({ factors }).replace(
    /^\{"factors":\[\[\[[^,\]]+/,
    `{"factors":[[[${raw}`,
  );

  return extra === '' ? text : text.replace(/\}$/, `,${extra}}`);
}

const shared: BadInput[] = [
  ...['[1, 2]', '"factors"', '42', 'null', 'true'].map((text) => ({
    name: `top level ${text}`,
    text,
    at: '<stdin>',
    mentions: ['(a JSON object)', 'hint:'],
  })),
  { name: 'no factors', text: '{}', at: '<stdin>', mentions: ['`factors`'] },
  {
    name: 'one factor',
    text: JSON.stringify({ factors: [factors[0]] }),
    at: 'factors',
    mentions: ['at least 2 factors'],
  },
  {
    name: 'non-conformable shapes',
    text: JSON.stringify({ factors: [factors[0], [[1, 2, 3, 4, 5, 6, 7]]] }),
    at: 'factors[1]',
    mentions: ['columns', 'W_i is d_i × d_{i-1}'],
  },
  {
    name: 'ragged rows',
    text: JSON.stringify({ factors: [[[1, 2], [3]], [[1, 2]]] }),
    at: 'factors[0][1]',
    mentions: ['a row of 2 numbers', 'same length'],
  },
  {
    name: 'an empty matrix',
    text: JSON.stringify({ factors: [[], [[1]]] }),
    at: 'factors[0]',
    mentions: ['non-empty list of rows'],
  },
  {
    name: 'target of the wrong shape',
    text: JSON.stringify({ factors, target: [[1, 2]] }),
    at: 'target',
    mentions: ['d_L × d_0'],
  },
  {
    name: 'the string "NaN"',
    text: withEntry('"NaN"'),
    at: 'factors[0][0][0]',
    mentions: ['finite number', '"NaN"'],
  },
  {
    name: 'a bare NaN (not JSON)',
    text: withEntry('NaN'),
    at: '<stdin>:1:',
    mentions: ['valid JSON', 'no NaN or Infinity'],
  },
  {
    name: 'a bare Infinity (not JSON)',
    text: withEntry('-Infinity'),
    at: '<stdin>:1:',
    mentions: ['valid JSON'],
  },
  {
    name: '1e999, which overflows to Infinity',
    text: withEntry('1e999'),
    at: 'factors[0][0][0]',
    mentions: ['finite number', 'Infinity'],
  },
  {
    name: 'a string entry',
    text: withEntry('"0.5"'),
    at: 'factors[0][0][0]',
    mentions: ['remove the quotes'],
  },
  {
    name: 'a null entry',
    text: withEntry('null'),
    at: 'factors[0][0][0]',
    mentions: ['null'],
  },
  {
    name: 'finite entries whose squares overflow',
    text: withEntry('1e200'),
    at: 'factors[0]',
    mentions: ['float64', 'rescale'],
  },
  {
    name: 'a key given twice',
    text: `{"factors": ${JSON.stringify(factors)},\n` +
      `"factors": ${JSON.stringify(factors)}}`,
    at: '<stdin>:2:1',
    mentions: ['"factors" a second time'],
  },
  {
    name: 'an unknown key',
    text: JSON.stringify({ factors, targt: [[1]] }),
    at: 'targt',
    mentions: ['did you mean `target`?'],
  },
  { name: 'empty input', text: '', at: '<stdin>', mentions: ['empty'] },
];

const escapeOnly: BadInput[] = [
  ['stepRatio', '"NaN"', 'a number > 0'],
  ['stepRatio', '1e999', 'Infinity'],
  ['stepRatio', '0', '> 0'],
  ['stepSize', '-0.1', '> 0'],
  ['radius', '-1e-6', '≥ 0'],
  ['radius', 'null', 'null'],
  ['direction', '"up"', '`top`, `random`, `flattest`'],
  ['maxSteps', '0', '≥ 1'],
  ['maxSteps', '2.5', 'integer'],
  ['seed', '-1', '≥ 0'],
  ['earlyStop', '"yes"', 'true or false'],
].map(([key, raw, rule]) => {
  const fields: Record<string, unknown> = { ...escapeFields };
  if (key === 'stepSize') delete fields.stepRatio;
  const text = JSON.stringify({ factors, ...fields, [key]: 0 })
    .replace(`"${key}":0`, `"${key}":${raw}`);

  return { name: `${key}: ${raw}`, text, at: key, mentions: [rule] };
});

const stepRules: BadInput[] = [
  {
    name: 'both stepSize and stepRatio',
    text: JSON.stringify({ factors, ...escapeFields, stepSize: 0.01 }),
    at: 'stepRatio',
    mentions: ['exactly one of', 'found both'],
  },
  {
    name: 'neither stepSize nor stepRatio',
    text: JSON.stringify({ factors, radius: 1e-6, direction: 'top' }),
    at: '<stdin>',
    mentions: ['found neither'],
  },
];

function expectInputRefused(command: string, c: BadInput): void {
  const result = cli([command, '--input', '-', '--json'], { input: c.text });
  expectRefusal(result, 2, [c.at, ...c.mentions]);
}

describe('sharpness and escape refuse bad inputs', () => {
  it.each(shared.map((c) => [c.name, c] as const))(
    'sharpness: %s',
    (_, c) => expectInputRefused('sharpness', c),
  );

  // escape reads its input with the same code; a sample of the shared
  // cases (one per kind of mistake) keeps the suite fast.
  const sample = shared.filter((_, index) => index % 3 === 0);
  it.each(sample.map((c) => [c.name, c] as const))(
    'escape: %s',
    (_, c) => {
      // Add valid escape fields unless the case is about the document.
      const document = c.text.startsWith('{"factors":');
      const text = document
        ? c.text.replace(/\}$/, `,${JSON.stringify(escapeFields).slice(1)}`)
        : c.text;
      expectInputRefused('escape', { ...c, text });
    },
  );

  it.each([...escapeOnly, ...stepRules].map((c) => [c.name, c] as const))(
    'escape: %s',
    (_, c) => expectInputRefused('escape', c),
  );

  it('names the file, and reads files as well as standard input', () => {
    const dir = tempDir();
    const file = join(dir, 'chain.json');
    writeFileSync(file, withEntry('"NaN"'));
    expectRefusal(cli(['sharpness', '--input', file]), 2,
      [`${file} factors[0][0][0]`]);

    const binary = join(dir, 'binary.json');
    writeFileSync(binary, Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x7d]));
    expectRefusal(cli(['escape', '--input', binary]), 2,
      [binary, 'binary data']);

    const missing = join(dir, 'missing.json');
    expectRefusal(cli(['sharpness', '--input', missing]), 2,
      [missing, 'no such file']);
  });

  it('refuses what cannot be an input before reading it', () => {
    const dir = tempDir();
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 65 * 1024 * 1024);
    const cases: Array<[string, string]> = [
      [dir, 'is a folder'],
      [huge, 'limited to 64 MB'],
    ];
    // A device that never ends would otherwise be read until memory runs out.
    if (existsSync('/dev/zero')) cases.push(['/dev/zero', 'not a regular']);

    for (const [path, problem] of cases) {
      expectRefusal(cli(['escape', '--input', path]), 2, [path, problem]);
    }
  });

  it('accepts the unbroken inputs these cases start from', () => {
    // Guards the table above: each case fails for its own reason only.
    const sharp = cli(['sharpness', '--input', '-', '--json'], {
      input: JSON.stringify({ factors }),
    });
    expect(sharp.stderr).toBe('');
    const { sharpness } = JSON.parse(sharp.stdout);
    expect(Math.abs(sharpness / escapeCase.sharpness - 1)).toBeLessThan(1e-9);

    const escape = cli(['escape', '--input', '-', '--json'], {
      input: JSON.stringify({ factors, ...escapeFields }),
    });
    expect(escape.stderr).toBe('');
    expect(escape.status).toBe(0);
  });
});
