/**
 * Character charts: a log-scale line chart for trajectories and a
 * density scatter for landing ratios. Pure functions from numbers to
 * lines of text, so the views only lay them out.
 */

const LABEL_WIDTH = 6;

export interface Point {
  x: number;
  y: number | null;
}

/**
 * `y` on a log10 scale against `x` on a log10(1 + x) scale (trajectory
 * samples are log-spaced in the step), `height` rows of plot plus an
 * axis line; points with y ≤ 0 or not finite cannot be drawn and are left
 * out. Returns `height + 1` lines of exactly `width` characters.
 */
export function logLineChart(
  points: Point[],
  width: number,
  height: number,
): string[] {
  const plotWidth = Math.max(4, width - LABEL_WIDTH - 1);
  const usable = points
    .filter((p) => p.y !== null && p.y > 0 && Number.isFinite(p.y))
    .map((p) => ({ x: Math.log10(1 + Math.max(0, p.x)), y: Math.log10(p.y!) }));
  if (usable.length === 0 || height < 2) {
    return [fitLine('no positive values to draw', width)];
  }

  let yLow = Math.floor(Math.min(...usable.map((p) => p.y)));
  let yHigh = Math.ceil(Math.max(...usable.map((p) => p.y)));
  if (yHigh === yLow) yHigh = yLow + 1;
  const xLow = Math.min(...usable.map((p) => p.x));
  const xHigh = Math.max(...usable.map((p) => p.x));
  const xSpan = xHigh - xLow || 1;

  const grid = Array.from({ length: height }, () =>
    Array<string>(plotWidth).fill(' '));
  const column = (x: number) =>
    Math.round(((x - xLow) / xSpan) * (plotWidth - 1));
  const row = (y: number) =>
    height - 1 - Math.round(((y - yLow) / (yHigh - yLow)) * (height - 1));

  // Straight segments (in log space) between samples, samples on top.
  for (let i = 1; i < usable.length; i++) {
    const a = usable[i - 1];
    const b = usable[i];
    const from = column(a.x);
    const to = column(b.x);
    for (let c = from + 1; c < to; c++) {
      const t = (c - from) / (to - from);
      grid[row(a.y + t * (b.y - a.y))][c] = '·';
    }
  }
  for (const p of usable) grid[row(p.y)][column(p.x)] = '•';

  const lines = grid.map((cells, r) => {
    const label = r === 0
      ? `1e${yHigh}`
      : r === height - 1 ? `1e${yLow}` : '';
    return `${label.padStart(LABEL_WIDTH)}┤${cells.join('')}`;
  });

  const first = Math.round(10 ** xLow - 1);
  const last = Math.round(10 ** xHigh - 1);
  const axis = `step ${first}`;
  const end = `${last}`;
  const gap = Math.max(1, plotWidth - axis.length - end.length);
  lines.push(fitLine(
    `${' '.repeat(LABEL_WIDTH)}└${axis}${'─'.repeat(gap)}${end}`,
    width,
  ));
  return lines.map((line) => fitLine(line, width));
}

/** Density marks, from a single trial to the fullest bin. */
const SHADES = ['·', ':', '+', '*', '#'];

/**
 * `ny` rows (top row = highest y) of `nx` marks; a bin's mark grows with
 * the log of its count relative to the fullest bin.
 */
export function densityRows(
  cells: Array<{ x: number; y: number; count: number }>,
  nx: number,
  ny: number,
): string[][] {
  const rows = Array.from({ length: ny }, () => Array<string>(nx).fill(' '));
  const most = Math.max(1, ...cells.map((c) => c.count));

  for (const { x, y, count } of cells) {
    if (x < 0 || x >= nx || y < 0 || y >= ny || count <= 0) continue;
    const level = most === 1
      ? 0
      : Math.round((Math.log(count) / Math.log(most)) * (SHADES.length - 1));
    rows[ny - 1 - y][x] = SHADES[level];
  }

  return rows;
}

function fitLine(text: string, width: number): string {
  return text.length > width ? text.slice(0, width) : text.padEnd(width);
}
