/** Short, fixed-width renderings of the numbers the dashboard shows. */
export { formatDuration, formatPercent } from '../cli/format.js';

/** A count in at most 5 characters: 999, 12.3k, 4.5M. */
export function compactCount(count: number): string {
  if (count < 1000) return String(count);
  if (count < 10_000) return `${(count / 1000).toFixed(1)}k`;
  if (count < 1_000_000) return `${Math.round(count / 1000)}k`;
  if (count < 10_000_000) return `${(count / 1e6).toFixed(1)}M`;

  return `${Math.round(count / 1e6)}M`;
}

/** A step ratio as people write it: 0.5, 1.05, 2 (4 significant digits). */
export function formatRatio(value: number | null): string {
  if (value === null) return '—';

  return String(Number(value.toPrecision(4)));
}

/** `█` for the done part, `░` for the rest; exactly `width` cells. */
export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);

  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** `text` cut or padded to exactly `width` cells (one cell per char). */
export function fit(text: string, width: number, right = false): string {
  if (width <= 0) return '';
  if (text.length > width) {
    return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  }

  return right ? text.padStart(width) : text.padEnd(width);
}

/**
 * A number in `digits` significant digits without trailing zeros:
 * 24.6, 0.0813, 1e-22, 245.5740969; integers as they are; null as —.
 */
export function cell(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);

  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
    return `${trimZeros(mantissa)}e${exponent}`;
  }

  return trimZeros(value.toPrecision(digits));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
