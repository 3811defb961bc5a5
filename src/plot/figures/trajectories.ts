/**
 * Loss and distance from the starting minimum over the GD steps of a few
 * trials, side by side on log scales: an escape shows as exponential
 * growth of the distance (a straight line) while the loss first rises
 * and then falls to the new minimum.
 */
import type { TopLevelSpec } from 'vega-lite';

import type { PlotSample, PlotTrial } from '../data.js';
import { config, titles } from '../theme.js';
import type { FigureSize } from '../types.js';

/** How many trials the default selection shows. */
export const DEFAULT_TRAJECTORY_COUNT = 4;

export interface TrajectoryRow {
  trial: string;
  step: number;
  loss: number | null;
  distance: number | null;
}

/**
 * A few trials that tell the story when none are named: one setting
 * (the one whose trials have the most different outcomes, escapes
 * preferred, so a control where nothing lands is not the default), one
 * trial of each outcome, then ratios spread over the rest.
 */
export function defaultSelection(
  trials: PlotTrial[],
  withSamples: Set<string>,
  count = DEFAULT_TRAJECTORY_COUNT,
): PlotTrial[] {
  const candidates = trials
    .filter((t) => withSamples.has(t.key) && t.stepRatio !== null)
    .sort((a, b) => a.seed - b.seed || a.key.localeCompare(b.key));
  if (candidates.length === 0) return [];

  const outcomes = new Map<string, Set<string>>();
  for (const trial of candidates) {
    const setting = settingOf(trial);
    outcomes.set(setting, (outcomes.get(setting) ?? new Set())
      .add(trial.outcome));
  }
  const score = (seen: Set<string>) =>
    seen.size + (seen.has('escaped') ? 1 : 0);
  // Candidates are in seed-then-key order, so ties go to the first.
  let best = settingOf(candidates[0]);
  for (const [setting, seen] of outcomes) {
    if (score(seen) > score(outcomes.get(best)!)) best = setting;
  }

  const sameSetting = candidates
    .filter((t) => settingOf(t) === best)
    .sort((a, b) => a.stepRatio! - b.stepRatio!);
  const byRatio = new Map<number, PlotTrial>();
  for (const trial of sameSetting) {
    if (!byRatio.has(trial.stepRatio!)) byRatio.set(trial.stepRatio!, trial);
  }

  const ordered = [...byRatio.values()];
  if (ordered.length <= count) return ordered;

  // The middle trial of each outcome, then evenly spaced ratios.
  const picked = new Set<number>();
  for (const outcome of new Set(ordered.map((t) => t.outcome))) {
    const indices = ordered.flatMap((t, i) => t.outcome === outcome ? [i] : []);
    if (picked.size < count) {
      picked.add(indices[Math.floor((indices.length - 1) / 2)]);
    }
  }
  for (let i = 0; picked.size < count && i < count; i++) {
    picked.add(Math.round((i * (ordered.length - 1)) / (count - 1)));
  }

  return [...picked].sort((a, b) => a - b).map((i) => ordered[i]);
}

function settingOf(trial: PlotTrial): string {
  return JSON.stringify([
    trial.dims, trial.familyLabel, trial.targetKind, trial.direction,
    trial.radius, trial.seed,
  ]);
}

/** A legend label per trial: its ratio and outcome, unique by key. */
export function trialLabels(trials: PlotTrial[]): Map<string, string> {
  const base = trials.map((trial) => {
    const ratio = trial.stepRatio === null
      ? `η=${trial.stepSize}`
      : `ρ=${Number(trial.stepRatio.toPrecision(4))}`;
    return `${ratio} ${trial.outcome}`;
  });
  const labels = new Map<string, string>();
  trials.forEach((trial, i) => {
    const clash = base.filter((label) => label === base[i]).length > 1;
    labels.set(
      trial.key,
      clash ? `${base[i]} (${trial.key.slice(0, 6)})` : base[i],
    );
  });

  return labels;
}

/**
 * Rows for the two panels. Log scales cannot show zero, so exact zeros
 * (a loss that reached 0 in floating point) are dropped, as are
 * non-finite values of a diverged run, which are stored as null.
 */
export function trajectoryRows(
  trials: PlotTrial[],
  samples: Map<string, PlotSample[]>,
): TrajectoryRow[] {
  const labels = trialLabels(trials);

  return trials.flatMap((trial) =>
    (samples.get(trial.key) ?? []).map((sample) => ({
      trial: labels.get(trial.key)!,
      step: sample.step,
      loss: positiveOrNull(sample.loss),
      distance: positiveOrNull(sample.distance),
    })),
  );
}

function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 && Number.isFinite(value) ? value : null;
}

/** Step 0 must show, so the step axis is symmetric-log with decade ticks. */
function stepTicks(rows: TrajectoryRow[]): number[] {
  const last = Math.max(1, ...rows.map((row) => row.step));
  const ticks = [0];
  for (let tick = 1; tick <= last * 1.001; tick *= 10) ticks.push(tick);

  return ticks;
}

export function trajectoriesSpec(
  rows: TrajectoryRow[],
  order: string[],
  panel: FigureSize,
  title: string | undefined,
): TopLevelSpec {
  const x = {
    field: 'step', type: 'quantitative', title: titles.step,
    scale: { type: 'symlog', nice: false },
    axis: { values: stepTicks(rows), format: ',d' },
  };
  const color = {
    field: 'trial', type: 'nominal', title: null, sort: order,
    legend: { orient: 'bottom', columns: 2, labelLimit: 220 },
  };
  const panelFor = (field: 'loss' | 'distance') => ({
    width: panel.width,
    height: panel.height,
    transform: [{ filter: `datum.${field} !== null` }],
    mark: { type: 'line', point: { size: 14 }, clip: true },
    encoding: {
      x,
      y: { field, type: 'quantitative', title: titles[field],
        scale: { type: 'log' }, axis: { format: '.0e', tickCount: 8 } },
      color,
    },
  });

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    ...(title ? { title } : {}),
    data: { values: rows },
    hconcat: [panelFor('loss'), panelFor('distance')],
  } as unknown as TopLevelSpec;
}
