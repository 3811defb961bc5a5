import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { parseSweep } from '../../src/plan/index.js';

// A real collection before each reading makes the heap figures mean
// "live data", not "garbage not yet collected".
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MILLION = [
  'name: million',
  'seeds: {from: 0, count: 1000}',
  'grid:',
  '  depth: [2, 3, 4, 5]',
  '  width: {from: 1, to: 25, count: 25}',
  '  stepRatio: {from: 0.1, to: 2, count: 10}',
].join('\n');

describe('streaming a million-trial plan', () => {
  it('counts arithmetically and streams in flat memory', () => {
    const plan = parseSweep(MILLION, 'million.yaml');
    expect(plan.count).toBe(1000 * 4 * 25 * 10);

    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let seen = 0;
    let lastIndex = -1;
    let lastKey = '';

    for (const trial of plan.trials()) {
      seen += 1;
      lastIndex = trial.index;
      lastKey = trial.key;
      if ((seen & 0x3ffff) === 0) {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    collectGarbage();
    peak = Math.max(peak, process.memoryUsage().heapUsed);

    expect(seen).toBe(1_000_000);
    expect(lastIndex).toBe(999_999);
    expect(lastKey).toMatch(/^[0-9a-f]{32}$/);
    // A million stored specs would take hundreds of MB.
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('reaches any trial by index without iterating', () => {
    const plan = parseSweep(MILLION, 'million.yaml');
    const [last] = plan.sample(2).slice(1);

    expect(last.index).toBe(999_999);
    expect(last.spec.seed).toBe(999);
    expect(last.spec.dims).toEqual([25, 25, 25, 25, 25, 25]);
    expect(last.spec.step).toEqual({ ratio: 2 });
  });
});
