import { describe, expect, it } from 'vitest';

import { findFontFile } from '../../src/plot/fonts.js';
import {
  averageMetrics,
  loadFontMetrics,
  textWidth,
} from '../../src/plot/text-width.js';

const font = findFontFile();

describe('text widths', () => {
  it('falls back to 0.6 em per character without a font', () => {
    expect(textWidth(averageMetrics, 'abcde', 10)).toBeCloseTo(30, 12);
    expect(loadFontMetrics('/nonexistent/font.ttf')).toBeNull();
  });

  it.skipIf(font === undefined)('reads advance widths from the font', () => {
    const metrics = loadFontMetrics(font!)!;
    const em = (char: string) => metrics.advance(char.codePointAt(0)!);

    // Sans-serif text fonts use tabular digits: all ten have one advance.
    const digit = em('0');
    for (const d of '123456789') expect(em(d)).toBeCloseTo(digit, 12);
    expect(em('i')).toBeLessThan(em('m'));
    expect(em('ρ')).toBeGreaterThan(0.3);
    expect(em('ρ')).toBeLessThan(1);
    // Widths add up: the width of a string is the sum of its characters.
    expect(textWidth(metrics, 'mi', 12)).toBeCloseTo(12 * (em('m') + em('i')), 9);
  });
});
