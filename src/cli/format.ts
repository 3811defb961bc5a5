/** Terminal formatting helpers shared by the commands. */

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) {
    return '—';
  }

  const s = Math.round(seconds);
  if (s < 60) {
    return `${s}s`;
  }

  const minutes = Math.floor(s / 60);
  if (minutes < 60) {
    return `${minutes}m${String(s % 60).padStart(2, '0')}s`;
  }

  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatNumber(value: unknown, digits = 4): string {
  if (value === null || value === undefined) {
    return '—';
  }

  if (typeof value !== 'number') {
    return String(value);
  }

  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }

  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    return value.toExponential(digits - 1);
  }

  return value.toPrecision(digits);
}

export function formatPercent(fraction: number | null): string {
  return fraction === null ? '—' : `${(100 * fraction).toFixed(1)}%`;
}

/** A plain text table with right-aligned numeric columns. */
export function formatTable(
  headers: string[],
  rows: Array<Array<string>>,
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column])).join('  ');

  return [
    line(headers),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
