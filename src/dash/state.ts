/**
 * What the dashboard is showing, and how keys change it: a pure reducer,
 * so every key binding can be checked without a terminal.
 */
import { formatFilter, parseFilter } from './filter.js';
import { PHASE_AXES, type FilterTerm, type PhaseAxis } from './types.js';

export const VIEWS = [
  'overview',
  'phase',
  'landing',
  'table',
  'failures',
] as const;

export type View = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<View, string> = {
  overview: 'Overview',
  phase: 'Phase map',
  landing: 'Landing',
  table: 'Trials',
  failures: 'Failures',
};

/** Columns `s` cycles through; the first one is the default order. */
export const SORT_COLUMNS = [
  'step_ratio',
  'outcome',
  'depth',
  'width',
  'family',
  'direction',
  'sharpness',
  'escape_step',
  'predicted_escape_step',
  'landing_ratio',
  'key',
] as const;

export interface DashState {
  view: View;
  /** The trial whose detail is open, over the current view. */
  detail: string | null;
  help: boolean;
  /** The filter prompt, while it is open. */
  prompt: { text: string; error: string | null } | null;
  sweepRow: number;
  axis: PhaseAxis;
  filters: FilterTerm[];
  sort: (typeof SORT_COLUMNS)[number];
  descending: boolean;
  tableRow: number;
  failureRow: number;
  /** A graceful stop was requested (dashboard embedded in `run`). */
  stopping: boolean;
}

export type Action =
  | { type: 'view'; step: 1 | -1 }
  | { type: 'goto'; view: View }
  /** Move the current view's selection; `count` bounds it when known. */
  | { type: 'move'; delta: number; count: number | null }
  | { type: 'select-sweep'; row: number }
  | { type: 'axis' }
  | { type: 'sort' }
  | { type: 'flip' }
  | { type: 'detail'; key: string }
  | { type: 'back' }
  | { type: 'help' }
  | { type: 'prompt-open' }
  | { type: 'prompt-type'; text: string }
  | { type: 'prompt-erase' }
  | { type: 'prompt-submit' }
  | { type: 'prompt-cancel' }
  | { type: 'stopping' };

export function initialState(): DashState {
  return {
    view: 'overview',
    detail: null,
    help: false,
    prompt: null,
    sweepRow: 0,
    axis: 'depth',
    filters: [],
    sort: SORT_COLUMNS[0],
    descending: false,
    tableRow: 0,
    failureRow: 0,
    stopping: false,
  };
}

export function reduce(state: DashState, action: Action): DashState {
  switch (action.type) {
    case 'view': {
      const index = VIEWS.indexOf(state.view) + action.step;
      const view = VIEWS[(index + VIEWS.length) % VIEWS.length];
      return { ...state, view, detail: null };
    }
    case 'goto':
      return { ...state, view: action.view, detail: null };
    case 'move':
      return move(state, action.delta, action.count);
    case 'select-sweep':
      // Another sweep: its rows, not the old positions.
      return { ...state, sweepRow: action.row, tableRow: 0, failureRow: 0 };
    case 'axis': {
      const next = (PHASE_AXES.indexOf(state.axis) + 1) % PHASE_AXES.length;
      return { ...state, axis: PHASE_AXES[next] };
    }
    case 'sort': {
      const next = (SORT_COLUMNS.indexOf(state.sort) + 1) % SORT_COLUMNS.length;
      return { ...state, sort: SORT_COLUMNS[next], tableRow: 0 };
    }
    case 'flip':
      return { ...state, descending: !state.descending, tableRow: 0 };
    case 'detail':
      return { ...state, detail: action.key };
    case 'back':
      return { ...state, detail: null };
    case 'help':
      return { ...state, help: !state.help };
    case 'prompt-open':
      return {
        ...state,
        view: 'table',
        detail: null,
        prompt: { text: formatFilter(state.filters), error: null },
      };
    case 'prompt-type':
    case 'prompt-erase': {
      if (state.prompt === null) return state;
      const text = action.type === 'prompt-type'
        ? state.prompt.text + action.text
        : state.prompt.text.slice(0, -1);
      return { ...state, prompt: { text, error: null } };
    }
    case 'prompt-submit':
      return submit(state);
    case 'prompt-cancel':
      return { ...state, prompt: null };
    case 'stopping':
      return { ...state, stopping: true };
  }
}

function move(state: DashState, delta: number, count: number | null) {
  const clamp = (row: number) => {
    const high = count === null ? Number.MAX_SAFE_INTEGER : count - 1;
    return Math.max(0, Math.min(high, row));
  };

  if (state.view === 'overview') {
    const sweepRow = clamp(state.sweepRow + delta);
    return sweepRow === state.sweepRow
      ? state
      : reduce(state, { type: 'select-sweep', row: sweepRow });
  }
  if (state.view === 'table') {
    return { ...state, tableRow: clamp(state.tableRow + delta) };
  }
  if (state.view === 'failures') {
    return { ...state, failureRow: clamp(state.failureRow + delta) };
  }

  return state;
}

function submit(state: DashState): DashState {
  if (state.prompt === null) return state;

  const parsed = parseFilter(state.prompt.text);
  if (!parsed.ok) {
    return { ...state, prompt: { ...state.prompt, error: parsed.message } };
  }

  return { ...state, prompt: null, filters: parsed.terms, tableRow: 0 };
}
