import type { Key } from 'ink';
import type { Dispatch } from 'react';

import type { Action } from '../state.js';

/**
 * The list keys shared by the views with a selection: j/k and arrows,
 * pages, ends, and enter.
 */
export function navigation(
  dispatch: Dispatch<Action>,
  count: number | null,
  pageSize: number,
  onEnter: () => void,
): (input: string, key: Key) => void {
  const move = (delta: number) => dispatch({ type: 'move', delta, count });

  return (input, key) => {
    if (input === 'j' || key.downArrow) move(1);
    else if (input === 'k' || key.upArrow) move(-1);
    else if (key.pageDown || key.rightArrow || input === ' ') move(pageSize);
    else if (key.pageUp || key.leftArrow) move(-pageSize);
    else if (key.home || input === 'g') move(-Number.MAX_SAFE_INTEGER);
    else if ((key.end || input === 'G') && count !== null) {
      move(Number.MAX_SAFE_INTEGER);
    } else if (key.return) onEnter();
  };
}
