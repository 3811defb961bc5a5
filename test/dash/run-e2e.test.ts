/**
 * `sharpsweep run` on a terminal embeds the dashboard: it must show while
 * the workers compute, reach the end, and turn q into a graceful stop.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { eventually, repoRoot } from './helpers.js';
import { Tmux } from './tmux.js';

const cliMain = join(repoRoot, 'dist/src/cli/main.js');
const runBuilt = existsSync(cliMain) &&
  existsSync(join(repoRoot, 'dist/src/run/local.js'));
if (!runBuilt) {
  console.warn('run-e2e skipped: build the CLI and the local executor ' +
    'first (npx tsc -p .), dist/src/cli/main.js or dist/src/run/local.js ' +
    'is missing');
}

/** 2 depths × 2 widths × 2 ratios × 2 directions × `seeds` seeds. */
function sweepFile(dir: string, name: string, seeds: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`,
    `seeds: {from: 0, count: ${seeds}}`,
    'grid:',
    '  depth: [2, 4]',
    '  width: [1, 2]',
    '  stepRatio: [0.8, 1.3]',
    '  direction: [top, random]',
    '',
  ].join('\n'));

  return file;
}

function storedTrials(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM trial_results').get() as
      { n: number }).n;
  } finally {
    db.close();
  }
}

describe.skipIf(!runBuilt)('sharpsweep run with its dashboard', () => {
  let dir: string | null = null;
  let tmux: Tmux | null = null;
  afterEach(() => {
    tmux?.close();
    tmux = null;
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  function start(seeds: number): { dbPath: string; total: number } {
    if (spawnSync('tmux', ['-V']).status !== 0) {
      throw new Error('cannot run: tmux is not installed ' +
        '(apt-get install -y tmux)');
    }
    dir = mkdtempSync(join(tmpdir(), 'sharpsweep-run-dash-'));
    const dbPath = join(dir, 'run.sqlite');
    const file = sweepFile(dir, `e2e${seeds}`, seeds);
    tmux = new Tmux(dir, 80, 24);
    tmux.start([process.execPath, cliMain, 'run', file, '--db', dbPath,
      '--workers', '2']);

    return { dbPath, total: 16 * seeds };
  }

  it('shows the dashboard while the run computes and leaves its final '
    + 'frame on the terminal', async () => {
    // Long enough (seconds) for the dashboard to be seen while it runs.
    const { dbPath, total } = start(150);

    const screen = await tmux!.until(/e2e150 +running/,
      'the dashboard (a run without it fails here)', 60_000);
    expect(screen.split('\n')[0]).toMatch(/^sharpsweep +Overview/);

    await eventually(() => tmux!.exitCode() !== null, 60_000, 'the run end');
    expect(tmux!.exitCode()).toBe(0);
    expect(storedTrials(dbPath)).toBe(total);
    // Back on the normal screen: the sweep as the dashboard last drew it,
    // at 100 %, then the summary.
    const after = tmux!.screen();
    expect(after).not.toMatch(/^sharpsweep +Overview/);
    expect(after).toMatch(/^ +e2e150 +done$/m);
    expect(after).toMatch(new RegExp(`█ ${total}/${total}\\s+100\\.0%`));
    expect(after).not.toMatch(/░/);
  });

  it('turns q into a graceful stop that keeps what finished', async () => {
    const { dbPath, total } = start(200);

    await tmux!.until(/^sharpsweep +Overview/, 'the dashboard', 60_000);
    await tmux!.until(/ [1-9]\d*\/\d+ /, 'the first stored trials', 60_000);
    tmux!.keys('q');
    // The notice shows while trials in flight finish, which can be too
    // short to catch; the run then leaves its final frame, marked stopped.
    await tmux!.until(
      /stopping… waiting for trials in flight|e2e200 +stopped/,
      'the stop notice', 10_000);

    await eventually(() => tmux!.exitCode() !== null, 60_000, 'the stop');
    expect(tmux!.exitCode()).toBe(130);
    const after = tmux!.screen();
    expect(after).toMatch(/^ +e2e200 +stopped$/m);
    expect(after).toMatch(/Stopped with \d+\/\d+ trials stored/);
    const stored = storedTrials(dbPath);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(total);
  });
});
