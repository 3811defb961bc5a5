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
  const logAxis = { type: 'log', nice: false, padding: 8 } as const;
  // Escape steps span a decade or two, where Vega's log axis drops most
  // labels; 1-2-5 ticks keep several.
  const ticks = { values: logTicks(reach) };

  return singleView(size, title, [
    ...identityLine(reach, 'observed = predicted'),
    {
      data: { values: points },
      // Hollow: trials of one ρ share both steps and would hide each other.
      mark: { type: 'point', filled: false, opacity: 0.8, strokeWidth: 1.3 },
      encoding: {
        x: { field: 'predicted', type: 'quantitative',
          title: titles.predicted, scale: logAxis, axis: ticks },
        y: { field: 'observed', type: 'quantitative',
          title: titles.observed, scale: logAxis, axis: ticks },
        color: axisColor(axis, trials),
        shape: { field: 'outcome', type: 'nominal', title: 'outcome',
          scale: { domain: ['escaped', 'unconverged', 'diverged'],
            range: ['circle', 'square', 'triangle-up'] } },
      },
    },
  ]);
}

/** 1, 2, 5, 10, 20, … covering the values (one below, one above). */
export function logTicks(values: number[]): number[] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(lo)); ; decade++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = mantissa * 10 ** decade;
      if (tick >= lo / 2.5 && tick <= hi * 2.5) ticks.push(tick);
    }
    if (10 ** decade > hi) break;
  }

  return ticks;
}
