/**
 * Figure 3b: peak RSS while planning and running a 1,000,000-trial sweep
 * of trivial trials (streamed plans must keep memory flat). Skipped by
 * --quick. It runs last and gets what is left of the time budget; past
 * it the run is stopped cleanly (SIGINT, as a user would) and the report
 * says how far it got, with the rate at the start and at the end.
 */
import type { BenchContext } from './context.js';
import { CLI } from './escape-trial.js';
import { measure, rateAtEnds } from './measure.js';
import { runSweep, sweep } from './orchestration.js';
import { section, type Section } from './report.js';
import { fmt } from './stats.js';

const TRIALS = 1_000_000;

// LIMITATION: the run gets what is left of the 15-minute budget. A
// million trivial trials take about 1.5 to 2 minutes on two free cores
// (about 10,000 trials/s, see section 3), more on a busy machine; when the
// budget runs out first, the peak RSS is that of the part it ran and the
// report says so. --million-minutes gives the run more time.

/** Never give the run less than this, even past the budget. */
const MIN_CAP_MS = 2 * 60_000;

export async function millionSection(ctx: BenchContext): Promise<Section> {
  const s = section('3b. Orchestration at scale: a 1,000,000-trial sweep');
  if (ctx.quick) {
    s.notes.push('skipped in quick mode (run without --quick).');
    return s;
  }

  const plan = await measure(process.execPath, [CLI, 'plan', sweep('tiny-1m')]);
  const capMs =
    ctx.millionCapMs ?? Math.max(MIN_CAP_MS, ctx.deadline - Date.now());
  const run = await runSweep(ctx, 'tiny-1m', [], capMs);
  const done = run.progress.at(-1)?.[1] ?? 0;
  const seconds = run.wallMs / 1000;
  const ends = rateAtEnds(run.progress);
  const stopped = run.stopped
    ? `stopped at the ${fmt(capMs / 60_000)} min cap; `
    : '';

  s.tables.push({
    headers: ['step', 'peak RSS MiB', 'wall s', 'trials stored'],
    rows: [
      ['`plan bench/sweeps/tiny-1m.yaml`', fmt(plan.peakRssMiB),
        fmt(plan.wallMs / 1000), '—'],
      ['`run bench/sweeps/tiny-1m.yaml --no-tui`', fmt(run.peakRssMiB),
        fmt(seconds), `${done.toLocaleString('en-US')} of 1,000,000`],
    ],
    numeric: [false, true, true, true],
  });
  s.notes.push(
    `${stopped}${fmt(done / seconds)} trials/s overall; ` +
      `${fmt(ends.early)} trials/s over the first tenth of the progress ` +
      `lines and ${fmt(ends.late)} over the last tenth; database ` +
      `${fmt(run.dbMiB)} MiB (${fmt((run.dbMiB * 2 ** 20) / done)} ` +
      'bytes per trial).',
  );
  if (run.stopped && done > 0) {
    const rate = ends.late ?? done / seconds;
    const left = TRIALS - done;
    s.notes.push(
      `At the final rate the remaining ${left.toLocaleString('en-US')} ` +
        `trials would take about ${fmt(left / rate / 60)} min more. Run ` +
        '`npm run bench -- --only 3b --million-minutes 60 --out /tmp/m.md` ' +
        'to let it finish.',
    );
  }
  s.footnotes.push(
    `Peak RSS from ${run.rssSource} (main thread and its worker threads).`,
  );

  return s;
}
