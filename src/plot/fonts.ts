/**
 * Fonts for PNG output. An SVG names its fonts and leaves drawing them to
 * the viewer; a PNG has to be drawn here, by resvg, which silently drops
 * text it has no font for. So the font is chosen explicitly and checked
 * by drawing a probe: a figure without labels is never written.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';

import { OptionError } from '../errors.js';

type FontOptions = NonNullable<ResvgRenderOptions['font']>;

/** Where common systems keep a sans-serif font with Greek glyphs. */
const KNOWN_FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/local/share/fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

/** The environment variable that names a font file for PNG output. */
export const FONT_ENV = 'SHARPSWEEP_FONT';

const checked = new Map<string, FontOptions>();

/**
 * The font file the figures are laid out with (and the PNG drawn with):
 * `--font`, else SHARPSWEEP_FONT, else the first known system font.
 */
export function findFontFile(explicit?: string): string | undefined {
  const file = explicit ?? process.env[FONT_ENV];
  if (file !== undefined && file !== '') return file;

  return KNOWN_FONT_FILES.find((path) => existsSync(path));
}

/**
 * The resvg font options for PNG output: an explicit file (`--font`, or
 * the SHARPSWEEP_FONT variable) alone, or else a known system font plus
 * whatever the system has. Throws an OptionError when no font can draw
 * text, with the ways to provide one.
 */
// LIMITATION: no font ships with sharpsweep. A machine with none of the
// known fonts and no --font gets an OptionError for PNG (SVG works);
// bundling a font file would make PNG output self-contained.
export function pngFontOptions(explicit?: string): FontOptions {
  const file = explicit ?? (process.env[FONT_ENV] || undefined);
  const cacheKey = file ?? '';
  const cached = checked.get(cacheKey);
  if (cached !== undefined) return cached;

  const options = file !== undefined
    ? explicitFont(file)
    : {
        loadSystemFonts: true,
        fontFiles: KNOWN_FONT_FILES.filter((path) => existsSync(path)),
      };
  if (!drawsText(options)) {
    throw new OptionError(
      file !== undefined
        ? `the font file ${file} cannot draw text`
        : 'no font found to draw the text of a PNG figure',
      {
        location: file !== undefined ? '--font' : '--out',
        hint:
          'Pass a TrueType font with --font <file.ttf> (or set ' +
          `${FONT_ENV}), install one (e.g. apt-get install ` +
          'fonts-dejavu-core), or write an .svg instead, which needs no ' +
          'font to be written.',
      },
    );
  }

  checked.set(cacheKey, options);

  return options;
}

function explicitFont(file: string): FontOptions {
  if (!existsSync(file)) {
    throw new OptionError(`font file ${file} does not exist`, {
      location: '--font',
      hint: 'Give the path of a .ttf or .otf file.',
    });
  }

  // Only this file: the figure must look the same on every machine.
  return { loadSystemFonts: false, fontFiles: [file] };
}

/**
 * resvg falls back to any loaded font for a family it lacks, and draws
 * nothing when none is loaded; a dark pixel in the probe means text works.
 */
function drawsText(font: FontOptions): boolean {
  const probe =
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="24">' +
    '<rect width="48" height="24" fill="white"/>' +
    '<text x="4" y="18" font-size="16" font-family="sans-serif">Hρ</text>' +
    '</svg>';
  const pixels = new Resvg(probe, { font }).render().pixels;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] < 128) return true;
  }

  return false;
}
