import './no-ci.js';

import { Console } from 'node:console';

import { afterEach, describe, expect, it } from 'vitest';

import { ProgressFeed } from '../../src/dash/feed.js';
import { startDashboard } from '../../src/dash/start.js';
import { FakeStdin, FakeStdout } from './fake-terminal.js';
import { addRun, addSweep, eventually, tempDatabase, type TempDb } from './helpers.js';

// Vitest's console lacks the Console class that Ink's console patch (on,
// as in production) builds its replacement with.
(console as unknown as { Console: typeof Console }).Console ??= Console;

let temp: TempDb | null = null;
afterEach(() => {
  temp?.dispose();
  temp = null;
});

function terminal(isTTY = false) {
  const stdout = new FakeStdout(80, 24);
  stdout.isTTY = isTTY;
  const stdin = new FakeStdin();
  return {
    stdout,
    stdin,
    streams: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
    },
  };
}

/** Whether `promise` settles within `ms`. */
function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(() => true, () => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe('startDashboard', () => {
  it('quits on q when attached read-only', async () => {
    temp = tempDatabase();
    addSweep(temp.db, 'attached', { total: 3 });
    const { stdout, stdin, streams } = terminal();
    const dashboard = startDashboard({ dbPath: temp.path, ...streams });

    await eventually(() => stdout.written.includes('attached'), 3000,
      'the sweep on screen');
    stdin.press('q');
    expect(await settles(dashboard.waitUntilExit(), 1000)).toBe(true);
  });

  it('inside a run, asks to stop first and quits on a second Ctrl-C',
    async () => {
      temp = tempDatabase();
      addSweep(temp.db, 'running', { total: 3 });
      const { stdout, stdin, streams } = terminal();
      const calls: string[] = [];
      const dashboard = startDashboard({
        dbPath: temp.path,
        onStop: () => calls.push('stop'),
        onForceStop: () => calls.push('force'),
        ...streams,
      });
      const exited = dashboard.waitUntilExit();

      await eventually(() => stdout.written.includes('running'), 3000,
        'the sweep on screen');
      stdin.press('\u0003');
      await eventually(() => stdout.written.includes('stopping…'), 3000,
        'the stop notice');
      expect(calls).toEqual(['stop']);
      expect(await settles(exited, 200)).toBe(false);

      stdin.press('\u0003');
      expect(await settles(exited, 1000)).toBe(true);
      expect(calls).toEqual(['stop', 'force']);
    });

  it('can be taken down by the run that embeds it', async () => {
    temp = tempDatabase();
    const { stdout, streams } = terminal(true);
    const dashboard = startDashboard({ dbPath: temp.path, ...streams });
    await eventually(() => stdout.written.includes('No sweeps'), 3000,
      'a first frame');

    dashboard.unmount();
    expect(await settles(dashboard.waitUntilExit(), 1000)).toBe(true);
    // On a terminal it drew on the alternate screen and gave it back.
    expect(stdout.written.startsWith('\u001b[?1049h')).toBe(true);
    expect(stdout.written.endsWith('\u001b[?1049l')).toBe(true);
  });
});

describe('startDashboard inside a run', () => {
  it('shows the run\'s in-memory counters before the database has them',
    async () => {
      temp = tempDatabase();
      const id = addSweep(temp.db, 'fed', { total: 40, done: 3 });
      const now = new Date().toISOString();
      addRun(temp.db, id, { status: 'running', workers: 2, busy: 2,
        startedAt: now, heartbeatAt: now, completed: 3, rate: null });
      const { stdout, streams } = terminal();
      const feed = new ProgressFeed('fed');
      const dashboard = startDashboard({ dbPath: temp.path, sweep: 'fed',
        feed, ...streams });

      await eventually(() => /3\/40/.test(stdout.written), 3000,
        'the stored count');
      // 30 of 40 is 75 %: a figure no stored counter gives.
      feed.set({ total: 40, done: 30, failed: 1, completedThisRun: 30,
        rate: 12, busy: 2, workers: 2 });
      await eventually(() => /30\/40\s+75\.0%/.test(stdout.written), 3000,
        'the fed count');
      dashboard.unmount();
      await dashboard.waitUntilExit();
    });

  it('finishes without a pause and leaves the final frame on the '
    + 'terminal', async () => {
    temp = tempDatabase();
    const id = addSweep(temp.db, 'ended', { total: 8, done: 8 });
    const then = new Date(Date.now() - 4000).toISOString();
    addRun(temp.db, id, { status: 'done', workers: 2, busy: 0,
      startedAt: then, heartbeatAt: then, completed: 8, rate: 2 });
    const { stdout, streams } = terminal(true);
    const dashboard = startDashboard({ dbPath: temp.path, sweep: 'ended',
      feed: new ProgressFeed('ended'), ...streams });
    await eventually(() => stdout.written.includes('ended'), 3000,
      'a first frame');

    expect(await settles(dashboard.finish(), 1000)).toBe(true);
    const leave = stdout.written.lastIndexOf('\u001b[?1049l');
    expect(leave).toBeGreaterThan(0);
    const last = stdout.written.slice(leave);
    expect(last).toMatch(/ended +done/);
    expect(last).toMatch(/8\/8\s+100\.0%/);
    // The overview's key hints belong to the live screen only.
    expect(last).not.toMatch(/select|quit/);
  });
});
