import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { cli, cliAsync, readRows } from '../cli/helpers.js';
import {
  exited,
  expectNoDatabase,
  expectRefusal,
  fixture,
  freshDb,
  storedCount,
  waitFor,
} from './harness.js';

interface BadSweep {
  file: string;
  /** Phrases the message must contain (the rule broken, the fix). */
  mentions: string[];
  /** Keys whose line the message must point at, found in the file. */
  keys?: string[];
  /**
   * A key whose value is broken in a way YAML notices only on the next
   * line (an unclosed bracket): either line will do.
   */
  near?: string;
}

const cases: BadSweep[] = [
  { file: 'bad/missing.yaml', mentions: ['does not exist', 'check the path'] },
  {
    file: 'bad/empty.yaml',
    mentions: ['empty document', 'sweeps/default.yaml'],
  },
  { file: 'bad/binary.yaml', mentions: ['not UTF-8', 'hint:'] },
  {
    file: 'bad/syntax.yaml',
    mentions: ['expected valid YAML', 'brackets are closed'],
    near: 'depth',
  },
  {
    file: 'bad/top-list.yaml',
    mentions: ['found a list of 2', '`key: value`'],
  },
  { file: 'bad/top-scalar.yaml', mentions: ['(a string)', '`key: value`'] },
  {
    file: 'bad/unknown-keys.yaml',
    mentions: ['did you mean `seeds`?', 'did you mean `stepRatio`?'],
    keys: ['seed', 'stepratio'],
  },
  {
    file: 'bad/wrong-types.yaml',
    mentions: ['seeds:', 'grid.depth:', 'grid.direction[0]:',
      'remove the quotes', 'trajectory.sharpness:'],
    keys: ['seeds', 'depth', 'direction', 'stepRatio', 'sharpness'],
  },
  {
    // depth < 2, width < 1, radius < 0, step ratio ≤ 0, maxSteps < 1
    file: 'bad/out-of-range.yaml',
    mentions: ['grid.depth[0]: expected an integer ≥ 2, found 1',
      'grid.width[0]: expected an integer ≥ 1, found 0',
      'grid.radius[0]: expected a number ≥ 0, found -1e-9',
      'grid.stepRatio[0]: expected a number > 0, found 0',
      'grid.maxSteps[0]: expected an integer ≥ 1, found 0'],
    keys: ['depth', 'width', 'radius', 'stepRatio', 'maxSteps'],
  },
  {
    file: 'bad/negative-ratio.yaml',
    mentions: ['grid.stepRatio', '-0.5', '> 0'],
    keys: ['stepRatio'],
  },
];

/** 1-based line of the first `key:` in the file, read independently. */
function lineOf(path: string, key: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((line) =>
    new RegExp(`^\\s*${key}:`).test(line));
  expect(index, `fixture has no ${key}:`).toBeGreaterThanOrEqual(0);

  return index + 1;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('run and plan refuse bad sweep files', () => {
  it.each(cases.map((c) => [c.file, c] as const))(
    '%s: exit 2, one located message with a fix, no database',
    (_, { file, mentions, keys = [], near }) => {
      const path = fixture(file);
      const db = freshDb();
      const located = keys.map((key) => `${path}:${lineOf(path, key)}:`);
      const nearLines = near === undefined
        ? []
        : [lineOf(path, near), lineOf(path, near) + 1];

      const run = cli(['run', path, '--db', db, '--no-tui']);
      expectRefusal(run, 2, [path, ...mentions, ...located]);
      expectNoDatabase(db);
      if (nearLines.length > 0) {
        const first = new RegExp(`${escape(path)}:(\\d+):\\d+`)
          .exec(run.stderr);
        expect(nearLines).toContain(Number(first?.[1]));
      }

      // plan validates the same way (and never writes anything).
      const plan = cli(['plan', path]);
      expectRefusal(plan, 2, [path, ...mentions, ...located]);
    },
  );
});

describe('a grid that would take days', () => {
  const huge = fixture('huge.yaml');
  // seeds count × one value on every other axis (read off the file).
  const trials = 1_000_000_000;

  it('plan shows the size; run refuses it without --yes', () => {
    const plan = cli(['plan', huge, '--samples', '1']);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain(`trials: ${trials.toLocaleString('en-US')}`);

    const db = freshDb();
    const run = cli(['run', huge, '--db', db, '--no-tui', '--workers', '2']);
    expectRefusal(run, 2, [
      huge,
      `${trials.toLocaleString('en-US')} trials`,
      'on 2 worker(s)',
      '--yes',
    ]);
    // The estimate is a duration of at least a day (e.g. "8046h36m").
    const hours = /at least (\d+)h/.exec(run.stderr);
    expect(Number(hours?.[1])).toBeGreaterThanOrEqual(24);
    expectNoDatabase(db);
  });

  it('run --yes starts it, and Ctrl-C leaves it resumable', async () => {
    const db = freshDb();
    const child = cliAsync([
      'run', huge, '--db', db, '--no-tui', '--workers', '2', '--yes',
    ]);
    const exit = exited(child);

    await waitFor(() => storedCount(db) >= 4, 'the first stored trials');
    child.kill('SIGINT');
    const { code, stderr } = await exit;

    expect(code, stderr).toBe(130);
    expect(stderr).toContain('run the same command again to resume');
    const [sweep] = readRows<{ total: number; done: number }>(
      db, `SELECT total, done FROM sweeps WHERE name = 'huge'`);
    expect(sweep.total).toBe(trials);
    expect(sweep.done).toBe(storedCount(db));
  });
});
