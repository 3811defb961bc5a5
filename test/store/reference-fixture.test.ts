/**
 * The store tests use a copy of the reference escape cases so they run in
 * a clean clone; where the shared original is present, the copy must
 * match it number for number.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reference } from './fixtures.js';

const ORIGINAL = new URL(
  '../../../shared/reference/cases.json',
  import.meta.url,
);

describe('the copied reference escape cases', () => {
  it.skipIf(!existsSync(ORIGINAL))('match the shared original', () => {
    const original = JSON.parse(readFileSync(ORIGINAL, 'utf8')) as {
      escapes: Record<string, unknown>[];
      minimizers: { dims: number[] }[];
    };

    expect(reference.escapes).toHaveLength(original.escapes.length);
    reference.escapes.forEach((copy, i) => {
      for (const [field, value] of Object.entries(copy)) {
        expect(original.escapes[i][field]).toEqual(value);
      }
    });
    expect(reference.minimizerDims).toEqual(
      original.minimizers.map((m) => m.dims));
  });
});
