/**
 * The built `sharpsweep dash` in a real pseudo-terminal (tmux, 80×24)
 * while this test writes to its database, as a run would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { workerSource } from '../../src/dash/source.js';
import {
  addRun,
  addSweep,
  addTrials,
  createDatabase,
  eventually,
  repoRoot,
  tempDatabase,
  type TempDb,
  type Trial,
} from './helpers.js';
import { Tmux } from './tmux.js';

const cliMain = join(repoRoot, 'dist/src/cli/main.js');
const builtWorker = join(repoRoot, 'dist/src/dash/data-worker.js');

/** Why the end-to-end tests cannot run here, if they cannot. */
function missingPrerequisite(): string | null {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    return 'tmux is not installed (apt-get install -y tmux)';
  }
  if (!existsSync(cliMain) || !existsSync(builtWorker)) {
    return 'the CLI is not built (npx tsc -p .)';
  }

  return null;
}

function dashRegistered(): boolean {
  const help = spawnSync(process.execPath, [cliMain, '--help'],
    { encoding: 'utf8' });
  return /^\s+dash\s/m.test(help.stdout);
}

/** Ratios on both sides of 1, outcomes as linear stability predicts… */
function batch(index: number): Trial[] {
  return [0.5, 0.8, 1.2, 2].flatMap((ratio) => [2, 3].map((depth) => ({
    key: `e${index}-${ratio}-${depth}`,
    depth,
    stepRatio: ratio,
    // …except one trial at ρ = 0.8, depth 3, that left anyway.
    outcome: ratio > 1 || (index === 0 && ratio === 0.8 && depth === 3)
      ? 'escaped' : 'stayed',
  })));
}

const BATCHES = 6;
const TOTAL = BATCHES * 8;

describe('sharpsweep dash in a terminal', () => {
  let temp: TempDb;
  let tmux: Tmux;

  beforeAll(() => {
    const missing = missingPrerequisite();
    // CI installs tmux and builds first; a missing piece is a failure.
    if (missing !== null) throw new Error(`cannot run: ${missing}`);
    temp = tempDatabase();
    tmux = new Tmux(join(temp.path, '..'), 80, 24);
  });
  afterAll(() => {
    tmux?.close();
    temp?.dispose();
  });

  it('is a command of the CLI', () => {
    expect(dashRegistered(),
      '`dash` is not listed by `sharpsweep --help`: register dashCommand ' +
      'in src/cli/commands/index.ts').toBe(true);
  });

  it('waits for the database, follows a writer to the end, draws the ' +
    'phase map, survives a resize and quits on q', async () => {
    // The file appears only after the dashboard has started.
    const dbPath = join(temp.path, '..', 'live.sqlite');
    const args = dashRegistered()
      ? [cliMain, 'dash', '--db', dbPath]
      : ['--input-type=module', '-e',
        `const { dashCommand: c } = await import(${JSON.stringify(
          join(repoRoot, 'dist/src/cli/commands/dash.js'))});` +
        'process.exitCode = await c.run(process.argv.slice(1));',
        '--', '--db', dbPath];
    tmux.start([process.execPath, ...args]);

    await tmux.until(/waiting for database…/, 'the waiting notice');

    // The writer: schema, sweep and run, then trials in batches.
    const db = createDatabase(dbPath);
    try {
      const sweep = addSweep(db, 'e2e', { total: TOTAL });
      const started = new Date().toISOString();
      addRun(db, sweep, {
        status: 'running', workers: 2, busy: 2, completed: 0, rate: null,
        startedAt: started, heartbeatAt: started,
      });
      await tmux.until(/0\/48/, 'the empty sweep');
      for (let i = 0; i < BATCHES; i++) {
        addTrials(db, sweep, batch(i));
        db.prepare('UPDATE runs SET heartbeat_at = ?, completed = ?')
          .run(new Date().toISOString(), (i + 1) * 8);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    } finally {
      db.close();
    }

    const done = await tmux.until(/48\/48\s+100\.0%/, 'the finished sweep');
    expectLegible(done, 80, 24);

    tmux.keys('Tab');
    const phase = await tmux.until(/rows: depth/, 'the phase map');
    expectLegible(phase, 80, 24);
    const header = phase.split('\n').find((line) => line.startsWith('ρ'))!;
    expect(header.replace(/\s+/g, ' ').trim()).toBe('ρ 0.5 0.8 │ 1.2 2');
    const row = (label: string) => phase.split('\n')
      .find((line) => line.startsWith(`${label} `))!
      .replace(/\s*│\s*/, ' │ ').replace(/\s+/g, ' ').trim();
    expect(row('2')).toBe('2 0% 0% │ 100% 100%');
    // One of six left at ρ = 0.8: 17%, against linear stability.
    expect(row('3')).toBe('3 0% 17%! │ 100% 100%');

    tmux.resize(100, 30);
    tmux.keys('BTab');
    // The bar grows with the terminal: the layout followed the resize.
    const wide = await tmux.until(/^ +█{60,}.*48\/48/m,
      'the overview at 100 columns');
    expectLegible(wide, 100, 30);
    const bar = wide.split('\n').find((line) => line.includes('48/48'))!;
    expect(bar.length).toBeGreaterThan(80);

    // Two keys in one send reach the program as one input ("\t\t"):
    // both count, overview → phase map → landing.
    tmux.keys('Tab', 'Tab');
    // (Its trials have no landing ratio stored.)
    await tmux.until(/No escaped trials with a landing ratio yet/,
      'the landing view after two tabs sent together');

    tmux.keys('q');
    await eventually(() => tmux.exitCode() === 0, 5000, 'exit code 0');
  });

  it('answers the same from the worker thread as on this one', async () => {
    const { inlineSource } = await import('../../src/dash/source.js');
    const db = tempDatabase();
    try {
      const sweep = addSweep(db.db, 'w', { total: 16 });
      addTrials(db.db, sweep, [...batch(0), ...batch(1)]);
      const { pathToFileURL } = await import('node:url');
      const worker = workerSource(db.path, pathToFileURL(builtWorker));
      const inline = inlineSource(db.path);
      try {
        for (const call of [
          () => ['sweeps'] as const,
          () => ['phase', sweep, 'depth', 8] as const,
        ]) {
          const [method, ...args] = call();
          const a = await (worker.call as Function)(method, ...args);
          const b = await (inline.call as Function)(method, ...args);
          expect(a.ok).toBe(true);
          expect(a.value).toEqual(b.value);
        }
      } finally {
        worker.close();
        inline.close();
      }
    } finally {
      db.dispose();
    }
  });
});

/** Fits the terminal: no line wider, and the tab line still on top. */
function expectLegible(screen: string, columns: number, rows: number) {
  const lines = screen.replace(/\n+$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  expect(lines[0]).toMatch(/^sharpsweep /);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
}
