import { Text } from 'ink';

import type { Live } from '../hooks/use-live.js';

export interface PendingProps {
  live: Live<unknown>;
  what: string;
  /** The query answered, with nothing to show. */
  empty?: boolean;
  emptyText?: string;
}

/** What a view shows before it has data: why not, or that it is coming. */
export function Pending({ live, what, empty, emptyText }: PendingProps) {
  if (live.waiting !== null) {
    return <Text color="yellow">waiting for database… ({live.waiting})</Text>;
  }
  if (live.error !== null) {
    return <Text color="red">cannot read the {what}: {live.error}</Text>;
  }
  if (empty) {
    return <Text>{emptyText ?? 'Nothing yet.'}</Text>;
  }

  return <Text dimColor>reading the {what}…</Text>;
}
