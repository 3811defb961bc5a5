#!/usr/bin/env node
/**
 * Reproduces the paper's results: runs sweeps/paper-*.yaml through the
 * built CLI into one database, draws the figures and writes
 * docs/results.md. `--reduced` runs a tiny version for the test suite.
 *
 *   node dist/src/reproduce/main.js [--reduced] [--db <file>]
 *        [--out <dir>] [--workers <n>]
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { parse } from 'yaml';

import { reportError } from '../cli/report-error.js';
import { OptionError, SharpsweepError } from '../errors.js';
import { loadTrials, openPlotDb } from '../plot/data.js';
import { runCli } from './cli.js';
import {
  FULL_SHAPES,
  measureShapes,
  REDUCED_SHAPES,
  shapeProblems,
  shapeTable,
} from './closed-forms.js';
import { drawFigure, FIGURES } from './figures.js';
import {
  PAPER_SWEEPS,
  type PaperSweep,
  repositoryRoot,
  sweepFile,
} from './paths.js';
import { reducedName, writeReducedSweep } from './reduce.js';
import { resultsMarkdown, type SweepSection } from './results.js';

/** Environment switch for the reduced run, for runners without flags. */
const REDUCED_ENV = 'SHARPSWEEP_REDUCED';

const usage = `Usage: node dist/src/reproduce/main.js [--reduced] [--db <file>] [--out <dir>] [--workers <n>]

Runs sweeps/paper-*.yaml through the sharpsweep CLI, draws the figures and
writes <out>/results.md with <out>/figures/*.svg.
  --reduced      tiny versions for the test suite (or ${REDUCED_ENV}=1)
  --db <file>    database (default db/paper.sqlite; reduced: db/paper-reduced.sqlite)
  --out <dir>    document folder (default docs; reduced: dist/reproduce-reduced)
  --workers <n>  worker threads of each run (default: one per core)
`;

interface Options {
  reduced: boolean;
  db: string;
  out: string;
  workers?: number;
}

function options(argv: string[], root: string): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      reduced: { type: 'boolean' },
      db: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;

  const reduced = values.reduced === true ||
    ['1', 'true'].includes(process.env[REDUCED_ENV] ?? '');
  const workers = values.workers === undefined
    ? undefined
    : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) {
    throw new OptionError(
      `--workers expects a positive integer, received "${values.workers}"`,
      { location: '--workers', hint: 'For example --workers 2.' },
    );
  }

  return {
    reduced,
    db: resolve(values.db ??
      join(root, 'db', reduced ? 'paper-reduced.sqlite' : 'paper.sqlite')),
    out: resolve(values.out ??
      (reduced ? join(root, 'dist', 'reproduce-reduced') : join(root, 'docs'))),
    workers,
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const root = repositoryRoot();
  const opts = options(argv, root);
  if (opts === null) {
    process.stdout.write(usage);
    return 0;
  }

  const scratch = mkdtempSync(join(tmpdir(), 'sharpsweep-reproduce-'));
  try {
    // 1. The sweeps, through `sharpsweep run` (resumes when re-run).
    const files = new Map<PaperSweep, string>();
    const sweepNames = PAPER_SWEEPS.map((sweep) =>
      opts.reduced ? reducedName(sweep) : sweep);
    const storedBefore = storedTrials(opts.db, sweepNames);
    for (const sweep of PAPER_SWEEPS) {
      const file = opts.reduced
        ? writeReducedSweep(sweepFile(root, sweep), scratch)
        : sweepFile(root, sweep);
      files.set(sweep, file);
      say(`Running ${sweep}${opts.reduced ? ' (reduced)' : ''} …`);
      await runCli([
        'run', file, '--db', opts.db, '--no-tui',
        ...(opts.workers ? ['--workers', String(opts.workers)] : []),
      ], (line) => {
        if (line.startsWith('[')) say(`  ${line}`);
      });
    }

    // 2. The figures, from the database just written.
    const suffix = opts.reduced ? reducedName('') : '';
    mkdirSync(join(opts.out, 'figures'), { recursive: true });
    const figures = [];
    for (const plan of FIGURES) {
      const drawn = await drawFigure(plan, {
        db: relative(process.cwd(), opts.db) || opts.db,
        outDir: relative(process.cwd(), opts.out) || '.',
        suffix,
        points: opts.reduced ? 5 : undefined,
      });
      say(drawn.skipped === undefined
        ? `Drew figures/${plan.file}`
        : `Skipped figures/${plan.file}: ${drawn.skipped}`);
      figures.push(drawn);
    }

    // 3. The closed-form table, through `sharpsweep sharpness`.
    say('Measuring closed forms over shapes …');
    const shapes = await measureShapes(
      opts.reduced ? REDUCED_SHAPES : FULL_SHAPES, scratch);
    const problems = shapeProblems(shapes);

    const markdown = resultsMarkdown({
      reduced: opts.reduced,
      command: opts.reduced ? 'npm run reproduce -- --reduced'
        : 'npm run reproduce',
      generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      durationSeconds: (Date.now() - started) / 1000,
      resumedTrials: storedBefore,
      commit: gitCommit(root),
      workers: opts.workers ?? null,
      db: relative(root, opts.db) || opts.db,
      scalar: section(opts.db, files.get('paper-scalar')!, root),
      matrix: section(opts.db, files.get('paper-matrix')!, root),
      figures,
      shapeTable: shapeTable(shapes),
      shapeProblems: problems,
    });
    const results = join(opts.out, 'results.md');
    writeFileSync(results, markdown);
    say(`Wrote ${relative(process.cwd(), results) || results} ` +
      `(${figures.length} figures) in ` +
      `${Math.round((Date.now() - started) / 1000)} s.`);

    for (const problem of problems) {
      process.stderr.write(`problem: ${problem}\n`);
    }
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function section(db: string, file: string, root: string): SweepSection {
  const sweep = parse(readFileSync(file, 'utf8')) as {
    name: string;
    description?: string;
  };
  const reader = openPlotDb(db);
  try {
    return {
      name: sweep.name,
      file: relative(root, file).startsWith('..') ? sweep.name
        : relative(root, file),
      description: sweep.description ?? '',
      trials: loadTrials(reader, sweep.name),
    };
  } finally {
    reader.close();
  }
}

/** Trials of these sweeps already in the database (0 for a new one). */
function storedTrials(db: string, sweeps: string[]): number {
  if (!existsSync(db)) return 0;

  const reader = openPlotDb(db);
  try {
    const count = reader.prepare(
      `SELECT count(*) AS n FROM trials WHERE sweep IN
       (${sweeps.map(() => '?').join(', ')})`,
    ).get(...sweeps) as { n: number };

    return count.n;
  } finally {
    reader.close();
  }
}

/** HEAD, and whether sources or sweeps differ from it. */
function gitCommit(root: string): { head: string; dirty: boolean } | null {
  const git = (args: string[]) => execFileSync('git', args, {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  try {
    const head = git(['rev-parse', 'HEAD']).slice(0, 12);
    const dirty = git(['status', '--porcelain', '--', 'src', 'sweeps',
      'db/migrations']) !== '';

    return { head, dirty };
  } catch {
    return null;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof SharpsweepError) {
      process.exitCode = reportError(error);
      return;
    }
    // A CLI child that failed has already explained itself.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`reproduce: ${message}\n`);
    process.exitCode = 1;
  },
);
