import { Box, Text } from 'ink';

import {
  compactCount,
  fit,
  formatDuration,
  formatPercent,
  progressBar,
} from '../format.js';
import { sweepStats, type RateTracker } from '../progress.js';
import type { SweepInfo } from '../types.js';

export interface OverviewProps {
  sweeps: SweepInfo[];
  selected: number;
  rates: RateTracker;
  now: number;
  width: number;
  height: number;
}

/** Lines per sweep: name and run, bar and counts, speed and times. */
const BLOCK = 3;

/** Lines the overview of `count` sweeps takes, at most `height`. */
export function overviewLines(count: number, height: number): number {
  return Math.min(height, 1 + BLOCK * Math.max(1, count));
}

const STATE_COLORS: Record<string, string> = {
  running: 'green',
  stale: 'yellow',
  done: 'cyan',
  stopped: 'yellow',
  failed: 'red',
};

/** Every sweep: progress bar, counters, speed, elapsed time and ETA. */
export function Overview(props: OverviewProps) {
  const { sweeps, selected, width, height } = props;
  if (sweeps.length === 0) {
    return <Text>No sweeps in this database yet.</Text>;
  }

  // Keep the selected sweep on screen.
  const fits = Math.max(1, Math.floor((height - 1) / BLOCK));
  const first = Math.max(0,
    Math.min(selected - fits + 1, sweeps.length - fits));
  const shown = sweeps.slice(first, first + fits);

  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor wrap="truncate-end">
        {`${sweeps.length} sweep${sweeps.length === 1 ? '' : 's'}` +
          (sweeps.length > fits
            ? ` (${first + 1}–${first + shown.length} shown)`
            : '') +
          ' · ↑↓ select · enter: phase map'}
      </Text>
      {shown.map((sweep, i) => (
        <SweepBlock
          key={sweep.id}
          {...props}
          sweep={sweep}
          isSelected={first + i === selected}
        />
      ))}
    </Box>
  );
}

interface BlockProps {
  sweep: SweepInfo;
  isSelected: boolean;
  rates: RateTracker;
  now: number;
  width: number;
}

/** One sweep's three lines; also the frame a run leaves on its terminal. */
export function SweepBlock({ sweep, isSelected, rates, now, width }: BlockProps) {
  const stats = sweepStats(sweep, rates.rate(sweep.id, now), now);
  const run = sweep.run;
  const workers = run !== null && stats.state === 'running'
    ? `  busy ${run.busy}/${run.workers} workers`
    : '';
  const counts =
    ` ${sweep.done}/${sweep.total}  ${formatPercent(stats.fraction)}` +
    `  failed ${compactCount(sweep.failed)}`;
  const barWidth = Math.max(10, width - 2 - counts.length);
  const rate = stats.rate === null ? '—' : stats.rate.toPrecision(3);
  const eta = stats.etaSeconds === 0 && sweep.done >= sweep.total
    ? 'complete'
    : `ETA ${formatDuration(stats.etaSeconds)}`;
  const nameWidth = Math.max(8,
    width - 2 - stats.state.length - workers.length);

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color="cyan">{isSelected ? '▶ ' : '  '}</Text>
        <Text bold={isSelected}>{fit(sweep.name, nameWidth)}</Text>
        <Text color={STATE_COLORS[stats.state]}>{stats.state}</Text>
        <Text dimColor>{workers}</Text>
      </Text>
      <Text wrap="truncate-end">
        {'  '}
        <Text color={sweep.failed > 0 ? 'yellow' : 'green'}>
          {progressBar(stats.fraction, barWidth)}
        </Text>
        {counts}
      </Text>
      <Text dimColor wrap="truncate-end">
        {`  ${rate} trials/s · elapsed ` +
          `${formatDuration(stats.elapsedSeconds)} · ${eta}`}
      </Text>
    </Box>
  );
}
