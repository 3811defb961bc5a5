import { Box, Text } from 'ink';

import { VIEWS, VIEW_TITLES, type View } from '../state.js';

export interface HeaderProps {
  view: View;
  sweep: string | null;
  width: number;
}

/** One line: the tabs, then the selected sweep. */
export function Header({ view, sweep, width }: HeaderProps) {
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text bold>sharpsweep </Text>
      {VIEWS.map((name) => (
        <Text key={name} inverse={name === view} bold={name === view}>
          {` ${VIEW_TITLES[name]} `}
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        {sweep === null ? '' : `  sweep ${sweep}`}
      </Text>
    </Box>
  );
}
