import type { Key } from 'ink';
import { createContext, useContext, useEffect, useRef } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

/**
 * The handlers of the views on screen. The dashboard reads every input
 * event itself, splits it into keys and hands each key to these after its
 * own keys: a view that the previous key replaced is no longer here, so
 * the keys after a Tab reach the view the Tab opened.
 */
export const ViewKeys = createContext<Set<{ current: KeyHandler }> | null>(
  null,
);

/**
 * `handler` receives one key at a time while `active`. It may change on
 * every render; the latest one is called.
 */
export function useViewKeys(handler: KeyHandler, active: boolean): void {
  const handlers = useContext(ViewKeys);
  if (handlers === null) {
    throw new Error('useViewKeys outside a Dashboard');
  }
  const latest = useRef(handler);
  latest.current = handler;

  useEffect(() => {
    if (!active) return;
    handlers.add(latest);
    return () => {
      handlers.delete(latest);
    };
  }, [handlers, active]);
}
