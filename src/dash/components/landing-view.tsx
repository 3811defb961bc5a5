import { Box, Text } from 'ink';

import { densityRows } from '../charts.js';
import { fit, formatPercent, formatRatio } from '../format.js';
import { useLive } from '../hooks/use-live.js';
import type { DashSource } from '../source.js';
import type { LandingData, SweepInfo } from '../types.js';
import { Pending } from './pending.js';

const LABEL = 7;

export interface LandingViewProps {
  source: DashSource;
  sweep: SweepInfo;
  width: number;
  height: number;
}

/**
 * Where escaped trials land: λ_final·η/2 against ρ. A clean escape lands
 * at or below the line 1 (the new minimum is stable for the same step).
 */
export function LandingView(props: LandingViewProps) {
  const { source, sweep, width, height } = props;
  const nx = Math.max(10, width - LABEL - 2);
  const ny = Math.max(3, height - 5);
  const live = useLive(
    () => source.call('landing', sweep.id, nx, ny),
    `${sweep.id}|${nx}|${ny}`,
    sweep.done,
    { minGapMs: 500 },
  );

  const data = live.value;
  if (data === null || data.count === 0) {
    return (
      <Pending live={live} what="landing ratios" empty={data !== null}
        emptyText="No escaped trials with a landing ratio yet." />
    );
  }

  const share = formatPercent(data.above / data.count);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>landing ratio λ_final·η/2 of escaped trials vs ρ</Text>
        <Text dimColor>{`  n=${data.count}`}</Text>
      </Text>
      <Text wrap="truncate-end" color={data.above > 0 ? 'yellow' : undefined}>
        {`above 1 (not stable for η): ${data.above} (${share})`}
      </Text>
      {plotLines(data, nx, ny).map((line, i) => (
        <Text key={i} wrap="truncate-end">{line}</Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {'marks · : + * # by count (log) · ─ landing 1 · │ ρ = 1'}
      </Text>
    </Box>
  );
}

/** The density grid with its two reference lines and axis labels. */
function plotLines(data: LandingData, nx: number, ny: number): string[] {
  const rows = densityRows(data.cells, nx, ny);
  const [rlo, rhi] = data.ratioRange;
  const [llo, lhi] = data.landingRange;
  const binOf = (value: number, lo: number, hi: number, n: number) =>
    Math.min(n - 1, Math.floor(((value - lo) / (hi - lo)) * n));
  const oneRow = ny - 1 - binOf(1, llo, lhi, ny);
  const oneColumn = binOf(1, rlo, rhi, nx);

  const lines = rows.map((row, r) => {
    const marks = row.map((mark, c) => {
      if (mark !== ' ') return mark;
      if (r === oneRow) return '─';
      return c === oneColumn ? '│' : ' ';
    });
    const label = r === 0
      ? formatRatio(lhi)
      : r === ny - 1 ? formatRatio(llo) : r === oneRow ? '1' : '';
    return `${fit(label, LABEL - 1, true)} ┤${marks.join('')}`;
  });

  const axis = Array<string>(nx).fill('─');
  axis[oneColumn] = '┴';
  lines.push(`${' '.repeat(LABEL)}└${axis.join('')}`);
  const left = formatRatio(rlo);
  const right = `${formatRatio(rhi)} ρ`;
  const gap = Math.max(1, nx - left.length - right.length + 1);
  lines.push(`${' '.repeat(LABEL + 1)}${left}${' '.repeat(gap)}${right}`);
  return lines;
}
