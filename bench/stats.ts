/**
 * Small statistics and formatting helpers shared by every benchmark
 * section. Benchmarks report medians: the machine is shared, and a median
 * of a few runs is far less sensitive to a burst of outside load than a
 * mean.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Median of a non-empty list (mean of the two middle values if even). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;

  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Relative spread (max − min) / median, a quick noise indicator. */
export function spread(values: number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);

  return (Math.max(...values) - Math.min(...values)) / Math.abs(m);
}

/**
 * Runs `body` repeatedly for at least `seconds` and returns calls per
 * second. `body` receives a batch size so very cheap bodies are not
 * dominated by the clock reads.
 */
export function ratePerSecond(
  body: (count: number) => void,
  seconds: number,
): number {
  let batch = 1;
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;

  while (elapsed < seconds * 1000) {
    body(batch);
    calls += batch;
    elapsed = performance.now() - started;
    // Grow batches until one takes about a hundredth of the budget.
    if (elapsed < seconds * 10 && batch < 1 << 20) batch *= 2;
  }

  return calls / (elapsed / 1000);
}

/** Milliseconds taken by `body`. */
export function timeMs(body: () => void): number {
  const started = performance.now();
  body();

  return performance.now() - started;
}

/** `ours / peer`, or null when either side is missing. */
export function ratio(ours: number | null, peer: number | null): number | null {
  if (ours === null || peer === null || !(peer !== 0)) return null;
  if (!Number.isFinite(ours) || !Number.isFinite(peer)) return null;

  return ours / peer;
}

/** Engineering-style formatting: 3 significant digits, no exponent < 1e6. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    return value.toExponential(digits - 1);
  }
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString('en-US');

  return Number(value.toPrecision(digits)).toString();
}

/** A ratio as "2.5×" (ours over peer), "—" when unknown. */
export function fmtRatio(value: number | null): string {
  return value === null ? '—' : `${fmt(value)}×`;
}

/**
 * The 1-minute load average, recorded beside noisy measurements.
 *
 * LIMITATION: the bench cannot keep other work off the machine; on a
 * shared 2-core machine the same figure moved by up to 2× between runs
 * (NumPy steps/s at depth 10, width 16). Ratios measured in one run,
 * with rounds alternating, are steadier than absolute rates.
 */
export function load1(): number {
  return loadavg()[0];
}
