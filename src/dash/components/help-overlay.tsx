import { Box, Text } from 'ink';

const KEYS: Array<[string, string]> = [
  ['tab / shift-tab', 'next / previous view'],
  ['↑ ↓  j k', 'move the selection (sweep, trial, failure)'],
  ['pgup pgdn  ← →', 'page through trials and failures'],
  ['home end  g G', 'first / last row'],
  ['enter', 'sweep → phase map; trial or failure → detail'],
  ['esc', 'back from a detail; close a prompt'],
  ['a', 'phase map: next row axis'],
  ['s / S', 'trials: next sort column / flip direction'],
  ['/', 'filter trials, e.g. outcome=escaped depth=3 ratio>1'],
  ['?', 'this help (any key closes it)'],
  ['q  ctrl-c', 'quit (inside a run: stop it gracefully)'],
];

export function HelpOverlay({ width }: { width: number }) {
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text bold>Keys</Text>
      {KEYS.map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Text color="cyan">{keys.padEnd(16)}</Text>
          {what}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="wrap" dimColor>
        Filter: column op value, ops = != {'<'} {'<='} {'>'} {'>='}; a,b means
        any of; null matches a missing value; key=abc matches a key prefix.
      </Text>
      <Text wrap="wrap" dimColor>
        Phase map: % left, as in the run summary: trials that passed δ
        (whatever their end) or escaped or diverged, of those that did not
        fail; ! marks a cell against linear stability (leave iff ρ{' '}
        {'>'} 1).
      </Text>
    </Box>
  );
}
