/**
 * Mappings: fixed keys with defaults (`recordCheck`) and shapes chosen by
 * a tag key (`taggedCheck`). Unknown keys are reported at the key with the
 * closest known key, so a typo is one edit away from fixed.
 */
import { enumCheck, type Check } from './check.js';
import { describeFound, isMapping, type Issues, type Path } from './issues.js';
import { closest } from './suggest.js';

/** A field of a mapping: its check, and a default or required mark. */
export interface Field<T> {
  check: Check<T>;
  default?: T;
  required?: boolean;
  /** How to fix a missing required field. */
  hint?: string;
}

export type Fields = Record<string, Field<unknown>>;

type Present<F extends Fields> = {
  [K in keyof F]: F[K] extends { required: true } | { default: unknown }
    ? K
    : never;
}[keyof F];

type Inner<F> = F extends Field<infer T> ? T : never;

/** What a record check yields: defaulted/required fields are present. */
export type Parsed<F extends Fields> = {
  [K in Present<F>]: Inner<F[K]>;
} & {
  [K in Exclude<keyof F, Present<F>>]?: Inner<F[K]>;
};

export function required<T>(
  check: Check<T>,
  hint: string,
): Field<T> & { required: true } {
  return { check, required: true, hint };
}

export function optional<T>(check: Check<T>): Field<T> {
  return { check };
}

export function withDefault<T>(
  check: Check<T>,
  value: T,
): Field<T> & { default: T } {
  return { check, default: value };
}

export interface RecordRule {
  /** What the mapping is, for messages ("the grid", "a target"). */
  what: string;
  /** Messages speak of JSON objects rather than YAML mappings. */
  json?: boolean;
  /** Keys that belong to another mapping, with where they go. */
  elsewhere?: Record<string, string>;
}

/**
 * A mapping with known keys. Unknown keys are reported at the key itself
 * with the closest known key; missing required keys at the mapping.
 */
export function recordCheck<F extends Fields>(
  fields: F,
  rule: RecordRule,
): Check<Parsed<F>> {
  const known = Object.keys(fields);

  return (value, path, issues) => {
    if (!isMapping(value)) {
      issues.add({
        path,
        expected: rule.json
          ? `${rule.what} (a JSON object)`
          : `${rule.what} (a mapping of key: value)`,
        found: describeFound(value),
        hint: rule.json
          ? `write ${rule.what} as {"key": value, …}`
          : `write ${rule.what} as indented \`key: value\` lines`,
      });

      return undefined;
    }

    const before = issues.total;
    reportUnknownKeys(value, known, path, issues, rule);

    const out: Record<string, unknown> = {};
    for (const key of known) {
      const field = fields[key];
      const present = Object.prototype.hasOwnProperty.call(value, key);

      if (!present) {
        // A copy: defaults must not be shared between parsed documents.
        if (field.default !== undefined) {
          out[key] = structuredClone(field.default);
        }
        if (field.required) missing(key, field, path, issues, rule);
        continue;
      }

      const accepted = field.check(value[key], [...path, key], issues);
      if (accepted !== undefined) out[key] = accepted;
    }

    return issues.total > before ? undefined : (out as Parsed<F>);
  };
}

function missing(
  key: string,
  field: Field<unknown>,
  path: Path,
  issues: Issues,
  rule: RecordRule,
): void {
  issues.add({
    path,
    expected: `a \`${key}\` key in ${rule.what}`,
    found: 'none',
    hint: field.hint ?? `add \`${key}:\``,
  });
}

function reportUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: Path,
  issues: Issues,
  rule: RecordRule,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;

    const home = rule.elsewhere?.[key];
    const guess = closest(key, known);
    let hint = `remove it; ${rule.what} takes ${listKeys(known)}`;
    if (home !== undefined) hint = `move it ${home}`;
    else if (guess !== undefined) hint = `did you mean \`${guess}\`?`;

    issues.add({
      path: [...path, key],
      expected: `a key of ${rule.what}`,
      found: `unknown key \`${key}\``,
      hint,
      atKey: true,
    });
  }
}

function listKeys(keys: readonly string[]): string {
  return keys.map((key) => `\`${key}\``).join(', ');
}

/**
 * One of several mapping shapes chosen by a discriminating key
 * (`kind: gaussian`, `family: random`); a bare word may stand for a
 * shape with default parameters.
 */
export function taggedCheck<T>(rule: {
  tag: string;
  what: string;
  variants: Record<string, Check<T>>;
  bare?: (word: string, path: Path, issues: Issues) => T | undefined;
}): Check<T> {
  const names = Object.keys(rule.variants);
  const tagCheck = enumCheck(names);

  return (value, path, issues) => {
    if (typeof value === 'string' && rule.bare !== undefined) {
      return rule.bare(value, path, issues);
    }

    if (!isMapping(value)) {
      issues.add({
        path,
        expected: `${rule.what} (a mapping with \`${rule.tag}:\`)`,
        found: describeFound(value),
        hint: `write e.g. {${rule.tag}: ${names[0]}, …}`,
      });

      return undefined;
    }

    if (!Object.prototype.hasOwnProperty.call(value, rule.tag)) {
      issues.add({
        path,
        expected: `a \`${rule.tag}\` key in ${rule.what}`,
        found: 'none',
        hint: `add \`${rule.tag}:\` with one of ${listKeys(names)}`,
      });

      return undefined;
    }

    const tag = tagCheck(value[rule.tag], [...path, rule.tag], issues);
    if (tag === undefined) return undefined;

    return rule.variants[tag](value, path, issues);
  };
}
