import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { InputError, SweepValidationError } from '../../src/errors.js';
import {
  parseEscapeInput,
  parseSharpnessInput,
  parseSweep,
} from '../../src/plan/index.js';
import { jsonErrorOffset } from '../../src/plan/json-source.js';
import { mutateText, mutateTree, seeded } from './random.js';

const sweepText = readFileSync(
  fileURLToPath(
    new URL('../fixtures/sweeps/depth-width.yaml', import.meta.url),
  ),
  'utf8',
);

const reference = JSON.parse(
  readFileSync(new URL('../../../shared/reference/cases.json', import.meta.url), 'utf8'),
) as { escapes: Record<string, unknown>[] };

/** An escape input built from the first reference escape case. */
function escapeInput(): Record<string, unknown> {
  const c = reference.escapes[0];
  return {
    factors: c.factors,
    target: c.target,
    stepSize: c.stepSize,
    radius: c.radius,
    direction: c.direction,
    maxSteps: c.maxSteps,
    escapeDistance: c.escapeDistance,
  };
}

/** Runs `parseOnce`, allowing only a result or the expected error. */
function outcome(
  parseOnce: () => unknown,
  expected: typeof SweepValidationError | typeof InputError,
): 'valid' | 'invalid' {
  try {
    parseOnce();
    return 'valid';
  } catch (error) {
    if (!(error instanceof expected)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.location).toBeTruthy();
    return 'invalid';
  }
}

describe('fuzz: mutated sweep files', () => {
  it('2,000 mutations give a plan or a SweepValidationError', () => {
    const random = seeded(20240601);
    const tree = parse(sweepText) as unknown;
    const tally = { valid: 0, invalid: 0 };

    for (let round = 0; round < 2000; round++) {
      let text: string;
      if (random.next() < 0.5) {
        let mutated = tree;
        for (let n = 1 + random.below(3); n > 0; n--) {
          mutated = mutateTree(mutated, random);
        }
        text = stringify(mutated);
      } else {
        text = sweepText;
        for (let n = 1 + random.below(3); n > 0; n--) {
          text = mutateText(text, random);
        }
      }

      const result = outcome(() => {
        const plan = parseSweep(text, `round-${round}.yaml`);
        expect(Number.isSafeInteger(plan.count)).toBe(true);
        expect(plan.count).toBeGreaterThan(0);
        for (const trial of plan.sample(3)) {
          expect(trial.key).toMatch(/^[0-9a-f]{32}$/);
        }
      }, SweepValidationError);
      tally[result] += 1;
    }

    // Both paths were exercised.
    expect(tally.valid).toBeGreaterThan(50);
    expect(tally.invalid).toBeGreaterThan(500);
  });
});

describe('fuzz: mutated command inputs', () => {
  it('2,000 mutations give an input or an InputError', () => {
    const random = seeded(7);
    const base = escapeInput();
    const baseText = JSON.stringify(base, null, 1);
    const tally = { valid: 0, invalid: 0 };

    for (let round = 0; round < 2000; round++) {
      const text =
        random.next() < 0.5
          ? JSON.stringify(mutateTree(base, random))
          : mutateText(baseText, random);

      tally[outcome(() => parseEscapeInput(text, 'in.json'), InputError)] += 1;
      outcome(() => parseSharpnessInput(text, 'in.json'), InputError);
    }

    expect(tally.valid).toBeGreaterThan(50);
    expect(tally.invalid).toBeGreaterThan(500);
  });

  it('finds a syntax error exactly when JSON.parse does', () => {
    const random = seeded(99);
    const baseText = JSON.stringify(escapeInput());

    for (let round = 0; round < 2000; round++) {
      const text = mutateText(mutateText(baseText, random), random);
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }

      expect(jsonErrorOffset(text) === undefined).toBe(parses);
    }
  });
});
