import { Box, useApp, useInput, type Key } from 'ink';
import { useEffect, useRef, useState, type Dispatch } from 'react';

import { withFeed, type FeedProgress, type ProgressFeed } from '../feed.js';
import { splitKeys, type KeyPress } from '../keys.js';

import { useDashState } from '../hooks/use-dash-state.js';
import { useListKeys } from '../hooks/use-list-keys.js';
import { useLive } from '../hooks/use-live.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTick } from '../hooks/use-tick.js';
import { ViewKeys, type KeyHandler } from '../hooks/use-view-keys.js';
import { RateTracker } from '../progress.js';
import type { DashSource } from '../source.js';
import type { Action, DashState } from '../state.js';
import type { SweepInfo } from '../types.js';
import { Failures } from './failures.js';
import { Header } from './header.js';
import { HelpOverlay } from './help-overlay.js';
import { LandingView } from './landing-view.js';
import { Overview, overviewLines } from './overview.js';
import { Pending } from './pending.js';
import { PhaseMap } from './phase-map.js';
import { ResultsTable } from './results-table.js';
import { StatusBar } from './status-bar.js';
import { TrialDetail } from './trial-detail.js';

export interface DashboardProps {
  source: DashSource;
  /** Preselect this sweep by name. */
  sweep?: string;
  /** Given when embedded in a run: q / Ctrl-C ask for a graceful stop. */
  onStop?: () => void;
  /** The second Ctrl-C of a run. */
  onForceStop?: () => void;
  /**
   * How often the sweep counters are read from the database; at least
   * twice a second when nothing else keeps them fresh.
   */
  pollMs?: number;
  /**
   * The embedding run's own progress, in memory: its sweep's counters
   * come from here, read every `feedMs`, and the database can be polled
   * less often.
   */
  feed?: ProgressFeed;
  feedMs?: number;
  /** Called with the sweeps as shown, after every change. */
  onSweeps?: (sweeps: SweepInfo[]) => void;
}

const HINTS = {
  overview: 'tab views · ↑↓ sweep · enter phase map · ? help · q quit',
  phase: 'tab views · a axis · j/k scroll · ? help · q quit',
  landing: 'tab views · ? help · q quit',
  table: 'tab views · ↑↓ row · enter detail · s/S sort · / filter · ? '
    + 'help',
  failures: 'tab views · ↑↓ row · enter detail · ? help · q quit',
  detail: 'esc back · tab views · ? help · q quit',
};

/** The whole screen: tabs, the current view, and a status line. */
export function Dashboard(props: DashboardProps) {
  const { source, pollMs = 400 } = props;
  const { exit } = useApp();
  const { columns: width, rows } = useTerminalSize();
  const [state, dispatch, latest] = useDashState();

  const sweepsLive = useLive(() => source.call('sweeps'), 'sweeps', 0,
    { everyMs: pollMs });
  const fed = useFeed(props.feed, props.feedMs ?? 500);
  const progress = fed?.progress ?? null;
  const sweeps = withFeed(sweepsLive.value ?? [], props.feed, progress);
  const onSweeps = props.onSweeps;
  useEffect(() => {
    onSweeps?.(sweeps);
  });
  const rates = useRef(new RateTracker()).current;
  useEffect(() => {
    for (const s of sweepsLive.value ?? []) rates.add(s.id, s.done, Date.now());
  }, [sweepsLive.value, rates]);
  useEffect(() => {
    for (const s of sweeps) rates.add(s.id, s.done, Date.now());
    // Only the in-memory counters are new here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fed]);
  const preselected = usePreselect(props.sweep, sweeps, dispatch);

  const sweep = sweeps[Math.min(state.sweepRow, sweeps.length - 1)] ?? null;
  const stopping = useRef(false);
  const interrupt = (hard: boolean) => {
    if (props.onStop === undefined) return exit();
    if (!stopping.current) {
      stopping.current = true;
      props.onStop();
      dispatch({ type: 'stopping' });
    } else if (hard) {
      props.onForceStop?.();
      exit();
    }
  };
  // Every input event is read here and split into its keys; each key
  // sees the state the previous one left (see useDashState). The views'
  // handlers are those of the last render, so once a key changes what is
  // on screen (view, detail, prompt, help), the keys after it wait for
  // the next render, which mounts the handlers meant for them.
  const viewKeys = useRef(new Set<{ current: KeyHandler }>()).current;
  const queue = useRef<KeyPress[]>([]);
  const rendered = screenOf(state);
  const renderedRef = useRef(rendered);
  renderedRef.current = rendered;
  const drain = () => {
    while (queue.current.length > 0) {
      const now = latest.current;
      if (screenOf(now) !== renderedRef.current) return;
      const { input, key } = queue.current.shift()!;
      if (key.ctrl && input === 'c') {
        interrupt(true);
      } else if (now.prompt !== null) {
        promptKey(input, key, dispatch);
      } else if (now.help) {
        dispatch({ type: 'help' });
      } else if (!globalKey(input, key, now, dispatch, interrupt)) {
        for (const handler of viewKeys) handler.current(input, key);
      }
    }
  };
  useEffect(drain);
  useInput((input, key) => {
    queue.current.push(...splitKeys(input, key));
    drain();
  });

  // One line of tabs, one of status, one spare so that Ink never sees a
  // frame as tall as the terminal (it would clear the screen each time).
  const height = Math.max(4, rows - 3);
  const viewActive = !state.help && state.prompt === null &&
    state.detail === null;
  const body = (() => {
    if (state.help) return <HelpOverlay width={width} />;
    if (sweepsLive.value === null || sweep === null) {
      return (
        <Pending live={sweepsLive} what="sweeps"
          empty={sweepsLive.value !== null}
          emptyText="No sweeps in this database yet." />
      );
    }
    const common = { source, sweep, width, height };
    if (state.detail !== null) {
      return <TrialDetail {...common} trialKey={state.detail} />;
    }
    switch (state.view) {
      case 'overview':
        return (
          <OverviewPane sweeps={sweeps} state={state} dispatch={dispatch}
            rates={rates} width={width} height={height} active={viewActive}
            clock={fed === null} />
        );
      case 'phase':
        return <PhaseMap {...common} axis={state.axis} active={viewActive} />;
      case 'landing':
        return <LandingView {...common} />;
      case 'table':
        return (
          <ResultsTable {...common} state={state} dispatch={dispatch}
            active={viewActive} />
        );
      case 'failures':
        return (
          <Failures {...common} selected={state.failureRow}
            dispatch={dispatch} active={viewActive} />
        );
    }
  })();

  // Inside a run, the overview takes the lines it needs and the status
  // line follows it: Ink builds every frame cell by cell, so a frame of a
  // few lines instead of the whole terminal costs the run's main thread
  // (which feeds its workers) several times less.
  const bodyHeight = props.feed !== undefined && viewActive &&
    state.view === 'overview' && sweepsLive.value !== null
    ? overviewLines(sweeps.length, height)
    : height;
  const problem = sweepsLive.error ?? sweepsLive.waiting ??
    (sweepsLive.value !== null && !preselected
      ? `no sweep named "${props.sweep}" here (yet)`
      : null);
  return (
    <ViewKeys.Provider value={viewKeys}>
      <Box flexDirection="column" width={width}>
        <Header view={state.view} sweep={sweep?.name ?? null} width={width} />
        <Box flexDirection="column" height={bodyHeight} overflow="hidden">
          {body}
        </Box>
        <StatusBar width={width} prompt={state.prompt}
          stopping={state.stopping}
          hints={HINTS[state.detail !== null ? 'detail' : state.view]}
          problem={problem === null ? null : `database: ${problem}`} />
      </Box>
    </ViewKeys.Provider>
  );
}

interface OverviewPaneProps {
  sweeps: SweepInfo[];
  state: DashState;
  dispatch: Dispatch<Action>;
  rates: RateTracker;
  width: number;
  height: number;
  active: boolean;
  /** Redraw every second for the clocks (off when the feed does it). */
  clock: boolean;
}

function OverviewPane(props: OverviewPaneProps) {
  const { sweeps, state, dispatch, active } = props;
  // Elapsed times and staleness move with the clock, not with the data.
  useTick(props.clock ? 1000 : null);
  useListKeys({
    dispatch,
    count: sweeps.length,
    pageSize: 1,
    active,
    onEnter: () => dispatch({ type: 'goto', view: 'phase' }),
  });

  return (
    <Overview sweeps={sweeps} selected={state.sweepRow} rates={props.rates}
      now={Date.now()} width={props.width} height={props.height} />
  );
}

/**
 * The run's progress as of the last look, checked every `everyMs`: a
 * redraw when it changed, and at least once a second for the clocks
 * (elapsed time, ETA). Inside a run this is the overview's only clock,
 * so counters and times move together in one redraw.
 */
function useFeed(
  feed: ProgressFeed | undefined,
  everyMs: number,
): { progress: FeedProgress | null } | null {
  const [seen, setSeen] = useState(() =>
    feed === undefined ? null : { progress: feed.get() });
  useEffect(() => {
    if (feed === undefined) return;
    let version = feed.version;
    let drawn = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (feed.version === version && now - drawn < 1000) return;
      version = feed.version;
      drawn = now;
      setSeen({ progress: feed.get() });
    }, everyMs);
    return () => clearInterval(timer);
  }, [feed, everyMs]);

  return seen;
}

/**
 * Selects the sweep named on the command line once it shows up; says
 * whether that has happened (always true without a name).
 */
function usePreselect(
  name: string | undefined,
  sweeps: SweepInfo[],
  dispatch: Dispatch<Action>,
): boolean {
  const done = useRef(name === undefined);
  const row = done.current ? -1 : sweeps.findIndex((s) => s.name === name);

  useEffect(() => {
    if (done.current || row < 0) return;
    done.current = true;
    dispatch({ type: 'select-sweep', row });
  }, [row, dispatch]);

  return done.current || row >= 0;
}

/** What is on screen, as far as which keys go where. */
function screenOf(state: DashState): string {
  return `${state.view}|${state.detail ?? ''}|${state.prompt !== null}|` +
    `${state.help}`;
}

/** The keys of every view; false when the key is left to the view. */
function globalKey(
  input: string,
  key: Key,
  state: DashState,
  dispatch: Dispatch<Action>,
  interrupt: (hard: boolean) => void,
): boolean {
  if (input === 'q') interrupt(false);
  else if (input === '?') dispatch({ type: 'help' });
  else if (key.tab) dispatch({ type: 'view', step: key.shift ? -1 : 1 });
  else if (input === '/') dispatch({ type: 'prompt-open' });
  else if (state.detail !== null && (key.escape || key.backspace)) {
    dispatch({ type: 'back' });
  } else if (state.view === 'phase' && input === 'a') {
    dispatch({ type: 'axis' });
  } else if (state.view === 'table' && state.detail === null &&
    (input === 's' || input === 'S')) {
    dispatch({ type: input === 's' ? 'sort' : 'flip' });
  } else {
    return false;
  }

  return true;
}

function promptKey(input: string, key: Key, dispatch: Dispatch<Action>) {
  if (key.return) dispatch({ type: 'prompt-submit' });
  else if (key.escape) dispatch({ type: 'prompt-cancel' });
  else if (key.backspace || key.delete) dispatch({ type: 'prompt-erase' });
  else if (input !== '' && !key.ctrl && !key.meta) {
    // Keys arrive one by one (a Tab is typed as a space).
    dispatch({ type: 'prompt-type', text: input.replace(/[\r\n\t]/g, ' ') });
  }
}
