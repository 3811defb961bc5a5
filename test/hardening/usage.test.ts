import { describe, expect, it } from 'vitest';

import { cli, fixtures } from '../cli/helpers.js';
import { expectNoDatabase, expectRefusal, freshDb } from './harness.js';

const tiny = `${fixtures}/tiny.yaml`;

describe('command-line mistakes: exit 2, the problem and --help', () => {
  it('an unknown command lists the commands', () => {
    const result = cli(['frobnicate']);
    expectRefusal(result, 2, ['"frobnicate"', 'run', 'query', '--help']);
  });

  it.each([
    ['run', [tiny, '--bogus']],
    ['plan', [tiny, '--db', 'x.sqlite']],
    ['query', ['--sql', 'SELECT 1']],
    ['status', ['--watch']],
    ['sharpness', ['--input', '-', '--verbose']],
    ['escape', ['--jsn']],
  ])('%s: an unknown option is named', (command, args) => {
    const db = freshDb();
    const result = cli([command, ...args.map((a) =>
      a === 'x.sqlite' ? db : a)]);
    const option = args.find((a) => a.startsWith('--') && a !== '--input');
    expectRefusal(result, 2, [option!, `sharpsweep ${command} --help`]);
    expectNoDatabase(db);
  });

  it.each([
    ['run', [], 'missing sweep file'],
    ['plan', [], 'missing sweep file'],
    ['query', [], 'missing SQL statement'],
    ['sharpness', [], 'missing --input'],
    ['escape', ['--json'], 'missing --input'],
    ['sharpness', ['--input'], 'argument missing'],
    ['run', [tiny, '--db'], 'argument missing'],
  ])('%s %j: a missing argument is named', (command, args, problem) => {
    const result = cli([command, ...args]);
    expectRefusal(result, 2, [problem, `sharpsweep ${command} --help`]);
  });

  it.each([
    ['--workers', '0'],
    ['--workers', 'two'],
    ['--timeout', '-5'],
    ['--worker-memory', '1.5'],
  ])('run %s %s: a malformed value is refused before any work', (
    option, value,
  ) => {
    const db = freshDb();
    const result = cli(['run', tiny, '--db', db, `${option}=${value}`]);
    expectRefusal(result, 2, [option, `"${value}"`, 'positive integer']);
    expectNoDatabase(db);
  });

  it.each([
    ['run', [tiny, tiny]],
    ['plan', [tiny, 'extra']],
    ['status', ['results.sqlite']],
    ['query', ['SELECT', '*', 'FROM', 'trials']],
  ])('%s: stray arguments are refused, not ignored', (command, args) => {
    const result = cli([command, ...args]);
    expectRefusal(result, 2, [`sharpsweep ${command} --help`]);
  });

  it('every command answers --help with its usage and exit 0', () => {
    for (const command of ['run', 'plan', 'status', 'query', 'sharpness',
      'escape']) {
      const result = cli([command, '--help']);
      expect(result.status, command).toBe(0);
      expect(result.stdout).toContain(`Usage: sharpsweep ${command}`);
      expect(result.stderr).toBe('');
    }
  });
});
