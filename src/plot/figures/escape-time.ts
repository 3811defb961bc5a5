/**
 * Observed against predicted escape step. The prediction
 * ln(δ / (r |⟨d, v₁⟩|)) / ln|1 − ηλ| is the linearised growth of the
 * component along v₁, so agreement means the escape is a linear
 * instability until the distance δ is reached.
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

export interface EscapeTimePoint {
  key: string;
  predicted: number;
  observed: number;
  outcome: string;
  group: string | number;
}

export function escapeTimePoints(
  trials: PlotTrial[],
  axis: PlotAxis,
): EscapeTimePoint[] {
  return trials
    .filter(
      (trial) =>
        trial.escapeStep !== null && trial.escapeStep > 0 &&
        trial.predictedEscapeStep !== null && trial.predictedEscapeStep > 0,
    )
    .map((trial) => ({
      key: trial.key,
      predicted: trial.predictedEscapeStep!,
      observed: trial.escapeStep!,
      outcome: trial.outcome,
      group: axisValue(trial, axis),
    }));
}

export function escapeTimeSpec(
  sweep: string,
  trials: PlotTrial[],
  axis: PlotAxis,
  size: FigureSize,
  title: string | undefined,
): TopLevelSpec {
  const points = escapeTimePoints(trials, axis);
  if (points.length === 0) {
    throw noData(
      sweep,
      'trials with both an observed and a predicted escape step',
      'The prediction exists only for ρ > 1: include step ratios above 1.',
    );
  }
  const reach = points.flatMap((p) => [p.predicted, p.observed]);
  const logAxis = { type: 'log', nice: false,
    padding: 8 } as const;

  return singleView(size, title, [
    ...identityLine(reach, 'observed = predicted'),
    {
      data: { values: points },
      mark: { type: 'point', filled: true, opacity: 0.8 },
      encoding: {
        x: { field: 'predicted', type: 'quantitative',
          title: titles.predicted, scale: logAxis },
        y: { field: 'observed', type: 'quantitative',
          title: titles.observed, scale: logAxis },
        color: axisColor(axis, trials),
        shape: { field: 'outcome', type: 'nominal', title: 'outcome',
          scale: { domain: ['escaped', 'diverged'],
            range: ['circle', 'triangle-up'] } },
      },
    },
  ]);
}
