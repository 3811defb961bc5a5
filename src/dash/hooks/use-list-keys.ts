import type { Key } from 'ink';
import { useCallback, useRef, type Dispatch } from 'react';

import type { Action } from '../state.js';
import { useViewKeys } from './use-view-keys.js';

export interface ListKeys {
  dispatch: Dispatch<Action>;
  /** Rows in the list, when known: bounds the selection. */
  count: number | null;
  pageSize: number;
  onEnter: () => void;
  active: boolean;
}

/**
 * The keys of the views with a selection: j/k and arrows, pages, ends,
 * enter. The handler never changes; it reads the options of the latest
 * render, so a key pressed the moment new rows appear acts on those rows
 * (Ink re-subscribes a changed handler only after the frame is drawn).
 */
export function useListKeys(options: ListKeys): void {
  const latest = useRef(options);
  latest.current = options;

  const handler = useCallback((input: string, key: Key) => {
    const { dispatch, count, pageSize, onEnter } = latest.current;
    const move = (delta: number) => dispatch({ type: 'move', delta, count });

    if (input === 'j' || key.downArrow) move(1);
    else if (input === 'k' || key.upArrow) move(-1);
    else if (key.pageDown || key.rightArrow || input === ' ') move(pageSize);
    else if (key.pageUp || key.leftArrow) move(-pageSize);
    else if (key.home || input === 'g') move(-Number.MAX_SAFE_INTEGER);
    else if ((key.end || input === 'G') && count !== null) {
      move(Number.MAX_SAFE_INTEGER);
    } else if (key.return) onEnter();
  }, []);

  useViewKeys(handler, options.active);
}
