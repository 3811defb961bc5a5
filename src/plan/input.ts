/**
 * Validation of the JSON inputs of `sharpsweep sharpness` and
 * `sharpsweep escape` (DESIGN.md §3). Matrices stay `number[][]`; the
 * numeric core converts them.
 */
import type { DirectionKind } from '../escape/spec.js';
import { InputError } from '../errors.js';
import {
  booleanCheck,
  enumCheck,
  listCheck,
  numberCheck,
} from './check.js';
import { isMapping, Issues } from './issues.js';
import { readJson } from './json-source.js';
import { checkChain, checkTarget, matrixCheck } from './matrix-check.js';
import {
  optional,
  recordCheck,
  required,
  withDefault,
  type Fields,
} from './record.js';
import { report } from './report.js';
import { checkScale } from './scale-check.js';

export interface SharpnessInput {
  factors: number[][][];
  target?: number[][];
}

export interface EscapeInput extends SharpnessInput {
  stepSize?: number;
  stepRatio?: number;
  radius: number;
  direction: DirectionKind;
  seed: number;
  maxSteps: number;
  escapeDistance: number;
  convergedLoss: number;
  earlyStop: boolean;
}

const MATRIX_FIELDS = {
  factors: required(
    listCheck(matrixCheck, {
      expected: 'at least 2 factors [W_1, …, W_L] (depth L ≥ 2)',
      hint: 'list the factors W_1 first, each as a list of rows',
      minLength: 2,
    }),
    'add "factors": [W_1, …, W_L], W_1 first, each a list of rows',
  ),
  target: optional(matrixCheck),
};

const positive = (hint: string) => numberCheck({ above: 0, hint });

const ESCAPE_FIELDS = {
  ...MATRIX_FIELDS,
  stepSize: optional(positive('the step size η is > 0')),
  stepRatio: optional(positive('ρ = ηλ/2 is > 0; ρ > 1 predicts escape')),
  radius: required(
    numberCheck({ min: 0, hint: 'the radius r is ≥ 0, e.g. 1e-6' }),
    'add "radius": the perturbation size, e.g. 1e-6',
  ),
  direction: required(
    enumCheck(['top', 'random', 'flattest'] as const),
    'add "direction": "top" (or "random", "flattest")',
  ),
  seed: withDefault(
    numberCheck({ integer: true, min: 0, hint: 'use a whole number ≥ 0' }),
    0,
  ),
  maxSteps: withDefault(
    numberCheck({ integer: true, min: 1, hint: 'use a whole number ≥ 1' }),
    20000,
  ),
  escapeDistance: withDefault(
    positive('the escape distance δ is > 0, e.g. 1e-3'),
    1e-3,
  ),
  convergedLoss: withDefault(
    positive('use a small positive loss, e.g. 1e-20'),
    1e-20,
  ),
  // Off by default: the reference protocol always runs maxSteps steps.
  earlyStop: withDefault(booleanCheck(), false),
};

export function parseSharpnessInput(
  text: string,
  file: string,
): SharpnessInput {
  return parseInput(text, file, MATRIX_FIELDS, 'sharpness input');
}

export function parseEscapeInput(text: string, file: string): EscapeInput {
  return parseInput(text, file, ESCAPE_FIELDS, 'escape input', oneStep);
}

/** Exactly one of stepSize and stepRatio. */
function oneStep(raw: Record<string, unknown>, issues: Issues): void {
  const given = ['stepSize', 'stepRatio'].filter((key) =>
    Object.hasOwn(raw, key),
  );
  if (given.length === 1) return;

  issues.add({
    path: given.length === 0 ? [] : ['stepRatio'],
    expected: 'exactly one of "stepSize" (η) and "stepRatio" (ρ = ηλ/2)',
    found: given.length === 0 ? 'neither' : 'both',
    hint:
      given.length === 0
        ? 'add "stepRatio": 1.2 (η = 2ρ/λ_max) or "stepSize": 0.01'
        : 'keep one: stepRatio scales η to the sharpness, stepSize fixes η',
    atKey: given.length > 0,
  });
}

function parseInput<F extends Fields, T>(
  text: string,
  file: string,
  fields: F,
  what: string,
  crossRule?: (raw: Record<string, unknown>, issues: Issues) => void,
): T {
  const issues = new Issues();
  const raw = readJson(text, issues);

  if (issues.empty) {
    const check = recordCheck(fields, { what: `the ${what}`, json: true });
    const parsed = check(raw, [], issues) as
      | (SharpnessInput & Record<string, unknown>)
      | undefined;

    if (crossRule && isMapping(raw)) {
      crossRule(raw, issues);
    }

    if (parsed !== undefined) {
      checkChain(parsed.factors, issues);
      if (issues.empty && parsed.target !== undefined) {
        checkTarget(parsed.target, parsed.factors, issues);
      }
      if (issues.empty) {
        checkScale(parsed.factors, parsed.target, issues);
      }
    }

    if (parsed !== undefined && issues.empty) return parsed as T;
  }

  const { message, location, hint } = report(what, file, issues);
  throw new InputError(message, { location, hint });
}
