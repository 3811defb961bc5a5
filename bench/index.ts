/**
 * `npm run bench -- [--quick] [--only 1,3b,…] [--out <file>]
 *                   [--million-minutes <n>]`
 *
 * Runs sharpsweep's benchmarks beside their NumPy / PyTorch / Optuna
 * peers in one run, prints the report and writes it to bench/RESULTS.md
 * (or --out). --quick runs a fast subset (fewer rounds, smaller shapes,
 * no million-trial sweep); --only runs the listed sections (1, 2, 3, 3b,
 * 4, 5). Both write no file unless --out is given, so a partial run never
 * replaces the full results. The million-trial sweep (3b) runs last and
 * gets what is left of a 14-minute budget unless --million-minutes says
 * otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { createContext, machineLines, type BenchContext } from './context.js';
import { dashboardSection } from './dashboard.js';
import { escapeTrialSection } from './escape-trial.js';
import { gdStepsSection } from './gd-steps.js';
import { millionSection } from './million.js';
import { orchestrationSection } from './orchestration.js';
import { ROOT } from './python.js';
import {
  renderReport,
  renderSection,
  section,
  type Section,
} from './report.js';
import { sharpnessSection } from './sharpness.js';
import { load1 } from './stats.js';

type Run = (ctx: BenchContext) => Section | Promise<Section>;

/** In running order: 3b is last because it takes the leftover budget. */
const SECTIONS: Array<[string, Run]> = [
  ['1', gdStepsSection],
  ['2', escapeTrialSection],
  ['3', orchestrationSection],
  ['4', sharpnessSection],
  ['5', dashboardSection],
  ['3b', millionSection],
];

/** The whole run, `tsc` excluded (about half a minute before it). */
const BUDGET_MS = 14 * 60_000;

const USAGE = `Usage: npm run bench [-- options]

Runs every benchmark beside its peer and writes bench/RESULTS.md
(see bench/README.md). Options:
  --quick                  fast subset (< 2 min), prints only
  --only <ids>             sections, e.g. 1,4 or 3b; prints only
  --out <file>             write the report to this file
  --million-minutes <n>    time cap of the 1,000,000-trial sweep (section 3b)
  -h, --help               show this help
Sections: ${SECTIONS.map(([k]) => k).join(', ')}.
`;

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        'million-minutes': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const only = values.only?.split(',').map((id) => id.trim());
  const unknown = only?.filter((id) => !SECTIONS.some(([k]) => k === id));
  if (unknown?.length) {
    throw new Error(
      `--only: unknown section(s) ${unknown.join(', ')}; ` +
        `choose from ${SECTIONS.map(([k]) => k).join(', ')}`,
    );
  }
  const minutes = values['million-minutes'];
  const millionCapMs =
    minutes === undefined ? undefined : Number(minutes) * 60_000;
  if (millionCapMs !== undefined && !(millionCapMs > 0)) {
    throw new Error(`--million-minutes must be > 0, got ${minutes}`);
  }
  const partial = only !== undefined || values.quick === true;
  const out =
    values.out ?? (partial ? undefined : join(ROOT, 'bench', 'RESULTS.md'));

  return { quick: values.quick ?? false, only, out, millionCapMs };
}

async function main(): Promise<void> {
  const opts = options();
  const started = new Date();
  const tmp = mkdtempSync(join(tmpdir(), 'sharpsweep-bench-'));
  const deadline = started.getTime() + BUDGET_MS;
  const ctx = createContext(opts.quick, tmp, deadline, opts.millionCapMs);
  const header = machineLines(ctx, started);
  process.stdout.write(header.join('\n') + '\n\n');

  const sections: Section[] = [];
  try {
    for (const [id, run] of SECTIONS) {
      if (opts.only && !opts.only.includes(id)) continue;
      const t0 = Date.now();
      let result: Section;
      try {
        result = await run(ctx);
      } catch (error) {
        // One broken section must not lose the others' figures.
        result = section(`${id}. (failed)`);
        result.notes.push(`This section failed: ${(error as Error).stack}`);
      }
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      result.footnotes.push(
        `_Section time ${seconds} s; 1-minute load average at its end ` +
          `${load1().toFixed(1)} (2 cores)._`,
      );
      sections.push(result);
      process.stdout.write(renderSection(result) + '\n\n');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const total = ((Date.now() - started.getTime()) / 1000).toFixed(0);
  header.push(`- total benchmark time: ${total} s`);
  if (opts.out) {
    const text = renderReport('sharpsweep benchmarks', header, sections);
    writeFileSync(opts.out, text);
    process.stdout.write(`Wrote ${opts.out} (${total} s).\n`);
  }
}

await main();
