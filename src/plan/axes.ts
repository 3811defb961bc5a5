/**
 * Grid axes: a list of values, or a numeric range that is never
 * materialised (a million-seed sweep is two numbers, not a million).
 */
import {
  collect,
  expectedNumber,
  numberCheck,
  numberProblem,
  type Check,
  type NumberRule,
} from './check.js';
import { describeFound, isMapping, type Path } from './issues.js';

/**
 * Most values one numeric range may hold: every value is checked against
 * the axis rule up front, which stays well under a second at this size.
 */
export const MAX_AXIS_LENGTH = 1_000_000;

/** Most seeds one seed range may hold (seeds need no per-value check). */
export const MAX_SEED_COUNT = 1_000_000_000;

/** `count` values from `from` to `to`, evenly or log-evenly spaced. */
export interface RangeDef {
  from: number;
  to: number;
  count: number;
  log: boolean;
}

/** `count` consecutive integers starting at `from`. */
export interface SeedRangeDef {
  from: number;
  count: number;
}

export type AxisDef<T> = T[] | RangeDef;

/** Random access to an axis without storing its values. */
export interface Axis<T> {
  readonly length: number;
  at(index: number): T;
}

export function listAxis<T>(values: readonly T[]): Axis<T> {
  return { length: values.length, at: (index) => values[index] };
}

export function numberAxis(def: AxisDef<number>): Axis<number> {
  if (Array.isArray(def)) return listAxis(def);

  return { length: def.count, at: (index) => rangeValue(def, index) };
}

export function seedAxis(def: number[] | SeedRangeDef): Axis<number> {
  if (Array.isArray(def)) return listAxis(def);

  return { length: def.count, at: (index) => def.from + index };
}

/**
 * The `index`-th value of a range, rounded to 12 significant digits so a
 * range and the same values typed by hand (0.6, not 0.6000000000000001)
 * give the same trials and the same keys. Endpoints are exact.
 */
export function rangeValue(range: RangeDef, index: number): number {
  if (index === 0) return range.from;
  if (index === range.count - 1) return range.to;

  const t = index / (range.count - 1);
  const raw = range.log
    ? Math.exp(
        Math.log(range.from) +
          t * (Math.log(range.to) - Math.log(range.from)),
      )
    : range.from + t * (range.to - range.from);

  return Number(raw.toPrecision(12));
}

/** A scalar is accepted wherever a list is: it is a one-value list. */
export function listAxisCheck<T>(
  element: Check<T>,
  what: string,
): Check<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      const single = element(value, path, issues);

      return single === undefined ? undefined : [single];
    }

    if (value.length === 0) {
      issues.add({
        path,
        expected: `at least one ${what}`,
        found: 'an empty list',
        hint: 'list one or more values, or remove the key for the default',
      });

      return undefined;
    }

    return collect(value, path, issues, element);
  };
}

/** A numeric axis: a number, a list of numbers, or a range mapping. */
export function numberAxisCheck(
  rule: NumberRule,
  what: string,
): Check<AxisDef<number>> {
  const element = numberCheck(rule);
  const asList = listAxisCheck(element, what);

  return (value, path, issues) => {
    if (!isMapping(value)) return asList(value, path, issues);

    const range = rangeCheck(value, path, issues);
    if (range === undefined) return undefined;

    // Ranges are monotone, but rounding and integer rules are not, so
    // every generated value is checked (bounded by MAX_AXIS_LENGTH).
    for (let index = 0; index < range.count; index++) {
      const generated = rangeValue(range, index);
      const hint = numberProblem(generated, rule);
      if (hint === undefined) continue;

      issues.add({
        path,
        expected: `a range whose every value is ${expectedNumber(rule)}`,
        found: `${generated} as value ${index + 1} of ${range.count}`,
        hint,
      });

      return undefined;
    }

    return range;
  };
}

const RANGE_KEYS = ['from', 'to', 'count', 'log'];

const rangeEnd = numberCheck({ hint: 'give a finite number' });

const rangeCount = numberCheck({
  integer: true,
  min: 1,
  max: MAX_AXIS_LENGTH,
  hint: `use a whole number of values from 1 to ${MAX_AXIS_LENGTH}`,
});

function rangeCheck(
  value: Record<string, unknown>,
  path: Path,
  issues: Parameters<Check<unknown>>[2],
): RangeDef | undefined {
  const before = issues.total;

  for (const key of Object.keys(value)) {
    if (RANGE_KEYS.includes(key)) continue;

    issues.add({
      path: [...path, key],
      expected: 'a range key (`from`, `to`, `count`, `log`)',
      found: `unknown key \`${key}\``,
      hint: 'write a range as {from: 0.5, to: 1.5, count: 11}',
      atKey: true,
    });
  }

  for (const key of ['from', 'to', 'count']) {
    if (key in value) continue;

    issues.add({
      path,
      expected: `a range with \`${key}\``,
      found: 'none',
      hint: 'write a range as {from: 0.5, to: 1.5, count: 11}',
    });
  }

  if (issues.total > before) return undefined;

  const from = rangeEnd(value.from, [...path, 'from'], issues);
  const to = rangeEnd(value.to, [...path, 'to'], issues);
  const count = rangeCount(value.count, [...path, 'count'], issues);
  const log = value.log ?? false;

  if (typeof log !== 'boolean') {
    issues.add({
      path: [...path, 'log'],
      expected: 'true or false',
      found: describeFound(log),
      hint: 'write log: true for log-spaced values',
    });
  }

  if (from === undefined || to === undefined || count === undefined) {
    return undefined;
  }
  if (typeof log !== 'boolean') return undefined;

  if (log && !(from > 0 && to > 0)) {
    issues.add({
      path: [...path, from > 0 ? 'to' : 'from'],
      expected: 'a number > 0 (log-spaced ranges need positive ends)',
      found: describeFound(from > 0 ? to : from),
      hint: 'use positive ends, or drop `log: true`',
    });

    return undefined;
  }

  return { from, to, count, log };
}

const seedCount = numberCheck({
  integer: true,
  min: 1,
  max: MAX_SEED_COUNT,
  hint: `use a whole number of seeds from 1 to ${MAX_SEED_COUNT}`,
});

const seedValue = numberCheck({
  integer: true,
  min: 0,
  hint: 'seeds are whole numbers ≥ 0',
});

/** `[1, 2, 3]`, a single seed, or `{from: 1, count: 5}`. */
export const seedsCheck: Check<number[] | SeedRangeDef> = (
  value,
  path,
  issues,
) => {
  if (!isMapping(value)) {
    return listAxisCheck(seedValue, 'seed')(value, path, issues);
  }

  const before = issues.total;
  for (const key of Object.keys(value)) {
    if (key === 'from' || key === 'count') continue;

    issues.add({
      path: [...path, key],
      expected: 'a seed range key (`from`, `count`)',
      found: `unknown key \`${key}\``,
      hint: 'write a seed range as {from: 1, count: 5}',
      atKey: true,
    });
  }

  const from = seedValue(value.from, [...path, 'from'], issues);
  const count = seedCount(value.count, [...path, 'count'], issues);
  if (issues.total > before) return undefined;
  if (from === undefined || count === undefined) return undefined;

  if (!Number.isSafeInteger(from + count)) {
    issues.add({
      path: [...path, 'from'],
      expected: 'seeds below 2^53',
      found: describeFound(from),
      hint: 'use smaller seeds',
    });

    return undefined;
  }

  return { from, count };
};
