/**
 * One look for every figure: fonts large enough to survive being shrunk
 * into a paper column, light grids, colour-blind-safe categorical colours.
 */
import type { Config } from 'vega-lite';

/**
 * DejaVu Sans first: it covers the Greek letters and the ‖·‖ of the axis
 * titles, and it is what the PNG renderer looks for first (fonts.ts).
 */
export const FONT_FAMILY =
  'DejaVu Sans, Helvetica Neue, Helvetica, Arial, sans-serif';

export const config: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 6,
  view: { stroke: '#999999' },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e4e4e4',
    domainColor: '#555555',
    tickColor: '#555555',
    labelColor: '#222222',
    titleColor: '#111111',
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    symbolSize: 60,
  },
  title: { fontSize: 13, fontWeight: 'normal', anchor: 'start' },
  range: { category: { scheme: 'tableau10' } },
  point: { size: 36 },
  line: { strokeWidth: 1.6 },
};

/** Axis titles, with the symbols of DESIGN.md. */
export const titles = {
  stepRatio: 'step ratio ρ = ηλ_max/2',
  escapeFraction: 'escape fraction',
  threshold: 'stability threshold 2/η',
  finalSharpness: 'landing sharpness λ_max(w_end)',
  predicted: 'predicted escape step (linear theory)',
  observed: 'observed escape step',
  step: 'GD step t',
  loss: 'loss ‖M − W_L⋯W_1‖²_F',
  distance: 'distance ‖w − w*‖',
  spread: 'imbalance spread s',
  sharpness: 'sharpness λ_max of the Hessian',
  depth: 'depth L',
  width: 'hidden width',
  family: 'minimizer family',
  direction: 'perturbation direction',
};
