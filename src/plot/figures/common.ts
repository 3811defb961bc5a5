/**
 * Pieces every figure shares: the frame of a single-view figure, the
 * split axis, and the reference line drawn over a log-log scatter.
 */
import type { TopLevelSpec } from 'vega-lite';

import { InputError } from '../../errors.js';
import type { PlotTrial } from '../data.js';
import { config, titles } from '../theme.js';
import type { FigureSize, PlotAxis } from '../types.js';

type Layer = Record<string, unknown>;

/**
 * A single view (possibly layered) whose whole area, axes and legend
 * included, is exactly `size`: Vega-Lite's "fit" autosize does the
 * arithmetic.
 */
export function singleView(
  size: FigureSize,
  title: string | undefined,
  layers: Layer[],
  extra: Record<string, unknown> = {},
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding', resize: true },
    config,
    ...(title ? { title } : {}),
    layer: layers,
    ...extra,
  } as unknown as TopLevelSpec;
}

/** The value of a trial on the axis that splits or colours a figure. */
export function axisValue(trial: PlotTrial, axis: PlotAxis): string | number {
  switch (axis) {
    case 'depth':
      return trial.depth;
    case 'width':
      return trial.width;
    case 'family':
      return trial.familyLabel;
    case 'direction':
      return trial.direction;
  }
}

export function axisTitle(axis: PlotAxis): string {
  return titles[axis];
}

/** Numeric axes sort as numbers, the others alphabetically. */
export function axisSort(axis: PlotAxis, values: (string | number)[]) {
  const unique = [...new Set(values)];
  if (axis === 'depth' || axis === 'width') {
    return (unique as number[]).sort((a, b) => a - b);
  }

  return (unique as string[]).sort();
}

/**
 * A dashed identity line `y = x` over the range of the data, for the
 * log-log figures where the line is the prediction to compare against.
 */
export function identityLine(
  values: number[],
  label: string,
): Layer[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(...positive) / 1.15;
  const hi = Math.max(...positive) * 1.15;

  return [
    {
      data: { values: [{ v: lo }, { v: hi }] },
      mark: { type: 'line', color: '#333333', strokeDash: [5, 4],
        strokeWidth: 1.2, clip: true },
      encoding: {
        x: { field: 'v', type: 'quantitative' },
        y: { field: 'v', type: 'quantitative' },
      },
    },
    {
      // Inside the frame, where no label can push the layout out of it.
      data: { values: [{ v: lo ** 0.3 * hi ** 0.7, label }] },
      mark: { type: 'text', align: 'right', dx: -6, dy: -6,
        fontSize: 11, color: '#333333' },
      encoding: {
        x: { field: 'v', type: 'quantitative' },
        y: { field: 'v', type: 'quantitative' },
        text: { field: 'label' },
      },
    },
  ];
}

/** The figure needs trials of a kind the sweep does not have. */
export function noData(
  sweep: string,
  what: string,
  hint: string,
): InputError {
  return new InputError(`sweep "${sweep}" has no ${what}`, {
    location: `--sweep ${sweep}`,
    hint,
  });
}

/** Category colour (or shape) for the split axis, in a stable order. */
export function axisColor(axis: PlotAxis, trials: PlotTrial[]) {
  const values = trials.map((trial) => axisValue(trial, axis));

  return {
    field: 'group',
    type: 'nominal',
    title: axisTitle(axis),
    sort: axisSort(axis, values),
  };
}
