/**
 * Figure 5: dashboard overhead. The same sweep through `run` in a tmux
 * pseudo-terminal with the dashboard, and with `--no-tui`, both in tmux
 * so the terminal is the only difference. The two modes alternate, and
 * which goes first alternates from round to round, so a burst of outside
 * load or a warming disk cache hits both alike. Measured only when
 * src/dash exports `startDashboard` and `run` uses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import Database from 'better-sqlite3';

import type { BenchContext } from './context.js';
import { CLI } from './escape-trial.js';
import { ROOT } from './python.js';
import { section, type Section } from './report.js';
import { fmt, fmtRatio, median, spread } from './stats.js';

const DASH = join(ROOT, 'dist', 'src', 'dash', 'start.js');
const RUN = join(ROOT, 'dist', 'src', 'cli', 'commands', 'run.js');
const sweepFile = (quick: boolean) =>
  join(ROOT, 'bench', 'sweeps', `dashboard${quick ? '-small' : ''}.yaml`);

/** Both conditions of the brief: exported, and used by `run`. */
export function dashboardWired(): boolean {
  if (!existsSync(DASH) || !existsSync(RUN)) return false;
  const exported = /export function startDashboard\b/.test(
    readFileSync(DASH, 'utf8'),
  );

  return exported && readFileSync(RUN, 'utf8').includes('startDashboard');
}

const tmux = (...args: string[]) =>
  spawnSync('tmux', args, { encoding: 'utf8' });

function sweepComplete(db: string): boolean {
  if (!existsSync(db)) return false;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const row = conn
        .prepare('SELECT total, done FROM sweeps LIMIT 1')
        .get() as { total: number; done: number } | undefined;
      return row !== undefined && row.done >= row.total;
    } finally {
      conn.close();
    }
  } catch {
    return false; // not created or migrated yet
  }
}

/**
 * Runs `run` in a detached 160×48 tmux session and returns the seconds
 * until it exited, and whether it had to be told to quit (`q`) after
 * the sweep was complete. Its standard error goes to a file, quoted when
 * the run fails (tmux drops the pane, and with it the message).
 */
async function runInTmux(
  ctx: BenchContext,
  tag: string,
  extra: string[],
): Promise<{ seconds: number; cpuSeconds: number; pressedQuit: boolean }> {
  const db = join(ctx.tmp, `dash-${tag}.sqlite`);
  const marker = join(ctx.tmp, `dash-${tag}.exit`);
  const log = join(ctx.tmp, `dash-${tag}.err`);
  const session = `sharpsweep-bench-${process.pid}-${tag}`;
  const cpu = join(ctx.tmp, `dash-${tag}.cpu`);
  // bash's `time` gives the CPU seconds too (user + system, every thread):
  // a figure that outside load disturbs far less than wall time.
  const command = [
    'start=$(date +%s.%N);',
    `TIMEFORMAT='%U %S'; { time '${process.execPath}' '${CLI}' run`,
    `'${sweepFile(ctx.quick)}' --db '${db}' ${extra.join(' ')}`,
    `2> '${log}'; } 2> '${cpu}';`,
    `echo "$? $start $(date +%s.%N)" > '${marker}'`,
  ].join(' ');
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '48',
    `bash -c ${shellQuote(command)}`);

  let pressedQuit = false;
  let completeSince: number | null = null;
  const deadline = Date.now() + 300_000;
  while (!existsSync(marker) && Date.now() < deadline) {
    await sleep(100);
    if (completeSince === null && sweepComplete(db)) completeSince = Date.now();
    if (completeSince !== null && Date.now() - completeSince > 5_000) {
      // The dashboard stays up after the sweep: ask it to quit.
      tmux('send-keys', '-t', session, 'q');
      pressedQuit = true;
      completeSince = Date.now();
    }
  }
  tmux('kill-session', '-t', session);
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(db + suffix, { force: true });
  }
  const errors = existsSync(log) ? readFileSync(log, 'utf8').trim() : '';
  rmSync(log, { force: true });
  if (!existsSync(marker)) throw new Error(`${tag}: no exit within 300 s`);
  const [code, start, end] = readFileSync(marker, 'utf8').trim().split(' ');
  rmSync(marker);
  if (code !== '0') {
    throw new Error(`${tag}: run exited ${code}: ${errors.slice(-2000)}`);
  }

  const [user, system] = readFileSync(cpu, 'utf8').trim().split(' ');
  rmSync(cpu);

  return {
    seconds: Number(end) - Number(start),
    cpuSeconds: Number(user) + Number(system),
    pressedQuit,
  };
}

const seconds = (values: number[]) =>
  values.map((v) => v.toFixed(2)).join(', ');

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export async function dashboardSection(ctx: BenchContext): Promise<Section> {
  const s = section('5. Dashboard overhead');
  if (!dashboardWired()) {
    s.notes.push('skipped: dashboard not wired yet');
    return s;
  }
  if (tmux('-V').status !== 0) {
    s.notes.push('skipped: tmux is missing (`apt-get install -y tmux`)');
    return s;
  }

  // A few percent is the effect to see: single runs on a shared two-core
  // machine vary by more than that, so take enough pairs for a median.
  const rounds = ctx.quick ? 3 : 5;
  const plain: number[] = [];
  const dash: number[] = [];
  const ratios: number[] = [];
  const plainCpu: number[] = [];
  const dashCpu: number[] = [];
  const loadBefore = loadavg()[0];
  let pressed = false;
  for (let r = 0; r < rounds; r++) {
    const runPlain = async () => {
      const p = await runInTmux(ctx, `plain-${r}`, ['--no-tui']);
      plain.push(p.seconds);
      plainCpu.push(p.cpuSeconds);
    };
    const runDash = async () => {
      const d = await runInTmux(ctx, `tui-${r}`, []);
      dash.push(d.seconds);
      dashCpu.push(d.cpuSeconds);
      pressed ||= d.pressedQuit;
    };
    if (r % 2 === 0) {
      await runPlain();
      await runDash();
    } else {
      await runDash();
      await runPlain();
    }
    ratios.push(dash[r] / plain[r]);
  }
  const p = median(plain);
  const d = median(dash);
  const paired = median(ratios);
  s.notes.push(
    `\`run bench/sweeps/${ctx.quick ? 'dashboard-small' : 'dashboard'}` +
      '.yaml` in a 160×48 tmux terminal, both modes, process wall time: ' +
      `${rounds} rounds, each running both modes back to back (the order ` +
      'alternating between rounds); medians over the rounds. ' +
      `1-minute load average ${fmt(loadBefore)} before, ` +
      `${fmt(loadavg()[0])} after (2 cores).`,
  );
  s.tables.push({
    headers: ['mode', 'median s', 'min s', 'max s', 'spread', 'overhead',
      'CPU s (median)', 'CPU overhead'],
    rows: [
      ['--no-tui', fmt(p), fmt(Math.min(...plain)), fmt(Math.max(...plain)),
        `${fmt(spread(plain) * 100)} %`, '', fmt(median(plainCpu)), ''],
      ['dashboard', fmt(d), fmt(Math.min(...dash)), fmt(Math.max(...dash)),
        `${fmt(spread(dash) * 100)} %`,
        `${fmt((d / p - 1) * 100)} % (${fmtRatio(d / p)})`,
        fmt(median(dashCpu)),
        `${fmt((median(dashCpu) / median(plainCpu) - 1) * 100)} %`],
    ],
    numeric: [false, true, true, true, true, false, true, false],
  });
  s.footnotes.push(
    'Overhead of the medians; the median of the per-round ratios ' +
      `(dashboard / --no-tui of the same round) is ${fmt((paired - 1) * 100)} %.` +
      ` All runs, s: --no-tui ${seconds(plain)}; ` +
      `dashboard ${seconds(dash)}.`,
  );
  if (pressed) {
    s.footnotes.push(
      'The dashboard stayed open after the sweep finished; the bench ' +
        'pressed q 5 s after the last trial was stored, so its time ' +
        'includes those 5 s.',
    );
  }

  return s;
}
