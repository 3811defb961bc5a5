/**
 * Mounting the dashboard on a terminal: for `sharpsweep dash`, and for
 * `sharpsweep run`, which embeds it while its workers compute.
 */
import { render, renderToString } from 'ink';

import { Dashboard } from './components/dashboard.js';
import { SweepBlock } from './components/overview.js';
import type { ProgressFeed } from './feed.js';
import { RateTracker } from './progress.js';
import { createSource } from './source.js';
import type { SweepInfo } from './types.js';

export interface DashboardOptions {
  dbPath: string;
  /** Preselect this sweep. */
  sweep?: string;
  /**
   * q or Ctrl-C during a run: the first press asks for a graceful stop
   * (the dashboard says it waits for trials in flight)…
   */
  onStop?: () => void;
  /** …and a second Ctrl-C asks to quit now. */
  onForceStop?: () => void;
  /**
   * Given by the run that embeds the dashboard: its progress in memory.
   * The dashboard then redraws about twice a second, reads the database
   * less often and starts its data thread only for views that need one,
   * leaving the cores to the run's workers.
   */
  feed?: ProgressFeed;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface DashboardHandle {
  /** Resolves once the dashboard is gone (quit, or `unmount`). */
  waitUntilExit(): Promise<void>;
  unmount(): void;
  /**
   * The end of the embedding run: takes the dashboard down at once and,
   * on a terminal, leaves the run's sweep as the overview last showed it
   * (read afresh, so at 100 %) as the terminal's last output. Resolves
   * once the terminal is handed back.
   */
  finish(): Promise<void>;
}

/** The alternate screen keeps the user's scrollback as it was. */
const ENTER_ALT_SCREEN = '\u001b[?1049h';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

/*
 * Inside a run the overview redraws once a second (EMBEDDED_FEED_MS),
 * when the run's progress moved or the clock did: each frame costs the
 * main thread milliseconds of layout and text measuring that it would
 * otherwise spend feeding the workers. Views the user opens refresh at
 * their own rate. Ink's own frame cap stays at its default (30 per second), which
 * only merges bursts: a lower cap leaves a throttle timer pending after
 * the last frame, and the process would wait for it before exiting.
 */
/** Database reads of the counters inside a run (the feed is fresher). */
const EMBEDDED_POLL_MS = 2_000;
const EMBEDDED_FEED_MS = 1_000;

/*
 * LIMITATION: inside a run whose workers fill every core, loading the
 * dashboard and drawing its frames take CPU time from them: lost in the
 * noise on a 12-s sweep (bench section 5), but a sweep of a few seconds
 * pays the one-off start-up (about 0.1–0.2 s) in a larger share.
 */
export function startDashboard(options: DashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const embedded = options.feed !== undefined;
  const source = createSource(options.dbPath, { embedded });
  const fullScreen = stdout.isTTY === true;
  let shown: SweepInfo[] = [];

  if (fullScreen) stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    <Dashboard
      source={source}
      sweep={options.sweep}
      onStop={options.onStop}
      onForceStop={options.onForceStop}
      feed={options.feed}
      {...(embedded
        ? { pollMs: EMBEDDED_POLL_MS, feedMs: EMBEDDED_FEED_MS }
        : {})}
      onSweeps={(sweeps) => {
        shown = sweeps;
      }}
    />,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: true,
    },
  );

  let finished = false;
  let lastWords = '';
  const finish = () => {
    if (finished) return;
    finished = true;
    source.close();
    if (fullScreen) stdout.write(LEAVE_ALT_SCREEN + lastWords);
  };
  const exited = instance.waitUntilExit().then(finish, (error: unknown) => {
    finish();
    throw error;
  });

  return {
    waitUntilExit: () => exited.then(() => undefined),
    unmount() {
      instance.unmount();
    },
    async finish() {
      // The run has stored everything by now: the database is final.
      const fresh = await source.call('sweeps');
      const final = (fresh.ok ? fresh.value : shown)
        .find((s) => s.name === options.sweep);
      if (final !== undefined) {
        const width = stdout.columns || 80;
        lastWords = renderToString(
          <SweepBlock sweep={final} isSelected={false}
            rates={new RateTracker()} now={Date.now()} width={width} />,
          { columns: width },
        ) + '\n';
      }
      instance.unmount();
      await exited;
    },
  };
}
