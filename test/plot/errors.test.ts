import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { plotCommand } from '../../src/cli/commands/plot.js';
import { InputError, OptionError, StoreError } from '../../src/errors.js';
import { buildFixtureDb } from './fixture.js';
import { xmlProblems } from './xml.js';

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sharpsweep-plot-errors-'));
  db = join(dir, 'fixture.sqlite');
  buildFixtureDb(db);
});

/** Runs the command and returns what it threw; asserts nothing was written. */
async function failure(args: string[]): Promise<unknown> {
  const before = readdirSync(dir).sort();
  let thrown: unknown;
  try {
    await plotCommand.run(['--db', db, ...args]);
  } catch (error) {
    thrown = error;
  }

  expect(readdirSync(dir).sort()).toEqual(before);
  return thrown;
}

describe('plot errors', () => {
  it('an unknown sweep is an option error naming the closest sweep', async () => {
    const error = await failure(['--sweep', 'fixtur', '--kind', 'landing',
      '--out', join(dir, 'a.svg')]);

    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).message).toContain('unknown sweep "fixtur"');
    expect((error as OptionError).hint).toContain('Did you mean "fixture"?');
  });

  it('an empty sweep is an input error telling to run it', async () => {
    const error = await failure(['--sweep', 'empty', '--kind', 'escape-map',
      '--out', join(dir, 'b.svg')]);

    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('no stored trials');
    expect((error as InputError).hint).toMatch(/sharpsweep run/);
  });

  it('an unknown kind is an option error with a suggestion', async () => {
    const error = await failure(['--sweep', 'fixture', '--kind', 'langing',
      '--out', join(dir, 'c.svg')]);

    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).location).toBe('--kind');
    expect((error as OptionError).hint).toContain('--kind landing');
  });

  it.each(['figure.pdf', 'figure', 'figure.svg.txt'])(
    'an --out of %s is refused before anything is read',
    async (name) => {
      const error = await failure(['--sweep', 'no-such-sweep', '--kind',
        'landing', '--out', join(dir, name)]);

      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).location).toBe('--out');
      expect((error as OptionError).message).toContain('.svg or .png');
    },
  );

  it('a database that does not exist is a store error', async () => {
    const error = await failure(['--db', join(dir, 'missing.sqlite'),
      '--sweep', 'fixture', '--kind', 'landing', '--out', join(dir, 'd.svg')]);

    expect(error).toBeInstanceOf(StoreError);
    expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false);
  });

  it('an ambiguous or unknown key prefix is an option error', async () => {
    const ambiguous = await failure(['--sweep', 'fixture', '--kind',
      'trajectories', '--keys', 'd2r12', '--out', join(dir, 'e.svg')]);
    const unknown = await failure(['--sweep', 'fixture', '--kind',
      'trajectories', '--keys', 'ffff', '--out', join(dir, 'e.svg')]);

    expect(ambiguous).toBeInstanceOf(OptionError);
    expect((ambiguous as Error).message).toContain('start of 3 keys');
    expect(unknown).toBeInstanceOf(OptionError);
  });

  it('a trial without samples is an input error', async () => {
    // Depth-4 trials of the fixture store no trajectory.
    const error = await failure(['--sweep', 'fixture', '--kind',
      'trajectories', '--keys', 'd4r8s0', '--out', join(dir, 'f.svg')]);

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('no trajectory samples');
  });

  it('options of other kinds and bad numbers are refused', async () => {
    const wrongKind = await failure(['--sweep', 'fixture', '--kind',
      'landing', '--dims', '2,3,2', '--out', join(dir, 'g.svg')]);
    const badWidth = await failure(['--sweep', 'fixture', '--kind',
      'landing', '--width', 'wide', '--out', join(dir, 'g.svg')]);
    const badDims = await failure(['--kind', 'sharpness', '--dims', '2,0,2',
      '--out', join(dir, 'g.svg')]);

    expect(wrongKind).toBeInstanceOf(OptionError);
    expect((wrongKind as OptionError).location).toBe('--dims');
    expect(badWidth).toBeInstanceOf(OptionError);
    expect((badWidth as Error).message).toContain('received "wide"');
    expect(badDims).toBeInstanceOf(OptionError);
  });

  it('a font file that cannot draw text is refused for PNG', async () => {
    const notAFont = join(dir, 'not-a-font.ttf');
    writeFileSync(notAFont, 'plain text');
    const error = await failure(['--sweep', 'fixture', '--kind', 'landing',
      '--font', notAFont, '--out', join(dir, 'h.png')]);

    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).location).toBe('--font');
  });

  it('writes the figure when everything is right', async () => {
    const out = join(dir, 'ok.svg');
    const code = await plotCommand.run(['--db', db, '--sweep', 'fixture',
      '--kind', 'escape-map', '--out', out]);

    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

describe('the XML check used by these tests', () => {
  it('rejects what is not well-formed', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1" a="2"/>')).not.toEqual([]);
    expect(xmlProblems('<svg>&nbsp;</svg>')).not.toEqual([]);
    expect(xmlProblems('<svg/><svg/>')).not.toEqual([]);
    expect(xmlProblems('<svg x="1"><g/>a &amp; b</svg>')).toEqual([]);
  });
});
