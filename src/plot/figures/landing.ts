/**
 * Where escapes land: the exact sharpness at the end point against the
 * stability threshold 2/η of the step used. A clean escape lands on or
 * below the line λ = 2/η (DESIGN.md §1.3).
 */
import type { TopLevelSpec } from 'vega-lite';

import type { PlotTrial } from '../data.js';
import { titles } from '../theme.js';
import type { FigureSize, PlotAxis } from '../types.js';
import {
  axisColor,
  axisValue,
  identityLine,
  noData,
  singleView,
} from './common.js';

export interface LandingPoint {
  key: string;
  threshold: number;
  landing: number;
  group: string | number;
}

export function landingPoints(
  trials: PlotTrial[],
  axis: PlotAxis,
): LandingPoint[] {
  return trials
    .filter(
      (trial) =>
        trial.outcome === 'escaped' &&
        trial.stepSize !== null && trial.stepSize > 0 &&
        trial.finalSharpness !== null && trial.finalSharpness > 0,
    )
    .map((trial) => ({
      key: trial.key,
      threshold: 2 / trial.stepSize!,
      landing: trial.finalSharpness!,
      group: axisValue(trial, axis),
    }));
}

export function landingSpec(
  sweep: string,
  trials: PlotTrial[],
  axis: PlotAxis,
  size: FigureSize,
  title: string | undefined,
): TopLevelSpec {
  const points = landingPoints(trials, axis);
  if (points.length === 0) {
    throw noData(
      sweep,
      'escaped trials with a landing sharpness',
      'Escapes need step ratios above 1 (grid.stepRatio) and enough ' +
        'steps to reconverge (grid.maxSteps).',
    );
  }
  const reach = points.flatMap((p) => [p.threshold, p.landing]);
  const logAxis = { type: 'log', nice: false,
    padding: 8 } as const;

  return singleView(size, title, [
    ...identityLine(reach, 'λ = 2/η'),
    {
      data: { values: points },
      mark: { type: 'point', filled: true, opacity: 0.8 },
      encoding: {
        x: { field: 'threshold', type: 'quantitative',
          title: titles.threshold, scale: logAxis },
        y: { field: 'landing', type: 'quantitative',
          title: titles.finalSharpness, scale: logAxis },
        color: axisColor(axis, trials),
      },
    },
  ]);
}
