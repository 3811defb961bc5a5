/**
 * Small composable validators. The sweep schema and the command inputs are
 * both tables built from these, so every rule (and its message) is written
 * once. A check returns the accepted value, or `undefined` after recording
 * at least one issue; it never throws.
 */
import {
  describeFound,
  looksNumeric,
  type Issues,
  type Path,
} from './issues.js';
import { closest } from './suggest.js';

export type Check<T> = (
  value: unknown,
  path: Path,
  issues: Issues,
) => T | undefined;

export interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** How to fix a value that breaks the rule. */
  hint: string;
}

/** "an integer ≥ 2", "a number > 0", "an integer from 0 to 10000". */
export function expectedNumber(rule: NumberRule): string {
  const noun = rule.integer ? 'an integer' : 'a number';

  if (rule.min !== undefined && rule.max !== undefined) {
    return `${noun} from ${rule.min} to ${rule.max}`;
  }

  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`≥ ${rule.min}`);
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.max !== undefined) bounds.push(`≤ ${rule.max}`);

  return bounds.length === 0
    ? `${rule.integer ? 'an integer' : 'a finite number'}`
    : `${noun} ${bounds.join(' and ')}`;
}

/** The fix for `value` under `rule`, or undefined when it is fine. */
export function numberProblem(
  value: unknown,
  rule: NumberRule,
): string | undefined {
  if (typeof value === 'string' && looksNumeric(value)) {
    return `remove the quotes: write ${value.trim()}, not "${value}"`;
  }
  if (typeof value !== 'number') return rule.hint;
  if (!Number.isFinite(value)) {
    return 'use a finite number (.nan and .inf are not allowed)';
  }

  const integerOk = !rule.integer || Number.isSafeInteger(value);
  const inRange =
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);

  return integerOk && inRange ? undefined : rule.hint;
}

export function numberCheck(rule: NumberRule): Check<number> {
  return (value, path, issues) => {
    const hint = numberProblem(value, rule);
    if (hint === undefined) return value as number;

    issues.add({
      path,
      expected: expectedNumber(rule),
      found: describeFound(value),
      hint,
    });

    return undefined;
  };
}

export function booleanCheck(): Check<boolean> {
  return (value, path, issues) => {
    if (typeof value === 'boolean') return value;

    issues.add({
      path,
      expected: 'true or false',
      found: describeFound(value),
      hint: 'write true or false without quotes',
    });

    return undefined;
  };
}

export function stringCheck(rule: {
  pattern?: RegExp;
  maxLength?: number;
  expected: string;
  hint: string;
}): Check<string> {
  return (value, path, issues) => {
    const ok =
      typeof value === 'string' &&
      (rule.pattern === undefined || rule.pattern.test(value)) &&
      (rule.maxLength === undefined || value.length <= rule.maxLength);
    if (ok) return value;

    issues.add({
      path,
      expected: rule.expected,
      found: describeFound(value),
      hint: rule.hint,
    });

    return undefined;
  };
}

/** One of a few words, with "did you mean" for near misses. */
export function enumCheck<T extends string>(
  words: readonly T[],
): Check<T> {
  const listed = words.map((word) => `\`${word}\``).join(', ');

  return (value, path, issues) => {
    if (typeof value === 'string' && words.includes(value as T)) {
      return value as T;
    }

    const guess =
      typeof value === 'string' ? closest(value, words) : undefined;
    issues.add({
      path,
      expected: `one of ${listed}`,
      found: describeFound(value),
      hint:
        guess !== undefined
          ? `did you mean \`${guess}\`?`
          : `use one of ${listed}`,
    });

    return undefined;
  };
}

/** A non-empty list whose every element passes `element`. */
export function listCheck<T>(
  element: Check<T>,
  rule: { expected: string; hint: string; minLength?: number },
): Check<T[]> {
  const minLength = rule.minLength ?? 1;

  return (value, path, issues) => {
    if (!Array.isArray(value) || value.length < minLength) {
      issues.add({
        path,
        expected: rule.expected,
        found: describeFound(value),
        hint: rule.hint,
      });

      return undefined;
    }

    return collect(value, path, issues, element);
  };
}

/** Checks every element; undefined if any failed. */
export function collect<T>(
  list: readonly unknown[],
  path: Path,
  issues: Issues,
  element: Check<T>,
): T[] | undefined {
  const before = issues.total;
  const out: T[] = [];

  for (let index = 0; index < list.length; index++) {
    const accepted = element(list[index], [...path, index], issues);
    if (accepted !== undefined) out.push(accepted);
  }

  return issues.total > before ? undefined : out;
}

/** Accepts what `check` accepts, then reshapes it. */
export function mapCheck<A, B>(
  check: Check<A>,
  reshape: (accepted: A) => B,
): Check<B> {
  return (value, path, issues) => {
    const accepted = check(value, path, issues);

    return accepted === undefined ? undefined : reshape(accepted);
  };
}
