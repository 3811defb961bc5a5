/**
 * Content keys for trials. A key is the hash of the canonical JSON of the
 * fully resolved spec, so it identifies the computation itself: the same
 * trial written two ways, or in two sweeps, has one key, and re-running a
 * sweep finds its finished trials by key.
 */
import crypto from 'node:crypto';

import type { TargetSpec, TrialSpec } from '../escape/spec.js';

/**
 * JSON with object keys sorted at every level. Numbers print as JS
 * numbers (shortest round-trip form), so `1e-9` and `0.000000001` agree;
 * `undefined` fields are omitted, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

const quotedKeys = new Map<string, string>();

/** Spec keys repeat every trial; quote each once. */
function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 1000) quotedKeys.set(key, text);
  }

  return text;
}

/** Deeper than any spec; reaching it means a cycle. */
const MAX_DEPTH = 100;

// Plain concatenation and one sort per object: this runs once per trial,
// a million times for a large sweep.
function write(value: unknown, depth: number): string {
  if (value === null) return 'null';

  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${value} has no JSON form`);
      }
      return String(value); // same digits as JSON; -0 prints as 0
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }

  if (depth > MAX_DEPTH) {
    throw new TypeError('canonicalJson: nested too deeply (a cycle?)');
  }

  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      const item: unknown = value[index];
      text += item === undefined ? 'null' : write(item, depth + 1);
    }

    return text + ']';
  }

  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    if (text.length > 1) text += ',';
    text += quoted(key) + ':' + write(field, depth + 1);
  }

  return text + '}';
}

/**
 * The spec with equivalent spellings made identical: a target without a
 * seed uses the trial seed, and trailing zero singular values are the
 * padding the target adds anyway.
 *
 * LIMITATION: equivalences that depend on the mathematics are not
 * detected (an imbalanced minimizer with spread 0 and a balanced one, a
 * step size and the step ratio it amounts to): such trials get different
 * keys and are computed and stored twice.
 */
export function canonicalSpec(spec: TrialSpec): TrialSpec {
  return { ...spec, target: canonicalTarget(spec.target, spec.seed) };
}

function canonicalTarget(target: TargetSpec, seed: number): TargetSpec {
  if (target.kind === 'scalar') return target;

  const seeded = { ...target, seed: target.seed ?? seed };
  if (seeded.kind !== 'singular') return seeded;

  let used = seeded.values.length;
  while (used > 0 && seeded.values[used - 1] === 0) used -= 1;

  return { ...seeded, values: seeded.values.slice(0, used) };
}

/** Hex SHA-256 of the canonical spec, first 32 hex digits (128 bits). */
export function trialKey(spec: TrialSpec): string {
  return sha256Hex(canonicalJson(canonicalSpec(spec))).slice(0, 32);
}

// The one-shot `crypto.hash` (Node ≥ 20.12) is several times faster than
// a Hash object per call, which matters at a million keys per plan.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

function sha256Hex(text: string): string {
  if (oneShot !== undefined) return oneShot('sha256', text, 'hex');

  return crypto.createHash('sha256').update(text).digest('hex');
}
