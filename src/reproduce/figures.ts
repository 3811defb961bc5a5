/**
 * The figures of the results document: which sweep, which kind, which
 * axis, and the caption that says what is drawn (not what it shows: the
 * numbers next to it are computed from the data).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { InputError } from '../errors.js';
import {
  makeFigure,
  type PlotAxis,
  type PlotKind,
  type PlotRequest,
  writeFigure,
} from '../plot/index.js';
import type { PaperSweep } from './paths.js';

export interface FigurePlan {
  file: string;
  /** The sweep it draws, before any `-reduced` suffix. */
  sweep?: PaperSweep;
  kind: PlotKind;
  axis?: PlotAxis;
  dims?: number[];
  family?: 'imbalanced' | 'random';
  caption: string;
}

export const FIGURES: FigurePlan[] = [
  {
    file: 'scalar-escape-map.svg', sweep: 'paper-scalar',
    kind: 'escape-map', axis: 'family',
    caption: 'Fraction of trials that escaped or diverged, by step ratio ' +
      'and minimizer family; the dashed line is ρ = 1. Trials that left ' +
      'the minimum without reconverging within the step budget ' +
      '(`unconverged`, see the table) count as not escaped.',
  },
  {
    file: 'scalar-trajectories.svg', sweep: 'paper-scalar',
    kind: 'trajectories',
    caption: 'Loss and distance from the starting minimizer over the GD ' +
      'steps of one setting at several step ratios (symmetric-log step ' +
      'axis; zero losses are not drawn).',
  },
  {
    file: 'scalar-escape-time.svg', sweep: 'paper-scalar',
    kind: 'escape-time', axis: 'family',
    caption: 'Observed first step beyond δ = 1e-3 against the linear ' +
      'prediction ln(δ/(r|⟨d,v₁⟩|))/ln|1 − ηλ|; dashed: equality.',
  },
  {
    file: 'scalar-landing.svg', sweep: 'paper-scalar',
    kind: 'landing', axis: 'family',
    caption: 'Exact sharpness where escaped trials reconverged, against ' +
      'the threshold 2/η of their step; dashed: λ = 2/η.',
  },
  {
    file: 'matrix-escape-map-depth.svg', sweep: 'paper-matrix',
    kind: 'escape-map', axis: 'depth',
    caption: 'Escape fraction by step ratio and depth, all widths and ' +
      'families pooled.',
  },
  {
    file: 'matrix-escape-map-family.svg', sweep: 'paper-matrix',
    kind: 'escape-map', axis: 'family',
    caption: 'Escape fraction by step ratio and minimizer family.',
  },
  {
    file: 'matrix-landing.svg', sweep: 'paper-matrix',
    kind: 'landing', axis: 'depth',
    caption: 'Landing sharpness of escaped trials against 2/η, by depth.',
  },
  {
    file: 'matrix-escape-time.svg', sweep: 'paper-matrix',
    kind: 'escape-time', axis: 'depth',
    caption: 'Observed against predicted escape step, by depth.',
  },
  {
    file: 'sharpness-imbalanced.svg', kind: 'sharpness',
    dims: [2, 3, 3, 2], family: 'imbalanced',
    caption: 'Exact sharpness and closed forms along the imbalanced family ' +
      '(spread 0 to 2) of a seeded Gaussian 2×2 target, dims 2-3-3-2. ' +
      'Right: ' +
      'relative error, floored at 1e-16; filled markers are forms exact ' +
      'for the shape.',
  },
  {
    file: 'sharpness-random.svg', kind: 'sharpness',
    dims: [2, 3, 3, 2], family: 'random',
    caption: 'The same along the random family (one Gaussian draw, factor ' +
      'scale σ from 0.5 to 2, last factor solved).',
  },
];

export interface DrawnFigure {
  plan: FigurePlan;
  /** The equivalent command line, for the document. */
  command: string;
  warnings: string[];
  /** Why the figure could not be drawn (no data of its kind), if so. */
  skipped?: string;
}

export async function drawFigure(
  plan: FigurePlan,
  options: { db: string; outDir: string; suffix: string; points?: number },
): Promise<DrawnFigure> {
  const out = join(options.outDir, 'figures', plan.file);
  const sweep = plan.sweep === undefined
    ? undefined
    : `${plan.sweep}${options.suffix}`;
  const request: PlotRequest = {
    kind: plan.kind,
    format: 'svg',
    db: options.db,
    sweep,
    axis: plan.axis,
    dims: plan.dims,
    family: plan.family,
    points: plan.kind === 'sharpness' ? options.points : undefined,
  };
  const args = sweep === undefined
    ? [`--kind ${plan.kind}`, `--dims ${plan.dims!.join(',')}`,
      `--family ${plan.family}`]
    : [`--db ${options.db}`, `--sweep ${sweep}`, `--kind ${plan.kind}`,
      ...(plan.axis ? [`--axis ${plan.axis}`] : [])];

  const command = `sharpsweep plot ${args.join(' ')} --out ${out}`;

  try {
    const { figure, warnings } = await makeFigure(request);
    writeFigure(out, figure);

    return { plan, command, warnings };
  } catch (error) {
    // A sweep without trials of the kind (say, no escapes) is a result;
    // the document says so instead of failing the whole reproduction.
    if (!(error instanceof InputError)) throw error;
    rmSync(out, { force: true });

    return { plan, command, warnings: [], skipped: error.message };
  }
}
