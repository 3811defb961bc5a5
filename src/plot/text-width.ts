/**
 * Text widths for the layout. Without a canvas, Vega guesses every
 * character at 0.8 em, which makes long axis titles look wider than the
 * plot and pushes titles off the figure. Here the advance widths are
 * read from the font the figures name (DejaVu Sans when present): the
 * `hmtx` table of a TrueType file, looked up through its `cmap`.
 */
import { readFileSync } from 'node:fs';

/** Advance of a character the font lacks, and of every one without a font. */
const FALLBACK_EM = 0.6;

export interface FontMetrics {
  /** Advance width in em of one character (code point). */
  advance(codePoint: number): number;
}

/** Metrics that treat every character alike, when no font file exists. */
export const averageMetrics: FontMetrics = { advance: () => FALLBACK_EM };

export function textWidth(
  metrics: FontMetrics,
  text: string,
  fontSize: number,
): number {
  let em = 0;
  for (const char of text) em += metrics.advance(char.codePointAt(0)!);

  return em * fontSize;
}

/** Reads a TrueType/OpenType file; null when it cannot be parsed. */
export function loadFontMetrics(file: string): FontMetrics | null {
  try {
    return parseFont(readFileSync(file));
  } catch {
    return null;
  }
}

function parseFont(bytes: Buffer): FontMetrics | null {
  const tables = tableDirectory(bytes);
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (!head || !hhea || !hmtx || !cmap) return null;

  const unitsPerEm = bytes.readUInt16BE(head + 18);
  const metricCount = bytes.readUInt16BE(hhea + 34);
  const glyphOf = characterMap(bytes, cmap);
  if (glyphOf === null || unitsPerEm === 0) return null;

  // Glyphs past the last long metric share its advance (TrueType rule).
  const advanceOf = (glyph: number) =>
    bytes.readUInt16BE(hmtx + 4 * Math.min(glyph, metricCount - 1));
  const cache = new Map<number, number>();

  return {
    advance(codePoint) {
      let em = cache.get(codePoint);
      if (em === undefined) {
        const glyph = glyphOf(codePoint);
        em = glyph === 0 ? FALLBACK_EM : advanceOf(glyph) / unitsPerEm;
        cache.set(codePoint, em);
      }

      return em;
    },
  };
}

/** Table tag → offset; of the first font of a collection (.ttc). */
function tableDirectory(bytes: Buffer): Map<string, number> {
  const collection = bytes.toString('latin1', 0, 4) === 'ttcf';
  const base = collection ? bytes.readUInt32BE(12) : 0;
  const count = bytes.readUInt16BE(base + 4);
  const tables = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const record = base + 12 + 16 * i;
    const tag = bytes.toString('latin1', record, record + 4);
    tables.set(tag, bytes.readUInt32BE(record + 8));
  }

  return tables;
}

/**
 * The Unicode subtable of `cmap`: format 12 (full range) when present,
 * else format 4 (the Basic Multilingual Plane).
 */
function characterMap(
  bytes: Buffer,
  cmap: number,
): ((codePoint: number) => number) | null {
  const count = bytes.readUInt16BE(cmap + 2);
  let format4: number | null = null;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = bytes.readUInt16BE(record);
    const sub = cmap + bytes.readUInt32BE(record + 4);
    const format = bytes.readUInt16BE(sub);
    if (platform !== 0 && platform !== 3) continue;
    if (format === 12) return format12(bytes, sub);
    if (format === 4) format4 = sub;
  }

  return format4 === null ? null : (cp) => format4Lookup(bytes, format4, cp);
}

function format12(bytes: Buffer, sub: number) {
  const groups = bytes.readUInt32BE(sub + 12);

  return (codePoint: number) => {
    for (let g = 0; g < groups; g++) {
      const at = sub + 16 + 12 * g;
      const start = bytes.readUInt32BE(at);
      const end = bytes.readUInt32BE(at + 4);
      if (codePoint < start) return 0;
      if (codePoint <= end) {
        return bytes.readUInt32BE(at + 8) + codePoint - start;
      }
    }

    return 0;
  };
}

/** Segment search of format 4 (segments sorted by end code). */
function format4Lookup(bytes: Buffer, sub: number, codePoint: number) {
  if (codePoint > 0xffff) return 0;

  const segments = bytes.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const ranges = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    if (codePoint > bytes.readUInt16BE(ends + 2 * s)) continue;

    const start = bytes.readUInt16BE(starts + 2 * s);
    if (codePoint < start) return 0;
    const delta = bytes.readInt16BE(deltas + 2 * s);
    const rangeOffset = bytes.readUInt16BE(ranges + 2 * s);
    if (rangeOffset === 0) return (codePoint + delta) & 0xffff;

    const at = ranges + 2 * s + rangeOffset + 2 * (codePoint - start);
    const glyph = bytes.readUInt16BE(at);

    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  }

  return 0;
}
