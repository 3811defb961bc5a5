import { useReducer, useRef, type Dispatch, type RefObject } from 'react';

import {
  initialState,
  reduce,
  type Action,
  type DashState,
} from '../state.js';

/**
 * The dashboard state in a ref as well as in React: keys that arrive
 * faster than React re-renders (a burst of typing, a paste) must each see
 * the state the previous key left, not the last rendered one.
 */
export function useDashState(): [
  DashState,
  Dispatch<Action>,
  RefObject<DashState>,
] {
  const state = useRef<DashState>(initialState());
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const dispatch = useRef((action: Action) => {
    const next = reduce(state.current, action);
    if (next === state.current) return;
    state.current = next;
    rerender();
  }).current;

  return [state.current, dispatch, state];
}
