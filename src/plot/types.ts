/**
 * The vocabulary of figures: what can be plotted, along which axis, at
 * which size. Shared by the option parser, the figure builders and the CLI.
 */

export const PLOT_KINDS = [
  'escape-map',
  'landing',
  'escape-time',
  'trajectories',
  'sharpness',
] as const;

export type PlotKind = (typeof PLOT_KINDS)[number];

/** Kinds drawn from a stored sweep (everything except `sharpness`). */
export type SweepPlotKind = Exclude<PlotKind, 'sharpness'>;

/** Columns of `trials` that split or colour a figure. */
export const PLOT_AXES = ['depth', 'width', 'family', 'direction'] as const;

export type PlotAxis = (typeof PLOT_AXES)[number];

export type FigureFormat = 'svg' | 'png';

export interface FigureSize {
  /** Whole figure, axes and legend included, in CSS pixels. */
  width: number;
  height: number;
}

/** A size suited to one column of a two-column paper at 100 dpi. */
export const DEFAULT_SIZE: FigureSize = { width: 480, height: 320 };

/** A rendered figure, ready to be written. */
export interface Figure {
  format: FigureFormat;
  /** SVG text, or PNG bytes. */
  data: string | Uint8Array;
  width: number;
  height: number;
}
