import { describe, expect, it } from 'vitest';

import type { TrialSpec } from '../../src/escape/spec.js';
import {
  decode,
  encode,
  readResult,
  readTask,
  resultData,
  taskData,
} from '../../src/run/distributed/messages.js';

const spec = {
  dims: [1, 2, 1],
  seed: 3,
  radius: -0,
} as unknown as TrialSpec;

describe('messages through Redis', () => {
  it('keep non-finite numbers and -0, which plain JSON loses', () => {
    const value = {
      a: Number.NaN,
      b: Number.POSITIVE_INFINITY,
      c: [Number.NEGATIVE_INFINITY, -0, 0, 1e-300, 1.5],
    };
    // Plain JSON would give null, null, null and 0.
    expect(JSON.parse(JSON.stringify(value)).c[1]).toBe(0);

    const back = decode(encode(value)) as typeof value;
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Number.POSITIVE_INFINITY);
    expect(back.c[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(back.c[1], -0)).toBe(true);
    expect(Object.is(back.c[2], 0)).toBe(true);
    expect(back.c.slice(3)).toEqual([1e-300, 1.5]);
  });

  it('carry a trial and its result unchanged', () => {
    const task = readTask(taskData('s', 'q', 'k1', spec));
    expect(task.key).toBe('k1');
    expect(Object.is(task.spec.radius, -0)).toBe(true);

    const failed = readResult(
      resultData('w', { key: 'k1', spec, error: 'E: x', durationMs: 2 }),
    );
    expect(failed).toMatchObject({ key: 'k1', error: 'E: x', durationMs: 2 });
  });

  it('refuse results that are not ours or do not match their key', () => {
    expect(() => readResult({ v: 99 })).toThrow(/not a sharpsweep result/);

    const data = resultData('w', {
      key: 'k1',
      spec,
      error: 'E',
      durationMs: 1,
    });
    expect(() => readResult({ ...data, key: 'k2' })).toThrow(/malformed/);
    expect(() => readTask({ v: 1, key: 'k', body: '{}' })).toThrow(
      /no results queue/,
    );
    expect(() =>
      readTask({ v: 1, key: 'k', results: 'q', body: '{}' }),
    ).toThrow(/no spec/);
  });
});
