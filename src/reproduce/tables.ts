/**
 * The tables of the results document, from the stored trials: outcomes
 * and escape statistics by minimizer family and step ratio.
 */
import type { PlotTrial } from '../plot/data.js';

const OUTCOMES = ['stayed', 'escaped', 'diverged', 'unconverged', 'failed'];

export function median(values: number[]): number | null {
  if (values.length === 0) return null;

  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function formatValue(value: number | null, digits = 4): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) {
    return value.toExponential(digits - 2);
  }

  return String(Number(value.toPrecision(digits)));
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = headers.map((_, i) => (i === 0 ? '---' : '---:'));

  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

/**
 * One row per (family, ratio): outcome counts, median observed and
 * predicted escape step, median landing ratio λ_end·η/2 of escapes.
 */
export function outcomeTable(trials: PlotTrial[]): string {
  const groups = new Map<string, PlotTrial[]>();
  const ordered = [...trials].sort((a, b) =>
    a.familyLabel.localeCompare(b.familyLabel) ||
    (a.stepRatio ?? 0) - (b.stepRatio ?? 0));
  for (const trial of ordered) {
    const id = `${trial.familyLabel}|${trial.stepRatio}`;
    groups.set(id, [...(groups.get(id) ?? []), trial]);
  }

  const rows = [...groups.values()].map((group) => {
    const count = (outcome: string) =>
      String(group.filter((t) => t.outcome === outcome).length);
    const escaped = group.filter((t) => t.outcome === 'escaped');
    const left = group.filter((t) => t.escapeStep !== null);

    return [
      group[0].familyLabel,
      formatValue(group[0].stepRatio),
      String(group.length),
      ...OUTCOMES.map(count),
      formatValue(median(left.map((t) => t.escapeStep!))),
      formatValue(median(left.flatMap((t) =>
        t.predictedEscapeStep === null ? [] : [t.predictedEscapeStep]))),
      formatValue(median(escaped.flatMap((t) =>
        t.landingRatio === null ? [] : [t.landingRatio]))),
    ];
  });

  return markdownTable(
    ['family', 'ρ', 'trials', ...OUTCOMES, 'escape step (median)',
      'predicted (median)', 'landing ratio λ_end·η/2 (median)'],
    rows,
  );
}

/** Escape fraction (escaped + diverged over non-failed) by depth and ρ > 1. */
export function depthTable(trials: PlotTrial[]): string {
  const depths = [...new Set(trials.map((t) => t.depth))].sort((a, b) => a - b);
  const families = [...new Set(trials.map((t) => t.familyLabel))].sort();

  const rows = depths.map((depth) => [
    String(depth),
    ...families.map((family) => {
      const group = trials.filter((t) => t.depth === depth &&
        t.familyLabel === family && t.outcome !== 'failed');
      const above = group.filter((t) => (t.stepRatio ?? 0) > 1);
      const below = group.filter((t) => (t.stepRatio ?? 0) < 1);
      const left = (list: PlotTrial[]) => list.filter((t) =>
        t.outcome === 'escaped' || t.outcome === 'diverged').length;

      return `${left(below)}/${below.length} · ${left(above)}/${above.length}`;
    }),
  ]);

  return markdownTable(['depth L', ...families], rows);
}
