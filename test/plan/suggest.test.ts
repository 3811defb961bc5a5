import { describe, expect, it } from 'vitest';

import { closest, editDistance } from '../../src/plan/suggest.js';
import { jsonErrorOffset, positionOf } from '../../src/plan/json-source.js';

describe('editDistance (optimal string alignment)', () => {
  it('matches textbook values', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    // An adjacent swap is one edit, unlike plain Levenshtein's two.
    expect(editDistance('ca', 'ac')).toBe(1);
    expect(editDistance('stpeRatio', 'stepRatio')).toBe(1);
  });

  it('ignores case', () => {
    expect(editDistance('STEPRATIO', 'stepRatio')).toBe(0);
  });
});

describe('closest', () => {
  const keys = ['depth', 'width', 'stepRatio', 'stepSize', 'maxSteps'];

  it('suggests near misses, separators and clipped words', () => {
    expect(closest('widht', keys)).toBe('width');
    expect(closest('step_ratio', keys)).toBe('stepRatio');
    expect(closest('maxstep', keys)).toBe('maxSteps');
    expect(closest('dep', keys)).toBe('depth');
  });

  it('stays quiet for unrelated words', () => {
    expect(closest('colour', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });
});

describe('jsonErrorOffset', () => {
  it('is undefined for valid JSON, as JSON.parse agrees', () => {
    for (const text of ['0', '-1.5e3', '"a\\u00e9\\n"', '[]', '{}',
      ' {"a": [1, {"b": null}], "c": true} ']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorOffset(text)).toBeUndefined();
    }
  });

  it('points at the first bad character', () => {
    expect(jsonErrorOffset('[1, 2,]')).toBe(6);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[01]')).toBe(2);
    expect(jsonErrorOffset("{'a': 1}")).toBe(1);
    expect(jsonErrorOffset('[1] x')).toBe(4);
    expect(jsonErrorOffset('"abc')).toBe(4);
  });

  it('survives nesting far deeper than any input', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(99_999);
    expect(jsonErrorOffset(deep)).toBe(deep.length);
  });

  it('converts offsets to 1-based line and column', () => {
    expect(positionOf('ab\ncd\nef', 4)).toEqual({ line: 2, col: 2 });
    expect(positionOf('x', 0)).toEqual({ line: 1, col: 1 });
  });
});
