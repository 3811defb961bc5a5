/**
 * Fuzzing through the real CLI. test/plan/fuzz.test.ts feeds thousands of
 * mutations to the library entry points; this file sends a few dozen of
 * them through `run`, `escape` and `sharpness` and checks that the CLI
 * agrees with the library: exit 0 exactly when the library accepts, else
 * exit 2 with the library's location, never a stack trace, and no
 * database left behind by a refused sweep.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { SharpsweepError } from '../../src/errors.js';
import {
  loadSweepFile,
  parseEscapeInput,
  parseSharpnessInput,
  type SweepPlan,
} from '../../src/plan/index.js';
import { cli, readRows, referenceCases, tempDir } from '../cli/helpers.js';
import { mutateText, mutateTree, seeded, type Random } from '../plan/random.js';
import {
  expectNoCrash,
  expectNoDatabase,
  expectRefusal,
  fixture,
} from './harness.js';

type Verdict<T> =
  | { ok: true; value: T }
  | { ok: false; error: SharpsweepError };

/** The library's verdict; anything but a SharpsweepError fails the test. */
function verdict<T>(parseOnce: () => T): Verdict<T> {
  try {
    return { ok: true, value: parseOnce() };
  } catch (error) {
    expect(error).toBeInstanceOf(SharpsweepError);
    return { ok: false, error: error as SharpsweepError };
  }
}

/** One or two mutations of the tree (written back by `write`) or text. */
function mutate(
  text: string,
  tree: unknown,
  random: Random,
  write: (tree: unknown) => string,
): string {
  const times = 1 + random.below(2);
  if (random.next() < 0.5) {
    let mutated = tree;
    for (let n = 0; n < times; n++) mutated = mutateTree(mutated, random);
    return write(mutated);
  }

  let mutated = text;
  for (let n = 0; n < times; n++) mutated = mutateText(mutated, random);
  return mutated;
}

/** Distinct trial keys of a plan: what a complete run stores. */
function distinctKeys(plan: SweepPlan): number {
  const keys = new Set<string>();
  for (const trial of plan.trials()) keys.add(trial.key);

  return keys.size;
}

// Runs stay short: a valid mutation that asks for more GD steps than this
// (a longer maxSteps, a bigger grid) is checked through `plan` instead.
const RUNNABLE_STEPS = 60_000;

describe('fuzz through the CLI', () => {
  it('mutated sweep files: run agrees with the library', () => {
    const random = seeded(314159);
    const baseText = readFileSync(fixture('fuzz-base.yaml'), 'utf8');
    const tree = parse(baseText) as unknown;
    const dir = tempDir('sharpsweep-fuzz-');
    const tally = { run: 0, planned: 0, refused: 0 };

    for (let round = 0; tally.refused < 16 || tally.run < 6; round++) {
      expect(round, 'too few valid or invalid mutations').toBeLessThan(400);
      const text = mutate(baseText, tree, random, (t) => stringify(t));
      const file = join(dir, `round-${round}.yaml`);
      writeFileSync(file, text);
      const library = verdict(() => loadSweepFile(file));
      const db = join(dir, `round-${round}.sqlite`);

      if (!library.ok) {
        if (tally.refused >= 16) continue;
        tally.refused += 1;
        const result = cli(['run', file, '--db', db, '--no-tui']);
        expectRefusal(result, 2, [library.error.location ?? file]);
        expectNoDatabase(db);
        continue;
      }

      const plan = library.value;
      if (plan.estimate().gdSteps > RUNNABLE_STEPS) {
        if (tally.planned >= 2) continue;
        tally.planned += 1;
        const result = cli(['plan', file, '--samples', '2']);
        expectNoCrash(result);
        expect(result.status, result.stderr).toBe(0);
        continue;
      }

      if (tally.run >= 6) continue;
      tally.run += 1;
      const result = cli(['run', file, '--db', db, '--no-tui', '--workers',
        '1']);
      expectNoCrash(result);
      expect(result.status, result.stderr).toBe(0);
      const [{ n }] = readRows<{ n: number }>(
        db, 'SELECT count(*) AS n FROM trials WHERE sweep = ?', plan.name);
      expect(n).toBe(distinctKeys(plan));
    }
  });

  it('mutated escape and sharpness inputs agree with the library', () => {
    const random = seeded(271828);
    const reference = JSON.parse(readFileSync(referenceCases, 'utf8'));
    const c = reference.escapes[3];
    const escapeBase = {
      factors: c.factors,
      stepRatio: c.stepRatio,
      radius: c.radius,
      direction: c.direction,
      maxSteps: 100,
    };
    const sharpBase = { factors: c.factors, target: c.target };
    const tally = { accepted: 0, refused: 0 };

    for (let round = 0; tally.accepted + tally.refused < 20; round++) {
      expect(round, 'too few usable mutations').toBeLessThan(400);
      const escape = round % 2 === 0;
      const base = escape ? escapeBase : sharpBase;
      const text = mutate(JSON.stringify(base, null, 1), base, random,
        (t) => JSON.stringify(t));
      const library = verdict(() => escape
        ? parseEscapeInput(text, '<stdin>')
        : parseSharpnessInput(text, '<stdin>'));

      // Keep both kinds, and valid trials short enough to run here.
      const wanted = library.ok ? tally.accepted < 8 : tally.refused < 12;
      const steps = library.ok && 'maxSteps' in library.value
        ? (library.value.maxSteps as number)
        : 0;
      if (!wanted || steps > 20_000) continue;

      const command = escape ? 'escape' : 'sharpness';
      const result = cli([command, '--input', '-', '--json'], { input: text });
      if (library.ok) {
        tally.accepted += 1;
        expectNoCrash(result);
        expect(result.status, result.stderr).toBe(0);
        expect(typeof JSON.parse(result.stdout).sharpness).toBe('number');
      } else {
        tally.refused += 1;
        expectRefusal(result, 2, [library.error.location ?? '<stdin>']);
      }
    }
  });
});
