import './no-ci.js';

import { copyFileSync, rmSync } from 'node:fs';

import { render as renderInk } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';

import { formatDuration } from '../../src/cli/format.js';
import { Dashboard } from '../../src/dash/components/dashboard.js';
import { inlineSource, type DashSource } from '../../src/dash/source.js';
import { FakeStdin, FakeStdout } from './fake-terminal.js';
import {
  addRun,
  addSweep,
  addTrials,
  eventually,
  seeded,
  tempDatabase,
  type TempDb,
  type Trial,
} from './helpers.js';

const TAB = '\t';
const SHIFT_TAB = '\u001b[Z';
const ENTER = '\r';
const CTRL_C = '\u0003';

let temp: TempDb | null = null;
let source: DashSource | null = null;
let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
  source?.close();
  source = null;
  temp?.dispose();
  temp = null;
});

type Props = Partial<Parameters<typeof Dashboard>[0]>;

function mount(path: string, props: Props = {}) {
  const own = inlineSource(path);
  const app = render(<Dashboard source={own} pollMs={50} {...props} />);
  cleanup.push(() => {
    app.unmount();
    own.close();
  });
  const frame = () => app.lastFrame() ?? '';
  const until = (text: string | RegExp) =>
    eventually(() => {
      const current = frame();
      return (typeof text === 'string' ? current.includes(text)
        : text.test(current)) && current;
    }, 3000, () => `${String(text)}; last frame:\n${frame()}`);
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key);
      // Let Ink parse the key and React commit the new state.
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  };
  return { app, frame, until, press };
}

const OUTCOMES = ['stayed', 'escaped', 'diverged', 'unconverged', 'failed'];

/** Seeded trials: depths 2–4, a ratio grid that includes 1. */
function grid(count: number, seed: number): Trial[] {
  const random = seeded(seed);
  const ratios = [0.5, 0.9, 1, 1.2, 2];
  return Array.from({ length: count }, (_, i) => ({
    key: `t${String(i).padStart(4, '0')}`,
    depth: 2 + Math.floor(random() * 3),
    stepRatio: ratios[Math.floor(random() * ratios.length)],
    outcome: OUTCOMES[Math.floor(random() * OUTCOMES.length)],
    sharpness: 1 + random(),
  }));
}

describe('the overview', () => {
  it('shows progress, counters, workers, speed and ETA of a run', async () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'alpha', { total: 120, done: 30,
      failed: 3 });
    const now = Date.now();
    addRun(temp.db, sweep, {
      status: 'running', workers: 4, busy: 2, completed: 30, rate: 1.5,
      startedAt: new Date(now - 60_000).toISOString(),
      heartbeatAt: new Date(now).toISOString(),
    });
    const stale = addSweep(temp.db, 'beta', { total: 10, done: 10 });
    addRun(temp.db, stale, {
      status: 'running', workers: 2, busy: 0, completed: 10, rate: null,
      startedAt: new Date(now - 600_000).toISOString(),
      heartbeatAt: new Date(now - 60_000).toISOString(),
    });

    const { until } = mount(temp.path);
    const frame = await until('beta');
    const lines = frame.split('\n');
    const bar = lines.find((line) => line.includes('30/120'))!;
    expect(bar).toContain('25.0%');
    expect(bar).toContain('failed 3');
    const filled = (bar.match(/█/g) ?? []).length;
    const empty = (bar.match(/░/g) ?? []).length;
    expect(Math.abs(filled / (filled + empty) - 30 / 120))
      .toBeLessThanOrEqual(0.5 / (filled + empty));

    expect(frame).toContain('busy 2/4 workers');
    expect(frame).toMatch(/alpha\s+running/);
    // 90 trials left at 1.5 per second.
    expect(frame).toContain(`1.50 trials/s`);
    expect(frame).toContain(`ETA ${formatDuration(90 / 1.5)}`);
    // No heartbeat for a minute: the second run is not trusted.
    expect(frame).toMatch(/beta\s+stale/);
    const betaBar = lines.find((line) => line.includes('10/10'))!;
    expect(betaBar).toContain('100.0%');
    expect(betaBar).not.toContain('░');
  });

  it('preselects the sweep named on the command line', async () => {
    temp = tempDatabase();
    for (const name of ['first', 'second', 'third']) {
      addSweep(temp.db, name, { total: 1 });
    }
    const chosen = mount(temp.path, { sweep: 'second' });
    await chosen.until('▶ second');
    expect(chosen.frame().split('\n')[0]).toMatch(/sweep second$/);
    chosen.app.unmount();

    const unknown = mount(temp.path, { sweep: 'fourth' });
    await unknown.until('no sweep named "fourth"');
    expect(unknown.frame()).toContain('▶ first');
  });

  it('waits for a database that does not exist yet', async () => {
    temp = tempDatabase();
    const later = `${temp.path}.later`;
    const { until } = mount(later);
    await until('waiting for database…');

    // The writer arrives: a complete database appears at the path.
    temp.db.close();
    copyFileSync(temp.path, later);
    cleanup.push(() => rmSync(later, { force: true }));
    await until('No sweeps in this database yet.');
  });
});

/** Cells of a phase-map row: percent and marker, per column. */
function cellsOf(line: string): Array<{ percent: number; mark: boolean }> {
  return [...line.matchAll(/(\d+)%(!?)/g)].map((m) => ({
    percent: Number(m[1]),
    mark: m[2] === '!',
  }));
}

describe('the phase map', () => {
  it('shows the escape fraction per depth and ratio, and flags what ' +
    'linear stability does not predict', async () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'grid', { total: 300 });
    const trials = grid(300, 11);
    addTrials(temp.db, sweep, trials);

    const { until, press } = mount(temp.path);
    await until('▶ grid');
    await press(TAB);
    const frame = await until('rows: depth');
    const lines = frame.split('\n');

    const header = lines.find((line) => line.startsWith('ρ'))!;
    expect(header.replace(/\s+/g, ' ').trim()).toBe('ρ 0.5 0.9 1 │ 1.2 2');
    const ratios = [0.5, 0.9, 1, 1.2, 2];
    for (const depth of [2, 3, 4]) {
      const line = lines.find((l) => l.startsWith(`${depth} `))!;
      const [stable] = line.split('│');
      const cells = cellsOf(line);
      expect(cellsOf(stable)).toHaveLength(3);
      ratios.forEach((ratio, i) => {
        const here = trials.filter((t) => t.depth === depth &&
          t.stepRatio === ratio && t.outcome !== 'failed');
        const left = here.filter((t) =>
          t.outcome === 'escaped' || t.outcome === 'diverged').length;
        const stayed = here.filter((t) => t.outcome === 'stayed').length;
        expect(cells[i].percent, `depth ${depth} ρ ${ratio}`)
          .toBe(Math.round((100 * left) / here.length));
        expect(cells[i].mark, `depth ${depth} ρ ${ratio}`)
          .toBe(ratio > 1 ? stayed > 0 : left > 0);
      });
    }

    await press('a');
    await until('rows: width');
  });

  it('marks nothing when every trial follows linear stability', async () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'clean', { total: 40 });
    addTrials(temp.db, sweep, grid(40, 12).map((t) => ({
      ...t,
      outcome: t.stepRatio! > 1 ? 'escaped' : 'stayed',
    })));

    const { until, press } = mount(temp.path);
    await until('▶ clean');
    await press(TAB);
    const frame = await until('rows: depth');
    const rows = frame.split('\n').filter((l) => /^(\d|all) /.test(l));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const [stable, unstable] = row.split('│');
      expect(cellsOf(stable).every((c) => c.percent === 0 && !c.mark))
        .toBe(true);
      expect(cellsOf(unstable).every((c) => c.percent === 100 && !c.mark))
        .toBe(true);
    }
  });
});

describe('keys', () => {
  async function tableOf(trials: Trial[]) {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'keys', { total: trials.length });
    addTrials(temp.db, sweep, trials);
    const view = mount(temp.path);
    await view.until('▶ keys');
    await view.press(TAB, TAB, TAB);
    await view.until(/▶ t\d{4}/);
    return view;
  }
  const selectedKey = (frame: string) =>
    /▶ (\S+)/.exec(frame)?.[1].replace('…', '');

  it('tab and shift-tab move between views', async () => {
    temp = tempDatabase();
    addSweep(temp.db, 'views', { total: 1 });
    const { until, press } = mount(temp.path);
    await until('▶ views');
    await press(TAB);
    await until('No trials with a step ratio yet.');
    await press(SHIFT_TAB, SHIFT_TAB);
    await until('No failed trials in views.');
  });

  it('j and k move the selected row of the table', async () => {
    const trials = grid(30, 13);
    const { until, press, frame } = await tableOf(trials);
    // Default order: step ratio, then key.
    const order = [...trials].sort((a, b) =>
      a.stepRatio! - b.stepRatio! || (a.key < b.key ? -1 : 1));

    await until(`▶ ${order[0].key}`);
    await press('j', 'j');
    await until(`▶ ${order[2].key}`);
    await press('k');
    await until(`▶ ${order[1].key}`);
    expect(selectedKey(frame())).toBe(order[1].key);
  });

  it('/ filters the rows', async () => {
    const trials = grid(60, 14);
    const { until, press, frame } = await tableOf(trials);
    const escaped = trials.filter((t) => t.outcome === 'escaped');

    await press('/', ...'outcome=escaped'.split(''), ENTER);
    await until(`of ${escaped.length} `);
    const rows = frame().split('\n').filter((l) => /^[▶ ] t\d{4}/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes(' escaped '))).toBe(true);

    // The prompt opens with the current filter, ready to extend.
    await press('/', ...' depth=x'.split(''), ENTER);
    await until('depth is a number');
  });

  it('? shows the help and any key closes it', async () => {
    temp = tempDatabase();
    addSweep(temp.db, 'help', { total: 1 });
    const { until, press, frame } = mount(temp.path);
    await until('▶ help');
    await press('?');
    await until('Keys');
    expect(frame()).toContain('filter trials');
    await press('x');
    await until('1 sweep');
    expect(frame()).not.toContain('filter trials');
  });

  it('q asks a run to stop gently, a second Ctrl-C forcefully', async () => {
    temp = tempDatabase();
    addSweep(temp.db, 'run', { total: 1 });
    const calls: string[] = [];
    const { until, press } = mount(temp.path, {
      onStop: () => calls.push('stop'),
      onForceStop: () => calls.push('force'),
    });
    await until('▶ run');
    await press('q');
    await until('stopping… waiting for trials in flight');
    await press('q');
    expect(calls).toEqual(['stop']);
    await press(CTRL_C);
    expect(calls).toEqual(['stop', 'force']);
  });
});

// A terminal multiplexer or a paste sends several keys in one write; Ink
// hands a run of plain characters over as one input.
describe('keys sent together', () => {
  async function tableOf(trials: Trial[], props: Props = {}) {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'together', { total: trials.length });
    addSweep(temp.db, 'other', { total: 1 });
    addTrials(temp.db, sweep, trials);
    const view = mount(temp.path, props);
    await view.until('▶ together');
    return view;
  }
  const selectedKey = (frame: string) =>
    /▶ (\S+)/.exec(frame)?.[1].replace('…', '');
  const byRatio = (trials: Trial[]) => [...trials].sort((a, b) =>
    a.stepRatio! - b.stepRatio! || (a.key < b.key ? -1 : 1));

  it('two tabs in one write move two views', async () => {
    temp = tempDatabase();
    addSweep(temp.db, 'tabs', { total: 1 });
    const { until, press } = mount(temp.path);
    await until('▶ tabs');
    await press('\t\t');
    await until('No escaped trials with a landing ratio yet.');
  });

  it('keys after a tab reach the view the tab opened', async () => {
    const trials = grid(20, 21);
    const order = byRatio(trials);
    const { until, press, frame } = await tableOf(trials);
    // In the overview, j would select the sweep "other".
    await press('\t\t\tjj');
    await until(`▶ ${order[2].key}`);
    expect(selectedKey(frame())).toBe(order[2].key);
    expect(frame().split('\n')[0]).toMatch(/sweep together$/);
  });

  it('arrows sent together still move one row each', async () => {
    const trials = grid(20, 22);
    const order = byRatio(trials);
    const { until, press } = await tableOf(trials);
    await press('\t\t\t');
    await until(`▶ ${order[0].key}`);
    await press('\u001b[B\u001b[B\u001b[B');
    await until(`▶ ${order[3].key}`);
  });

  it('erases two characters with two backspaces in one write, and applies '
    + 'a filter that ends in a newline', async () => {
    const trials = grid(60, 23);
    const escaped = trials.filter((t) => t.outcome === 'escaped');
    const { until, press, frame } = await tableOf(trials);
    await press('\t\t\t');
    await until(/▶ t\d{4}/);

    await press('/', 'outcome=escapedxx');
    await until('outcome=escapedxx');
    await press('\u007f\u007f');
    await until(/outcome=escaped(?!x)/);
    await press('\r');
    await until(`of ${escaped.length} `);
    const rows = frame().split('\n').filter((l) => /^[▶ ] t\d{4}/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.includes(' escaped '))).toBe(true);

    // Opening the prompt, typing and Enter in one write; the prompt
    // opens with the current filter, and the newline applies the whole.
    const stayed = trials.filter((t) => t.outcome === 'stayed');
    await press('/\u007f\u007f\u007f\u007f\u007f\u007f\u007fstayed\n');
    await until(`of ${stayed.length} `);
    expect(frame().split('\n').filter((l) => /^[▶ ] t\d{4}/.test(l))
      .every((row) => row.includes(' stayed '))).toBe(true);
  });

  it('reads Ctrl-C inside a write', async () => {
    const calls: string[] = [];
    const { press } = await tableOf(grid(5, 24), {
      onStop: () => calls.push('stop'),
      onForceStop: () => calls.push('force'),
    });
    // The first asks for a gentle stop, the second for a forced one.
    await press('q\u0003');
    expect(calls).toEqual(['stop', 'force']);
  });
});

describe('the trial detail', () => {
  it('is reached with enter and esc leads back', async () => {
    const trials = grid(10, 15);
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'detail', { total: 10 });
    addTrials(temp.db, sweep, trials);
    const { until, press } = mount(temp.path);
    await until('▶ detail');
    await press(TAB, TAB, TAB);
    await until(/▶ t\d{4}/);
    await press(ENTER);
    await until('(esc: back)');
    await press('\u001b');
    await until('sort step_ratio');
  });
});

describe('the phase map at 80 columns', () => {
  it('labels a column that merges ratios with the range it covers, and '
    + 'keeps ρ = 1 marked', async () => {
    temp = tempDatabase();
    // The default sweep's eleven ratios; nine columns fit in 80.
    const ratios = [0.5, 0.8, 0.9, 0.95, 0.99, 1.01, 1.05, 1.1, 1.2, 1.4,
      1.6];
    const sweep = addSweep(temp.db, 'wide', { total: 220 });
    const trials: Trial[] = ratios.flatMap((ratio, r) =>
      Array.from({ length: 20 }, (_, i) => ({
        key: `w${r}-${i}`,
        depth: 2,
        stepRatio: ratio,
        // Ratio r: r of its 20 trials escape, so merged columns pool
        // fractions that differ.
        outcome: i < r ? 'escaped' : 'stayed',
      })));
    addTrials(temp.db, sweep, trials);
    source = inlineSource(temp.path);
    const stdout = new FakeStdout(80, 24);
    const stdin = new FakeStdin();
    const frames: string[] = [];
    stdout.write = (chunk: string) => {
      frames.push(chunk);
      return true;
    };
    const app = renderInk(<Dashboard source={source} pollMs={50} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    cleanup.push(() => app.unmount());
    const last = () => frames[frames.length - 1] ?? '';
    await eventually(() => last().includes('220/220'), 3000, 'first frame');
    stdin.press(TAB);
    await eventually(() => last().includes('rows: depth'), 3000,
      'the phase map');

    const lines = last().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const top = lines.findIndex((line) => line.startsWith('ρ'));
    const columnsOf = (line: string) => {
      const cells = line.slice(10).replace('│', '').match(/.{1,7}/g) ?? [];
      return cells.map((cell) => cell.trim());
    };
    const lows = columnsOf(lines[top]);
    const highs = columnsOf(lines[top + 1]);
    expect(lows).toHaveLength(9);
    // Every ratio is in exactly one column, and a column's label is the
    // range of the ratios it holds: each column's low end follows the
    // previous column's high end in the sweep's list.
    const covered: number[][] = lows.map((low, i) => {
      const high = (highs[i] ?? '') === '' ? low
        : highs[i].replace(/^–/, '');
      const from = ratios.indexOf(Number(low));
      const to = ratios.indexOf(Number(high));
      expect(from, `column ${i} starts at a ratio`).toBeGreaterThanOrEqual(0);
      expect(to, `column ${i} ends at a ratio`).toBeGreaterThanOrEqual(from);
      return ratios.slice(from, to + 1);
    });
    expect(covered.flat()).toEqual(ratios);
    // The line ρ = 1 follows the last column of ratios ≤ 1 (0.99), in
    // both header lines and in every row.
    const stableColumns = covered.filter((c) => c.every((r) => r <= 1));
    expect(stableColumns.flat()).toEqual(ratios.filter((r) => r <= 1));
    const at = 10 + 7 * stableColumns.length;
    for (const line of lines.slice(top, top + 4)) {
      expect(line.indexOf('│'), line).toBe(at);
    }
    // The "all" row pools each column's trials: r escapes out of 20 for
    // the ratio at index r.
    const all = lines.find((line) => line.startsWith('all '))!;
    const percents = cellsOf(all).map((c) => c.percent);
    covered.forEach((group, i) => {
      const left = group.reduce((sum, r) => sum + ratios.indexOf(r), 0);
      expect(percents[i], `column ${i}`)
        .toBe(Math.round((100 * left) / (20 * group.length)));
    });
  });
});

describe('the terminal size', () => {
  it('lays the screen out again after a resize', async () => {
    temp = tempDatabase();
    const sweep = addSweep(temp.db, 'resize', { total: 50 });
    addTrials(temp.db, sweep, grid(50, 16));
    source = inlineSource(temp.path);
    const stdout = new FakeStdout(80, 24);
    const stdin = new FakeStdin();
    const frames: string[] = [];
    stdout.write = (chunk: string) => {
      frames.push(chunk);
      return true;
    };
    const app = renderInk(<Dashboard source={source} pollMs={50} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    cleanup.push(() => app.unmount());
    const last = () => frames[frames.length - 1] ?? '';

    await eventually(() => last().includes('50/50'), 3000, 'first frame');
    const widths = (frame: string) => frame.split('\n').map((l) => l.length);
    expect(Math.max(...widths(last()))).toBeLessThanOrEqual(80);
    expect(last().split('\n').length).toBeLessThan(24);

    stdout.resize(50, 16);
    await eventually(() => {
      const frame = last();
      return frame.includes('50/50') &&
        Math.max(...widths(frame)) <= 50 && frame;
    }, 3000, 'a frame at 50 columns');
    expect(last().split('\n').length).toBeLessThan(16);
  });
});
