/**
 * Exact sharpness against its closed forms and bounds along a family of
 * minimizers of one target: values on the left, the relative error of
 * each closed form on the right (log scale, so a bound that is off by
 * 1e-6 and one exact to round-off are told apart). A filled marker is a
 * closed form that is exact for the shape (DESIGN.md §1.1); a hollow
 * one is only a bound there, even where its value happens to coincide.
 */
import type { TopLevelSpec } from 'vega-lite';

import {
  CLOSED_FORM_LABELS,
  type SharpnessPoint,
  type SweepFamily,
} from '../family.js';
import { config, titles } from '../theme.js';
import type { FigureSize } from '../types.js';

export const EXACT_LABEL = 'exact 2λ_max(T)';

/** Round-off level: smaller errors (exact zeros too) are drawn here. */
export const ERROR_FLOOR = 1e-16;

export interface SharpnessRow {
  parameter: number;
  quantity: string;
  value: number;
  /** `|value − exact| / exact`, floored at ERROR_FLOOR for the log scale. */
  error: number;
  exact: boolean;
}

export function sharpnessRows(points: SharpnessPoint[]): SharpnessRow[] {
  return points.flatMap((point) => [
    {
      parameter: point.parameter,
      quantity: EXACT_LABEL,
      value: point.sharpness,
      error: ERROR_FLOOR,
      exact: true,
    },
    ...point.forms.map((form) => ({
      parameter: point.parameter,
      quantity: CLOSED_FORM_LABELS[form.name] ?? form.name,
      value: form.value,
      error: Math.max(Math.abs(form.relativeError), ERROR_FLOOR),
      exact: form.exact,
    })),
  ]);
}

const parameterTitles: Record<SweepFamily, string> = {
  imbalanced: titles.spread,
  random: 'factor scale σ (random family)',
};

export function sharpnessSpec(
  rows: SharpnessRow[],
  family: SweepFamily,
  panel: FigureSize,
  title: string | undefined,
): TopLevelSpec {
  const order = [...new Set(rows.map((row) => row.quantity))];
  const x = {
    field: 'parameter', type: 'quantitative',
    title: parameterTitles[family], scale: { zero: false, nice: false },
  };
  const color = {
    field: 'quantity', type: 'nominal', title: null, sort: order,
    legend: { orient: 'bottom', columns: 2, labelLimit: 220 },
  };
  const markers = (field: string, exact: boolean) => ({
    transform: [{ filter: `datum.exact === ${exact}` }],
    mark: { type: 'point', filled: exact, size: 24, strokeWidth: 1.2 },
    encoding: { x, y: { field, type: 'quantitative' }, color },
  });
  const panelFor = (field: 'value' | 'error', yTitle: string,
    scale: Record<string, unknown>, format: string) => ({
    width: panel.width,
    height: panel.height,
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.3 },
        encoding: { x, y: { field, type: 'quantitative', title: yTitle,
          scale, axis: { format } }, color },
      },
      markers(field, true),
      markers(field, false),
    ],
  });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    ...(title ? {
      title: {
        text: title,
        subtitle: 'filled: exact for this shape · hollow: bound only',
        subtitleFontSize: 11,
      },
    } : {}),
    data: { values: rows },
    hconcat: [
      panelFor('value', titles.sharpness, { type: 'log' }, '~g'),
      panelFor('error', 'relative error |form − exact| / exact',
        { type: 'log' }, '.0e'),
    ],
  } as unknown as TopLevelSpec;
}
