import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { beforeAll, describe, expect, it } from 'vitest';

import { findFontFile } from '../../src/plot/fonts.js';
import { makeFigure, writeFigure } from '../../src/plot/index.js';
import { buildFixtureDb } from './fixture.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** Inflated IDAT stream: one filter byte plus a row of pixels per row. */
  raw: Buffer;
}

/** Reads the chunks of a PNG file (PNG spec, section 5). */
function decodePng(bytes: Uint8Array): DecodedPng {
  const buffer = Buffer.from(bytes);
  expect([...buffer.subarray(0, 8)]).toEqual(SIGNATURE);

  let offset = 8;
  let header: Omit<DecodedPng, 'raw'> | undefined;
  const data: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8],
        colorType: body[9],
      };
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }

  return { ...header!, raw: inflateSync(Buffer.concat(data)) };
}

/** Undoes the per-row filters (PNG spec, section 9); returns pixel rows. */
function unfilter(png: DecodedPng): Buffer[] {
  const bpp = CHANNELS[png.colorType];
  const stride = png.width * bpp;
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);

  for (let y = 0; y < png.height; y++) {
    const start = y * (stride + 1);
    const filter = png.raw[start];
    const row = Buffer.from(png.raw.subarray(start + 1, start + 1 + stride));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = previous[i];
      const c = i >= bpp ? previous[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      row[i] = (row[i] + predictor) & 0xff;
    }
    rows.push(row);
    previous = row;
  }

  return rows;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;

  return pb <= pc ? b : c;
}

let db: string;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sharpsweep-png-'));
  db = join(dir, 'fixture.sqlite');
  buildFixtureDb(db);
});

/** Bytes per pixel of 8-bit PNG colour types (grey, RGB, -, -, grey+α, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

// PNG text needs a font file (docs/plotting.md): CI installs
// fonts-dejavu-core; without any font these tests are skipped, visibly.
describe.skipIf(findFontFile() === undefined)('PNG output', () => {
  it('has the requested size in its IHDR and decodes fully', async () => {
    const { figure } = await makeFigure({
      kind: 'escape-map', format: 'png', db, sweep: 'fixture',
      size: { width: 400, height: 300 },
    });
    const png = decodePng(figure.data as Uint8Array);

    expect(png.width).toBe(400);
    expect(png.height).toBe(300);
    expect(png.bitDepth).toBe(8);
    const rowBytes = 1 + png.width * CHANNELS[png.colorType];
    expect(png.raw.length).toBe(png.height * rowBytes);
  });

  it('scales the pixels, not the layout, with scale', async () => {
    const { figure } = await makeFigure({
      kind: 'landing', format: 'png', db, sweep: 'fixture',
      size: { width: 480, height: 320 }, scale: 2,
    });
    const png = decodePng(figure.data as Uint8Array);

    expect([png.width, png.height]).toEqual([960, 640]);
  });

  it('draws text: the title band has dark pixels, the margin none', async () => {
    const { figure } = await makeFigure({
      kind: 'escape-time', format: 'png', db, sweep: 'fixture',
    });
    const png = decodePng(figure.data as Uint8Array);
    const rows = unfilter(png);
    const bpp = CHANNELS[png.colorType];
    const darkIn = (from: number, to: number) => {
      let dark = 0;
      for (const row of rows.slice(from, to)) {
        for (let i = 0; i < row.length; i += bpp) if (row[i] < 96) dark++;
      }
      return dark;
    };

    // The title is black text in the first ~20 rows (padding 6, 13 px
    // font); the top padding rows are white.
    expect(darkIn(0, 3)).toBe(0);
    expect(darkIn(3, 22)).toBeGreaterThan(40);
  });

  it('writes the file in one piece', async () => {
    const { figure } = await makeFigure({
      kind: 'trajectories', format: 'png', db, sweep: 'fixture',
    });
    const out = join(dir, 'nested', 'trajectories.png');
    writeFigure(out, figure);

    expect(existsSync(out)).toBe(true);
    expect(decodePng(readFileSync(out)).width).toBe(480);
    expect(existsSync(`${out}.${process.pid}.tmp`)).toBe(false);
  });
});
