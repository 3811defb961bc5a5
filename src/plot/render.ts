/**
 * From a Vega-Lite spec to SVG text (through a headless Vega view) and
 * from SVG to PNG (through resvg). Nothing here touches the file system
 * except the font check; warnings are collected, never printed.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import {
  averageMetrics,
  type FontMetrics,
  loadFontMetrics,
  textWidth,
} from './text-width.js';
import type { FigureSize } from './types.js';

interface TextItem {
  fontSize?: number;
  limit?: number;
  text?: unknown;
}

/** Vega's text measurement hook; not in its type declarations. */
const textMetrics = (vega as unknown as {
  textMetrics: { width: (item: TextItem, text?: unknown) => number };
}).textMetrics;

const metricsByFile = new Map<string, FontMetrics>();

/**
 * Points Vega's layout at real advance widths (process-wide: Vega keeps
 * one measuring function). Vega's default size is 11 px.
 */
// LIMITATION: text is measured with one font file (DejaVu Sans when
// installed). An SVG viewer that substitutes another font draws labels a
// few percent wider or narrower than laid out, so a long title can
// crowd its axis; embedding the font or text-to-path would remove this.
export function useFontMetrics(fontFile: string | undefined): void {
  let metrics = averageMetrics;
  if (fontFile !== undefined) {
    metrics = metricsByFile.get(fontFile) ??
      loadFontMetrics(fontFile) ?? averageMetrics;
    metricsByFile.set(fontFile, metrics);
  }

  textMetrics.width = (item, text) => {
    const value = text ?? item.text;
    const line = Array.isArray(value) ? value.join(' ') : value;
    const size = item.fontSize ?? 11;
    const width = textWidth(metrics, String(line ?? '').trim(), size);

    // A limited text is truncated to its limit when drawn.
    return item.limit !== undefined && item.limit > 0
      ? Math.min(width, item.limit)
      : width;
  };
}

export interface RenderedSvg {
  svg: string;
  width: number;
  height: number;
  /** Warnings of the Vega-Lite compiler and the Vega runtime. */
  warnings: string[];
}

export async function renderSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, args) =>
    warnings.push(args.map(String).join(' ')),
  );

  const compiled = compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    logger,
  });
  try {
    const svg = await view.toSVG();
    const size = svgSize(svg);

    return { svg, ...size, warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Renders a figure Vega-Lite cannot fit itself (concatenated panels):
 * `build` takes the size of one panel, and the panels are grown or shrunk
 * by the difference until the whole figure has the requested size.
 */
export async function renderFitted(
  build: (panel: FigureSize) => TopLevelSpec,
  target: FigureSize,
  firstGuess: FigureSize,
  panels: { across: number; down: number },
): Promise<RenderedSvg> {
  let panel = { ...firstGuess };
  let rendered = await renderSvg(build(panel));

  // Axis labels change little with the panel size: two corrections are
  // enough in practice, the fourth pass is a safety margin.
  // LIMITATION: a legend wider than the requested figure cannot be
  // fitted; the panels shrink to 40 px and the canvas is cropped at the
  // right. Ask for a wider figure (--width) when labels are long.
  for (let pass = 0; pass < 4; pass++) {
    const dx = target.width - rendered.width;
    const dy = target.height - rendered.height;
    if (dx === 0 && dy === 0) break;

    panel = {
      width: Math.max(40, panel.width + dx / panels.across),
      height: Math.max(40, panel.height + dy / panels.down),
    };
    rendered = await renderSvg(build(panel));
  }

  return setSvgSize(rendered, target);
}

/** The pixel size written on the root `<svg>` element. */
export function svgSize(svg: string): FigureSize {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);

  return { width, height };
}

/**
 * Pins the root size when rounding left the figure a pixel off: the
 * canvas is cropped or padded at the right and bottom, never scaled.
 */
function setSvgSize(rendered: RenderedSvg, size: FigureSize): RenderedSvg {
  if (rendered.width === size.width && rendered.height === size.height) {
    return rendered;
  }

  const svg = rendered.svg.replace(/<svg\b[^>]*>/, (root) =>
    root
      .replace(/\swidth="[\d.]+"/, ` width="${size.width}"`)
      .replace(/\sheight="[\d.]+"/, ` height="${size.height}"`)
      .replace(
        /\sviewBox="[^"]*"/,
        ` viewBox="0 0 ${size.width} ${size.height}"`,
      ),
  );
  const background = svg.replace(
    /(<svg\b[^>]*>)<rect width="[\d.]+" height="[\d.]+"/,
    `$1<rect width="${size.width}" height="${size.height}"`,
  );

  return { ...rendered, svg: background, ...size };
}

export interface PngOptions {
  /** Pixels per CSS pixel: 2 doubles the resolution, not the layout. */
  scale: number;
  font: NonNullable<ConstructorParameters<typeof Resvg>[1]>['font'];
}

export function svgToPng(
  svg: string,
  options: PngOptions,
): { data: Uint8Array; width: number; height: number } {
  const { width } = svgSize(svg);
  const image = new Resvg(svg, {
    font: options.font,
    fitTo: { mode: 'width', value: Math.round(width * options.scale) },
    background: 'white',
    logLevel: 'off',
  }).render();

  return {
    data: new Uint8Array(image.asPng()),
    width: image.width,
    height: image.height,
  };
}
