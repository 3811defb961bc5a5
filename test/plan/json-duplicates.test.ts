import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from '../../src/plan/json-duplicates.js';

describe('repeated JSON keys', () => {
  it('finds the second occurrence within one object only', () => {
    const text = '{"a": 1, "b": {"a": 2}, "c": [{"a": 3}], "a": 4}';
    expect(firstDuplicateKey(text)).toEqual({
      key: 'a',
      offset: text.lastIndexOf('"a"'),
    });
    expect(firstDuplicateKey('{"a": {"a": {"a": 1}}, "b": [1, 2]}')).toBe(
      undefined,
    );
  });

  it('reads keys and values with escaped quotes and backslashes', () => {
    // Keys: a"b, a\ and a\" — all different; the value strings hold
    // braces, commas and quotes that must not be taken as structure.
    const text = JSON.stringify({
      'a"b': '{"a"b": 1,}',
      'a\\': ['\\', '"', '\\"'],
      'a\\"': { x: 1 },
    });
    expect(firstDuplicateKey(text)).toBe(undefined);
    const repeated = text.slice(0, -1) + ', "a\\\\": 0}';
    expect(firstDuplicateKey(repeated)).toEqual({
      key: 'a\\',
      offset: repeated.lastIndexOf('"a\\\\"'),
    });
  });

  it('skips over long number arrays', () => {
    const numbers = Array.from({ length: 10_000 }, (_, i) => i / 7);
    const text = JSON.stringify({ factors: [numbers, numbers], target: 1 });
    expect(firstDuplicateKey(text)).toBe(undefined);
    expect(firstDuplicateKey(text.slice(0, -1) + ',"factors":0}')?.key).toBe(
      'factors',
    );
  });
});
