/**
 * Checks for the parts of a trial that are mappings: targets and
 * minimizers. Each normalises to the object form of `src/escape/spec.ts`,
 * so `balanced` and `{family: balanced}` become the same value.
 */
import type { MinimizerSpec, TargetSpec } from '../escape/spec.js';
import { listAxisCheck } from './axes.js';
import { enumCheck, mapCheck, numberCheck, type Check } from './check.js';
import {
  optional,
  recordCheck,
  required,
  taggedCheck,
  withDefault,
} from './record.js';

const finite = numberCheck({ hint: 'use a finite number' });

const positive = (what: string): Check<number> =>
  numberCheck({ above: 0, hint: `${what} must be positive` });

const seed = numberCheck({
  integer: true,
  min: 0,
  hint: 'seeds are whole numbers ≥ 0; omit it to use the trial seed',
});

const singularValue = numberCheck({
  min: 0,
  hint: 'singular values are ≥ 0',
});

const scalarTarget = recordCheck(
  {
    kind: required(enumCheck(['scalar']), ''),
    value: required(finite, 'add `value:`, e.g. {kind: scalar, value: 1.5}'),
  },
  { what: 'a scalar target' },
);

const gaussianTarget = recordCheck(
  {
    kind: required(enumCheck(['gaussian']), ''),
    scale: withDefault(positive('the scale'), 1),
    seed: optional(seed),
  },
  { what: 'a gaussian target' },
);

const singularTarget = recordCheck(
  {
    kind: required(enumCheck(['singular']), ''),
    values: required(
      listAxisCheck(singularValue, 'singular value'),
      'add `values:`, e.g. {kind: singular, values: [3, 1]}',
    ),
    seed: optional(seed),
  },
  { what: 'a singular-value target' },
);

export const targetCheck: Check<TargetSpec> = taggedCheck<TargetSpec>({
  tag: 'kind',
  what: 'a target',
  variants: {
    scalar: mapCheck(scalarTarget, (t) => ({
      kind: 'scalar',
      value: t.value,
    })),
    gaussian: mapCheck(gaussianTarget, (t) =>
      withSeed({ kind: 'gaussian', scale: t.scale }, t.seed),
    ),
    singular: mapCheck(singularTarget, (t) =>
      withSeed({ kind: 'singular', values: t.values }, t.seed),
    ),
  },
});

/** Leaves `seed` out entirely when absent, so keys do not see it. */
function withSeed<T extends TargetSpec>(target: T, value?: number): T {
  return value === undefined ? target : { ...target, seed: value };
}

const imbalanced = recordCheck(
  {
    family: required(enumCheck(['imbalanced']), ''),
    spread: required(
      finite,
      'add `spread:`, e.g. {family: imbalanced, spread: 0.5}',
    ),
  },
  { what: 'an imbalanced minimizer' },
);

const random = recordCheck(
  {
    family: required(enumCheck(['random']), ''),
    scale: withDefault(positive('the scale'), 1),
  },
  { what: 'a random minimizer' },
);

const targeted = recordCheck(
  {
    family: required(enumCheck(['targeted']), ''),
    sharpness: required(
      positive('the target sharpness'),
      'add `sharpness:`, e.g. {family: targeted, sharpness: 40}',
    ),
  },
  { what: 'a sharpness-targeted minimizer' },
);

const balanced = recordCheck(
  { family: required(enumCheck(['balanced']), '') },
  { what: 'a balanced minimizer' },
);

const FAMILIES = ['balanced', 'imbalanced', 'random', 'targeted'] as const;

/** Families whose parameters have no sensible default. */
const NEEDS_PARAMETER: Record<string, string> = {
  imbalanced: '{family: imbalanced, spread: 0.5}',
  targeted: '{family: targeted, sharpness: 40}',
};

const familyWord = enumCheck(FAMILIES);

export const minimizerCheck: Check<MinimizerSpec> =
  taggedCheck<MinimizerSpec>({
    tag: 'family',
    what: 'a minimizer',
    variants: {
      balanced: mapCheck(balanced, () => ({ family: 'balanced' })),
      imbalanced: mapCheck(imbalanced, (m) => ({
        family: 'imbalanced',
        spread: m.spread,
      })),
      random: mapCheck(random, (m) => ({
        family: 'random',
        scale: m.scale,
      })),
      targeted: mapCheck(targeted, (m) => ({
        family: 'targeted',
        sharpness: m.sharpness,
      })),
    },
    bare(word, path, issues) {
      const family = familyWord(word, path, issues);
      if (family === undefined) return undefined;

      if (family in NEEDS_PARAMETER) {
        issues.add({
          path,
          expected: `${family} with its parameter`,
          found: `bare \`${family}\``,
          hint: `write ${NEEDS_PARAMETER[family]}`,
        });

        return undefined;
      }

      return family === 'random'
        ? { family: 'random', scale: 1 }
        : { family: 'balanced' };
    },
  });
