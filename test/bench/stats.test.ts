import { describe, expect, it } from 'vitest';

import { flopsPerStep } from '../../bench/gd-steps.js';
import { rateAtEnds } from '../../bench/measure.js';
import { renderTable } from '../../bench/report.js';
import { fmt, median, ratio, spread } from '../../bench/stats.js';

describe('median', () => {
  it('is the middle value of an odd list, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([2, 9, 4, 7, 1])).toBe(4);
  });

  it('is the mean of the two middle values of an even list', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores one outlier, unlike the mean', () => {
    expect(median([1, 1, 1, 1000])).toBe(1);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio and spread', () => {
  it('is null when a side is missing or not finite', () => {
    expect(ratio(2, null)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, 0)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
    expect(ratio(6, 3)).toBe(2);
  });

  it('spread is (max − min) / median', () => {
    expect(spread([1, 2, 3])).toBeCloseTo(1, 12);
    expect(spread([5])).toBe(0);
  });
});

describe('fmt', () => {
  it('keeps three significant digits', () => {
    expect(fmt(0.123456)).toBe('0.123');
    expect(fmt(12.345)).toBe('12.3');
  });

  it('groups large numbers and switches to exponents for tiny ones', () => {
    expect(fmt(268281.4)).toBe('268,281');
    expect(fmt(2.5e-7)).toBe('2.50e-7');
  });

  it('prints a dash for missing values', () => {
    expect(fmt(null)).toBe('—');
    expect(fmt(Number.NaN)).toBe('—');
  });
});

describe('flopsPerStep', () => {
  // Square chain of depth L, width d: L − 1 forward products, L − 1
  // gradient products and L − 1 back-propagations, each 2d³ flops.
  it('is 6 (L − 1) d³ for a square chain', () => {
    expect(flopsPerStep([16, 16, 16, 16])).toBe(6 * 2 * 16 ** 3);
    expect(flopsPerStep(Array(21).fill(32))).toBe(6 * 19 * 32 ** 3);
  });

  it('scales with d_0 and the adjacent widths for a scalar input', () => {
    // d_0 = 1: products are matrix–vector, 2·d_i·d_{i−1} each.
    expect(flopsPerStep([1, 4, 4, 1])).toBe(6 * (4 * 4 + 1 * 4));
  });
});

describe('rateAtEnds', () => {
  it('recovers a constant rate at both ends', () => {
    const progress: Array<[number, number]> = [];
    for (let t = 0; t <= 100; t++) progress.push([t, 50 * t]);
    expect(rateAtEnds(progress)).toEqual({ early: 50, late: 50 });
  });

  it('shows a rate that halves over the run', () => {
    const progress: Array<[number, number]> = [];
    let done = 0;
    for (let t = 0; t <= 100; t++) {
      progress.push([t, done]);
      done += t < 50 ? 100 : 50;
    }
    const { early, late } = rateAtEnds(progress);
    expect(early).toBe(100);
    expect(late).toBe(50);
  });

  it('is unknown with too few lines', () => {
    expect(rateAtEnds([[0, 0], [1, 5]])).toEqual({ early: null, late: null });
  });
});

describe('renderTable', () => {
  const text = renderTable({
    headers: ['config', 'rate'],
    rows: [['small', '1,234'], ['a much longer name', '5']],
    numeric: [false, true],
  });
  const lines = text.split('\n');

  it('pads every line to the same width', () => {
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('right-aligns numeric columns and marks them in the rule', () => {
    expect(lines[1]).toMatch(/-: \|$/);
    expect(lines[3]).toMatch(/\|     5 \|$/);
  });
});
