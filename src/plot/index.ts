/**
 * Figures for papers: one call from a request to a rendered SVG or PNG,
 * and one to write it. Library code: no printing, warnings are returned.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { TopLevelSpec } from 'vega-lite';

import { InputError, OptionError } from '../errors.js';
import {
  keysWithTrajectories,
  loadTrajectories,
  loadTrials,
  openPlotDb,
  type PlotDatabase,
  type PlotTrial,
} from './data.js';
import { FAMILY_DEFAULTS, familySweep, type SweepFamily } from './family.js';
import { escapeMapSpec } from './figures/escape-map.js';
import { escapeTimeSpec } from './figures/escape-time.js';
import { landingSpec } from './figures/landing.js';
import { sharpnessRows, sharpnessSpec } from './figures/sharpness.js';
import {
  defaultSelection,
  trajectoriesSpec,
  trajectoryRows,
} from './figures/trajectories.js';
import { findFontFile, pngFontOptions } from './fonts.js';
import {
  renderFitted,
  renderSvg,
  type RenderedSvg,
  svgToPng,
  useFontMetrics,
} from './render.js';
import {
  DEFAULT_SIZE,
  type Figure,
  type FigureFormat,
  type FigureSize,
  type PlotAxis,
  type PlotKind,
} from './types.js';

export * from './types.js';
export { formatOf, parseAxis, parseDims, parseKeys, parseKind,
  parseNumber } from './options.js';
export {
  CLOSED_FORM_LABELS,
  FAMILY_DEFAULTS,
  familySweep,
  sharpnessAt,
  type SharpnessPoint,
  type SweepFamily,
} from './family.js';

export interface PlotRequest {
  kind: PlotKind;
  format: FigureFormat;
  /** Whole figure size; default 480 × 320. */
  size?: FigureSize;
  /** PNG pixels per CSS pixel (default 1). */
  scale?: number;
  /** Undefined: a default title; empty string: no title. */
  title?: string;
  /** Font file for PNG text (else SHARPSWEEP_FONT, else system fonts). */
  font?: string;
  /** Database and sweep, for every kind except `sharpness`. */
  db?: string;
  sweep?: string;
  axis?: PlotAxis;
  /** Trials of the `trajectories` figure: keys or unique prefixes. */
  keys?: string[];
  /** Shape and family of the `sharpness` figure (FAMILY_DEFAULTS). */
  dims?: number[];
  family?: SweepFamily;
  from?: number;
  to?: number;
  points?: number;
  seed?: number;
}

export interface PlotOutput {
  figure: Figure;
  warnings: string[];
}

export const DEFAULT_SHARPNESS_DIMS = [2, 3, 3, 2];

/** Builds and renders one figure; nothing is written. */
export async function makeFigure(request: PlotRequest): Promise<PlotOutput> {
  const size = request.size ?? DEFAULT_SIZE;
  useFontMetrics(findFontFile(request.font));
  const rendered = request.kind === 'sharpness'
    ? await sharpnessFigure(request, size)
    : await sweepFigure(request, size);

  if (request.format === 'svg') {
    return {
      figure: { format: 'svg', data: rendered.svg, ...sizeOf(rendered) },
      warnings: rendered.warnings,
    };
  }

  const png = svgToPng(rendered.svg, {
    scale: request.scale ?? 1,
    font: pngFontOptions(request.font),
  });

  return {
    figure: { format: 'png', ...png },
    warnings: rendered.warnings,
  };
}

function sizeOf(rendered: RenderedSvg): FigureSize {
  return { width: rendered.width, height: rendered.height };
}

/**
 * Writes through a temporary file and a rename, so a failure never
 * leaves a half-written figure where the old one was.
 */
export function writeFigure(path: string, figure: Figure): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, figure.data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function sweepFigure(
  request: PlotRequest,
  size: FigureSize,
): Promise<RenderedSvg> {
  const { db: file, sweep } = request;
  if (file === undefined || sweep === undefined) {
    throw new OptionError(`--kind ${request.kind} needs --sweep <name>`, {
      location: '--sweep',
      hint: 'Name a sweep of the database; `sharpsweep status` lists them.',
    });
  }

  const db = openPlotDb(file);
  try {
    const trials = loadTrials(db, sweep);
    const axis = request.axis ?? 'depth';
    const title = request.title ?? defaultTitle(request.kind, sweep);

    switch (request.kind) {
      case 'escape-map':
        return renderSvg(escapeMapSpec(sweep, trials, axis, size, title));
      case 'landing':
        return renderSvg(landingSpec(sweep, trials, axis, size, title));
      case 'escape-time':
        return renderSvg(escapeTimeSpec(sweep, trials, axis, size, title));
      default:
        return trajectoriesFigure(db, sweep, trials, request, size, title);
    }
  } finally {
    db.close();
  }
}

function defaultTitle(kind: PlotKind, sweep: string): string {
  const what: Record<PlotKind, string> = {
    'escape-map': 'Escape fraction',
    landing: 'Landing sharpness after escape',
    'escape-time': 'Escape time',
    trajectories: 'GD trajectories',
    sharpness: 'Exact sharpness and closed forms',
  };

  return `${what[kind]} — ${sweep}`;
}

async function trajectoriesFigure(
  db: PlotDatabase,
  sweep: string,
  trials: PlotTrial[],
  request: PlotRequest,
  size: FigureSize,
  title: string,
): Promise<RenderedSvg> {
  const withSamples = keysWithTrajectories(db, sweep);
  const chosen = request.keys === undefined
    ? defaultSelection(trials, withSamples)
    : request.keys.map((key) => findTrial(trials, key, withSamples));
  if (chosen.length === 0) {
    throw new InputError(`sweep "${sweep}" has no trajectory samples`, {
      location: `--sweep ${sweep}`,
      hint: 'Set `trajectory: {samples: 64}` in the sweep file and run it ' +
        'again in a new database.',
    });
  }

  const rows = trajectoryRows(chosen, loadTrajectories(db, sweep,
    chosen.map((trial) => trial.key)));
  const order = [...new Set(rows.map((row) => row.trial))];
  const build = (panel: FigureSize): TopLevelSpec =>
    trajectoriesSpec(rows, order, panel, title);

  return renderFitted(build, size, panelGuess(size), { across: 2, down: 1 });
}

/** A key or a unique prefix of one, which must have samples. */
function findTrial(
  trials: PlotTrial[],
  key: string,
  withSamples: Set<string>,
): PlotTrial {
  const matches = trials.filter((trial) => trial.key.startsWith(key));
  if (matches.length !== 1) {
    throw new OptionError(
      matches.length === 0
        ? `--keys: no trial of this sweep has a key starting "${key}"`
        : `--keys: "${key}" is the start of ${matches.length} keys`,
      {
        location: '--keys',
        hint: 'List keys with sharpsweep query "SELECT key, step_ratio, ' +
          'outcome FROM trials WHERE sweep = \'<name>\'".',
      },
    );
  }
  if (!withSamples.has(matches[0].key)) {
    throw new InputError(`trial ${matches[0].key} has no trajectory samples`, {
      location: '--keys',
      hint: 'Pick a trial with samples, or run the sweep with ' +
        '`trajectory: {samples: 64}`.',
    });
  }

  return matches[0];
}

async function sharpnessFigure(
  request: PlotRequest,
  size: FigureSize,
): Promise<RenderedSvg> {
  const dims = request.dims ?? DEFAULT_SHARPNESS_DIMS;
  const family = request.family ?? 'imbalanced';
  const defaults = FAMILY_DEFAULTS[family];
  const points = familySweep(dims, {
    family,
    from: request.from ?? defaults.from,
    to: request.to ?? defaults.to,
    points: request.points ?? defaults.points,
    seed: request.seed ?? defaults.seed,
  });
  const title = request.title ??
    `Sharpness and closed forms, ${family} minimizers, dims ` +
      dims.join('-');
  const rows = sharpnessRows(points);

  return renderFitted(
    (panel) => sharpnessSpec(rows, family, panel, title),
    size,
    panelGuess(size),
    { across: 2, down: 1 },
  );
}

/** Two panels side by side with a legend underneath. */
function panelGuess(size: FigureSize): FigureSize {
  return {
    width: Math.max(60, (size.width - 170) / 2),
    height: Math.max(60, size.height - 130),
  };
}
