import { Box, Text } from 'ink';
import type { Dispatch } from 'react';

import { formatFilter } from '../filter.js';
import { cell, fit, formatRatio } from '../format.js';
import { useListKeys } from '../hooks/use-list-keys.js';
import { useLive } from '../hooks/use-live.js';
import type { DashSource } from '../source.js';
import type { Action, DashState } from '../state.js';
import type { SweepInfo, TrialRow } from '../types.js';
import { Pending } from './pending.js';

interface Column {
  title: string;
  /** The SQL column it sorts by. */
  sort: string;
  width: number;
  text: (row: TrialRow) => string;
  right?: boolean;
}

/** Shown left to right while they fit; the key goes first. */
const COLUMNS: Column[] = [
  { title: 'key', sort: 'key', width: 7, text: (r) => r.key },
  { title: 'ρ', sort: 'step_ratio', width: 6, right: true,
    text: (r) => formatRatio(r.step_ratio) },
  { title: 'outcome', sort: 'outcome', width: 11, text: (r) => r.outcome },
  { title: 'L', sort: 'depth', width: 2, right: true,
    text: (r) => String(r.depth) },
  { title: 'w', sort: 'width', width: 3, right: true,
    text: (r) => String(r.width) },
  { title: 'λmax', sort: 'sharpness', width: 9, right: true,
    text: (r) => cell(r.sharpness) },
  { title: 'esc', sort: 'escape_step', width: 6, right: true,
    text: (r) => cell(r.escape_step) },
  { title: 'pred', sort: 'predicted_escape_step', width: 7, right: true,
    text: (r) => cell(r.predicted_escape_step) },
  { title: 'land', sort: 'landing_ratio', width: 7, right: true,
    text: (r) => cell(r.landing_ratio) },
  { title: 'family', sort: 'family', width: 10, text: (r) => r.family },
  { title: 'dir', sort: 'direction', width: 8, text: (r) => r.direction },
  { title: 'target', sort: 'target_kind', width: 9,
    text: (r) => r.target_kind },
];

const OUTCOME_COLORS: Record<string, string> = {
  stayed: 'green',
  escaped: 'yellow',
  diverged: 'red',
  unconverged: 'magenta',
  failed: 'red',
};

export interface ResultsTableProps {
  source: DashSource;
  sweep: SweepInfo;
  state: DashState;
  dispatch: Dispatch<Action>;
  width: number;
  height: number;
  active: boolean;
}

/** One page of trials, sorted and filtered; only that page is read. */
export function ResultsTable(props: ResultsTableProps) {
  const { source, sweep, state, dispatch, width, height, active } = props;
  const pageSize = Math.max(1, height - 2);
  const page = Math.floor(state.tableRow / pageSize);
  const filterKey = JSON.stringify(state.filters);

  const rows = useLive(
    () => source.call('trials', sweep.id, {
      filters: state.filters,
      sort: state.sort,
      descending: state.descending,
      offset: page * pageSize,
      limit: pageSize,
    }),
    `${sweep.id}|${filterKey}|${state.sort}|${state.descending}|` +
      `${page}|${pageSize}`,
    sweep.done,
    { minGapMs: 500 },
  );
  // Without a filter the sweep's own counter is the count, for free.
  const counted = useLive(
    state.filters.length === 0
      ? null
      : () => source.call('count', sweep.id, state.filters),
    `${sweep.id}|${filterKey}`,
    sweep.done,
    { minGapMs: 1000 },
  );
  const count = state.filters.length === 0
    ? sweep.done
    : counted.current ? counted.value : null;

  const visible = rows.value ?? [];
  const offset = state.tableRow - page * pageSize;
  useListKeys({
    dispatch,
    count,
    pageSize,
    active,
    onEnter() {
      const row = visible[offset];
      if (row !== undefined && rows.current) {
        dispatch({ type: 'detail', key: row.key });
      }
    },
  });

  const columns = fitColumns(width);
  const arrow = state.descending ? '▼' : '▲';
  const first = page * pageSize + 1;
  const summary =
    `rows ${visible.length === 0 ? 0 : first}–${first + visible.length - 1}` +
    ` of ${count ?? '…'} · sort ${state.sort} ${arrow} (s, S)` +
    ` · filter ${state.filters.length > 0
      ? formatFilter(state.filters)
      : '— (/)'}`;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {'  ' + columns.map((c) =>
          fit(c.sort === state.sort ? `${c.title}${arrow}` : c.title,
            c.width, c.right)).join(' ')}
      </Text>
      {rows.value === null
        ? <Pending live={rows} what="trials" />
        : visible.length === 0
          ? <Text>No trials match.</Text>
          : visible.map((row, i) => (
            <Text key={row.key} wrap="truncate-end" inverse={i === offset}>
              {i === offset ? '▶ ' : '  '}
              {columns.map((c, j) => (
                <Text key={c.title} color={c.sort === 'outcome'
                  ? OUTCOME_COLORS[row.outcome]
                  : undefined}>
                  {(j > 0 ? ' ' : '') + fit(c.text(row), c.width, c.right)}
                </Text>
              ))}
            </Text>
          ))}
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate-end">{summary}</Text>
    </Box>
  );
}

function fitColumns(width: number): Column[] {
  const chosen: Column[] = [];
  let used = 2;

  for (const column of COLUMNS) {
    if (used + column.width + 1 > width) break;
    chosen.push(column);
    used += column.width + 1;
  }

  return chosen;
}
