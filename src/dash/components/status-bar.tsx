import { Box, Text } from 'ink';

export interface StatusBarProps {
  width: number;
  /** Key hints of the current view. */
  hints: string;
  prompt: { text: string; error: string | null } | null;
  stopping: boolean;
  /** A problem reading the database, shown instead of the hints. */
  problem: string | null;
}

/** The last line: the filter prompt, a stop notice, a problem or hints. */
export function StatusBar(props: StatusBarProps) {
  const { width, hints, prompt, stopping, problem } = props;

  let line = <Text dimColor wrap="truncate-end">{hints}</Text>;
  if (prompt !== null) {
    line = (
      <Text wrap="truncate-start">
        <Text color="cyan">filter› </Text>
        {prompt.text}
        <Text inverse> </Text>
        {prompt.error === null
          ? <Text dimColor>  enter apply · esc cancel</Text>
          : <Text color="red">  {prompt.error}</Text>}
      </Text>
    );
  } else if (stopping) {
    line = (
      <Text color="yellow" wrap="truncate-end">
        stopping… waiting for trials in flight; Ctrl-C again to quit now
      </Text>
    );
  } else if (problem !== null) {
    line = <Text color="red" wrap="truncate-end">{problem}</Text>;
  }

  return (
    <Box width={width} height={1} overflow="hidden">
      {line}
    </Box>
  );
}
