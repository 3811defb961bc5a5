/**
 * Figure 3: orchestration. Trivial trials per second end to end (plan,
 * piscina pool, durable SQLite writes) through `run --no-tui`, with
 * Optuna on SQLite storage as the peer; the speed-up from 1 to 2 workers
 * on CPU-bound trials. The million-trial sweep is in million.ts.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import type { BenchContext } from './context.js';
import { CLI } from './escape-trial.js';
import { measure, type Measured } from './measure.js';
import { peerCommand, ROOT, runPeer } from './python.js';
import { section, type Section } from './report.js';
import { fmt, fmtRatio, median, ratio } from './stats.js';

export const sweep = (name: string) =>
  join(ROOT, 'bench', 'sweeps', `${name}.yaml`);

/** Trials in each benchmark sweep file (their `seeds.count`). */
const TINY = { 'tiny-5k': 5_000, 'tiny-50k': 50_000 };

let dbCounter = 0;

/** `sharpsweep run` on a fresh database, measured; the file is removed. */
export async function runSweep(
  ctx: BenchContext,
  name: string,
  extra: string[] = [],
  timeoutMs?: number,
): Promise<Measured & { dbMiB: number; inFlight: number | null }> {
  const db = join(ctx.tmp, `run-${dbCounter++}.sqlite`);
  const m = await measure(
    process.execPath,
    [CLI, 'run', sweep(name), '--db', db, '--no-tui', ...extra],
    { timeoutMs },
  );
  const dbMiB = statSync(db, { throwIfNoEntry: false })?.size ?? 0;
  const inFlight = m.exitCode === 0 ? trialsInFlight(db) : null;
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(db + suffix, { force: true });
  }
  if (m.exitCode !== 0 && !m.stopped) {
    const why = m.stderr.slice(-600);
    throw new Error(`run ${name} exited ${m.exitCode}: ${why}`);
  }

  return { ...m, dbMiB: dbMiB / 2 ** 20, inFlight };
}

/**
 * Trials running at once on average over the run: the trials' own
 * durations (measured in their threads) over the run's span, from the
 * database. Unlike the wall-clock speed-up it does not depend on process
 * startup, and a machine busy with other work slows the trials and the
 * span alike: an executor that serialised its threads would show about 1
 * whatever the worker count.
 */
function trialsInFlight(file: string): number | null {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare(
      `SELECT (SELECT sum(duration_ms) FROM trial_results) AS busy,
              (SELECT 86400000 * (julianday(max(ended_at)) -
                                  julianday(min(started_at))) FROM runs) AS span`,
    ).get() as { busy: number | null; span: number | null };

    return row.busy !== null && row.span !== null && row.span > 0
      ? row.busy / row.span
      : null;
  } finally {
    db.close();
  }
}

/**
 * CPU share (%) that two busy-looping worker threads of one process get
 * for two seconds: what the machine can give a two-worker run right now.
 */
async function twoCoreHeadroom(): Promise<number> {
  const script = `
    const { Worker } = require('node:worker_threads');
    const spin = 'const t = Date.now(); let x = 0;' +
      'while (Date.now() - t < 2000) x += Math.sqrt(x + 1);' +
      'require("node:worker_threads").parentPort.postMessage(x);';
    const started = Date.now();
    const before = process.cpuUsage();
    const done = [0, 1].map(() => new Promise((resolve) =>
      new Worker(spin, { eval: true }).once('message', resolve)));
    Promise.all(done).then(() => {
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      console.log(100 * ms / (Date.now() - started));
    });`;
  const m = await measure(process.execPath, ['-e', script]);

  return Number(m.stdout.trim());
}

export async function orchestrationSection(
  ctx: BenchContext,
): Promise<Section> {
  const s = section('3. Orchestration: plan, worker pool, SQLite writes');
  const tinyName = ctx.quick ? 'tiny-5k' : 'tiny-50k';
  const tinyCount = TINY[tinyName];
  const rounds = ctx.quick ? 1 : 3;

  // Trivial trials per second, default worker count.
  const walls: number[] = [];
  const shares: number[] = [];
  let dbMiB = 0;
  for (let r = 0; r < rounds; r++) {
    const m = await runSweep(ctx, tinyName);
    walls.push(m.wallMs / 1000);
    shares.push(m.cpuPercent ?? Number.NaN);
    dbMiB = m.dbMiB;
  }
  const ours = tinyCount / median(walls);
  const optuna = optunaRate(ctx, s);
  s.tables.push({
    headers: ['trivial trials', 'count', 'wall s', 'trials/s', 'CPU share',
      'ours/peer'],
    rows: [
      [
        'sharpsweep `run --no-tui` (default workers)',
        tinyCount.toLocaleString('en-US'),
        fmt(median(walls)),
        fmt(ours),
        `${fmt(median(shares))} %`,
        fmtRatio(ratio(ours, optuna?.rate ?? null)),
      ],
      optuna
        ? [`Optuna ${ctx.optuna!.version}, SQLite storage, 1 process`,
          String(optuna.count), fmt(optuna.wall), fmt(optuna.rate), '',
          '1×']
        : ['Optuna', '—', '—', '—', '', '—'],
    ],
    numeric: [false, true, true, true, true, true],
  });
  s.notes.push(
    `${rounds === 1 ? 'One run' : `Median of ${rounds} runs`} of ` +
      `\`run bench/sweeps/${tinyName}.yaml ` +
      '--no-tui\` on a fresh database, process startup and the final ' +
      'summary included (dims [1,1,1], maxSteps 1, no trajectory); the ' +
      'CPU share (as below) shows how much of the two cores it got. ' +
      `The database ends at ${fmt(dbMiB)} MiB ` +
      `(${fmt((dbMiB * 2 ** 20) / tinyCount)} bytes per trial).`,
  );

  await workerScaling(ctx, s);
  s.footnotes.push(
    'The 1,000,000-trial sweep runs last (section 3b), with what is left ' +
      'of the time budget.',
  );

  return s;
}

function optunaRate(
  ctx: BenchContext,
  s: Section,
): { count: number; wall: number; rate: number } | null {
  if (ctx.optuna === null) {
    s.footnotes.push(`Optuna peer: skipped (${ctx.optunaNote}).`);
    return null;
  }
  const count = ctx.quick ? 100 : 300;
  const walls: number[] = [];
  for (let r = 0; r < (ctx.quick ? 1 : 3); r++) {
    const db = join(ctx.tmp, `optuna-${r}.sqlite`);
    const run = runPeer<{ trials: number }>(
      ctx.optuna.exe,
      'optuna_trivial.py',
      ['--db', db, '--trials', String(count)],
    );
    rmSync(db, { force: true });
    walls.push(run.wallMs / 1000);
  }
  const wall = median(walls);
  s.footnotes.push(
    `Optuna peer: ${ctx.optunaNote}; ` +
      `\`${peerCommand(ctx.optuna.exe, 'optuna_trivial.py')} --trials ` +
      `${count}\` (RandomSampler, objective x², median of ${walls.length}, ` +
      'startup included). Optuna gets fewer trials: each costs tens of ' +
      'milliseconds, more as the study grows.',
  );

  return { count, wall, rate: count / wall };
}

async function workerScaling(ctx: BenchContext, s: Section): Promise<void> {
  const rounds = ctx.quick ? 1 : 3;
  const [name, trials, steps] = ctx.quick
    ? ['cpu-bound-small', 8, '3,000']
    : ['cpu-bound', 48, '40,000'];
  const walls: Record<string, number[]> = { '1': [], '2': [] };
  const cpu: Record<string, number[]> = { '1': [], '2': [] };
  const inFlight: Record<string, number[]> = { '1': [], '2': [] };
  for (let r = 0; r < rounds; r++) {
    for (const workers of ['1', '2']) {
      const m = await runSweep(ctx, name, ['--workers', workers]);
      walls[workers].push(m.wallMs / 1000);
      cpu[workers].push(m.cpuPercent ?? Number.NaN);
      inFlight[workers].push(m.inFlight ?? Number.NaN);
    }
  }
  const one = median(walls['1']);
  const two = median(walls['2']);
  const share = (w: string) => `${fmt(median(cpu[w]))} %`;
  const flight = (w: string) => fmt(median(inFlight[w]));
  const headroom = await twoCoreHeadroom();
  s.tables.push({
    headers: [
      `CPU-bound sweep (${trials} trials × ${steps} steps, median of ` +
        `${rounds})`,
      'wall s',
      'CPU share',
      'trials in flight',
    ],
    rows: [
      ['1 worker', fmt(one), share('1'), flight('1')],
      ['2 workers', fmt(two), share('2'), flight('2')],
      ['speed-up 1 → 2', fmtRatio(one / two), '', ''],
      ['two plain busy threads (calibration)', '—', `${fmt(headroom)} %`, ''],
    ],
    numeric: [false, true, true, true],
  });
  s.footnotes.push(
    'CPU share = (user + system time) / wall time of the whole process ' +
      '(GNU time): ideal is about 100 % with one worker and 200 % with ' +
      'two. The calibration row is two busy-looping worker threads and ' +
      'nothing else: 200 % means two free cores, about 100 % means other ' +
      'work held one of them, and then no speed-up can show. Trials in ' +
      'flight = the trials\' own durations (timed in their threads) summed ' +
      'over the span of the run in the database: how many ran at once on ' +
      'average, whatever the load and without process startup; an ' +
      'executor that serialised its threads would show about 1.',
  );
}
