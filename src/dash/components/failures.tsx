import { Box, Text } from 'ink';
import type { Dispatch } from 'react';

import { fit, formatRatio } from '../format.js';
import { useListKeys } from '../hooks/use-list-keys.js';
import { useLive } from '../hooks/use-live.js';
import type { DashSource } from '../source.js';
import type { Action } from '../state.js';
import type { SweepInfo } from '../types.js';
import { Pending } from './pending.js';

export interface FailuresProps {
  source: DashSource;
  sweep: SweepInfo;
  selected: number;
  dispatch: Dispatch<Action>;
  width: number;
  height: number;
  active: boolean;
}

/** Lines kept under the list for the whole message of the selection. */
const MESSAGE_LINES = 4;

/** Failed trials with their errors; the selected one in full below. */
export function Failures(props: FailuresProps) {
  const { source, sweep, selected, dispatch, width, height, active } = props;
  const pageSize = Math.max(1, height - MESSAGE_LINES - 2);
  const page = Math.floor(selected / pageSize);
  const live = useLive(
    () => source.call('failures', sweep.id, page * pageSize, pageSize),
    `${sweep.id}|${page}|${pageSize}`,
    sweep.failed,
    { minGapMs: 500 },
  );

  const rows = live.value ?? [];
  const offset = selected - page * pageSize;
  useListKeys({
    dispatch,
    count: sweep.failed,
    pageSize,
    active,
    onEnter() {
      const row = rows[offset];
      if (row !== undefined) dispatch({ type: 'detail', key: row.key });
    },
  });

  if (sweep.failed === 0) {
    return <Text color="green">No failed trials in {sweep.name}.</Text>;
  }
  if (live.value === null) {
    return <Pending live={live} what="failures" />;
  }

  const chosen = rows[offset];
  const message = (chosen?.error ?? '').replace(/\s+/g, ' ');
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {`${sweep.failed} failed · ${page * pageSize + 1}–` +
          `${page * pageSize + rows.length} · enter: detail`}
      </Text>
      {rows.map((row, i) => (
        <Text key={row.key} wrap="truncate-end" inverse={i === offset}>
          {(i === offset ? '▶ ' : '  ') +
            `${fit(row.key, 8)} L${row.depth} w${row.width} ` +
            `${fit(row.family, 10)} ` +
            `ρ ${fit(formatRatio(row.step_ratio), 6)} ` +
            (row.error ?? '').replace(/\s+/g, ' ')}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Box height={MESSAGE_LINES} width={width} overflow="hidden">
        <Text color="red" wrap="wrap">{message}</Text>
      </Box>
    </Box>
  );
}
