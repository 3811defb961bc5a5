/**
 * Mounting the dashboard on a terminal: for `sharpsweep dash`, and for
 * `sharpsweep run`, which embeds it while its workers compute.
 */
import { render } from 'ink';

import { Dashboard } from './components/dashboard.js';
import { createSource } from './source.js';

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
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface DashboardHandle {
  /** Resolves once the dashboard is gone (quit, or `unmount`). */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

/** The alternate screen keeps the user's scrollback as it was. */
const ENTER_ALT_SCREEN = '\u001b[?1049h';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export function startDashboard(options: DashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const source = createSource(options.dbPath);
  const fullScreen = stdout.isTTY === true;

  if (fullScreen) stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    <Dashboard
      source={source}
      sweep={options.sweep}
      onStop={options.onStop}
      onForceStop={options.onForceStop}
    />,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
  );

  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    source.close();
    if (fullScreen) stdout.write(LEAVE_ALT_SCREEN);
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
  };
}
