import { describe, expect, it } from 'vitest';

import type { TrialSpec } from '../../src/escape/spec.js';
import { Ledger } from '../../src/run/distributed/ledger.js';

const spec = { seed: 1 } as unknown as TrialSpec;

describe('the ledger of enqueued trials', () => {
  it('counts a key the plan repeats once per trial of the plan', () => {
    const ledger = new Ledger();
    expect(ledger.add('k', spec)).toBe(true);
    // A grid with a repeated value yields the same spec, hence key, twice.
    expect(ledger.add('k', spec)).toBe(false);
    expect(ledger.size).toBe(1);
    expect(ledger.settle('k')).toBe(2);
    expect(ledger.settle('k')).toBe(0);
  });

  it('audits only keys whose enqueue has returned', () => {
    const ledger = new Ledger();
    ledger.add('a', spec);
    ledger.add('b', spec);
    ledger.markQueued(['a']);
    expect(ledger.queuedKeys()).toEqual(['a']);
    expect(ledger.keys().sort()).toEqual(['a', 'b']);
  });

  it('wakes a waiter when a trial settles, or times out', async () => {
    const ledger = new Ledger();
    ledger.add('a', spec);

    const started = Date.now();
    const waiting = ledger.changed(5_000);
    setTimeout(() => ledger.settle('a'), 20);
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);

    const quiet = Date.now();
    await ledger.changed(30);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(25);
  });
});
