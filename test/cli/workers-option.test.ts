import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';

import { maxWorkers, workerCount } from '../../src/cli/args.js';
import { OptionError } from '../../src/errors.js';

describe('--workers', () => {
  it('takes a positive integer up to 4 per core (never fewer than 64)', () => {
    const cap = Math.max(64, 4 * availableParallelism());
    expect(maxWorkers()).toBe(cap);
    expect(workerCount(undefined)).toBeUndefined();
    expect(workerCount('1')).toBe(1);
    expect(workerCount(String(cap))).toBe(cap);
  });

  it('refuses more threads than the machine can use, saying the limit', () => {
    const cap = maxWorkers();
    expect(() => workerCount(String(cap + 1))).toThrow(OptionError);
    expect(() => workerCount('1000')).toThrow(`at most ${cap} here`);
    expect(() => workerCount('0')).toThrow(/positive integer/);
  });
});
