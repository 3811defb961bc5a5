/**
 * Figure 2: one whole escape trial, process startup included:
 * `node dist/src/cli/main.js escape --input f.json --json` against
 * bench/peers/numpy_escape.py on the same input (exact sharpness via T,
 * GD for maxSteps steps, final sharpness). Also checks that both sides
 * agree on the outcome, the escape step and the sharpness values.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import {
  CONFIGS,
  ESCAPE_RATIO,
  escapeInput,
  prepare,
} from './configs.js';
import type { BenchContext } from './context.js';
import { PEER_ENV, ROOT, peerCommand, runPeer } from './python.js';
import { section, type Section } from './report.js';
import { fmt, fmtRatio, median, ratio } from './stats.js';

export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** A trial slower than this (ours) is run once, not three times. */
const LONG_TRIAL_MS = 10_000;

interface TrialAnswer {
  outcome: string;
  sharpness: number;
  escapeStep: number | null;
  finalSharpness: number | null;
  steps: number;
  route?: string;
}

/** Runs the CLI and returns its wall time and parsed stdout. */
export function runCli<T>(args: string[]): { value: T; wallMs: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`sharpsweep ${args.join(' ')}: ${child.stderr.trim()}`);
  }

  return { value: JSON.parse(child.stdout) as T, wallMs };
}

const relDiff = (a: number | null, b: number | null) =>
  a === null || b === null ? null : Math.abs(a - b) / Math.abs(b);

function agreement(ours: TrialAnswer, peer: TrialAnswer): string {
  const same =
    ours.outcome === peer.outcome && ours.escapeStep === peer.escapeStep;
  const start = relDiff(ours.sharpness, peer.sharpness);
  const end = relDiff(ours.finalSharpness, peer.finalSharpness);

  return (
    `${same ? 'same' : 'DIFFERENT'} outcome/step; λ rel. diff ` +
    `${fmt(start, 2)} start, ${fmt(end, 2)} end`
  );
}

export function escapeTrialSection(ctx: BenchContext): Section {
  const s = section('2. One whole escape trial (startup included)');
  const rounds = ctx.quick ? 1 : 3;
  const rows: string[][] = [];
  const configs = ctx.quick ? CONFIGS.slice(1, 2) : CONFIGS;

  for (const config of configs) {
    const file = escapeInput(prepare(config), ctx.tmp);
    const oursMs: number[] = [];
    const peerMs: number[] = [];
    let ours: TrialAnswer | undefined;
    let peer: TrialAnswer | undefined;

    for (let r = 0; r < rounds; r++) {
      const o = runCli<TrialAnswer>(['escape', '--input', file, '--json']);
      oursMs.push(o.wallMs);
      ours = o.value;
      if (ctx.numpy) {
        const p = runPeer<TrialAnswer>(ctx.numpy.exe, 'numpy_escape.py', [
          '--input', file,
        ]);
        peerMs.push(p.wallMs);
        peer = p.value;
      }
      if (oursMs[0] > LONG_TRIAL_MS) break;
    }

    const o = median(oursMs) / 1000;
    const p = ctx.numpy ? median(peerMs) / 1000 : null;
    rows.push([
      `${config.label}${oursMs.length < 3 ? ' (1 run)' : ''}`,
      `${config.escapeSteps.toLocaleString('en-US')} @ ρ ${ESCAPE_RATIO}`,
      fmt(o),
      fmt(p),
      fmtRatio(ratio(p, o)),
      `${ours!.outcome} / ${peer?.outcome ?? '—'}`,
      peer ? agreement(ours!, peer) : '—',
    ]);
  }

  s.notes.push(
    `Median wall time of ${rounds} runs per side, alternating (one run ` +
      `when ours takes over ${LONG_TRIAL_MS / 1000} s); each run ` +
      'is a fresh process (Node startup and module loading, JSON input, ' +
      'exact sharpness through T at the start, maxSteps GD steps without ' +
      'early stop, exact sharpness at the end). Speed-up = NumPy time / ' +
      'sharpsweep time (> 1: sharpsweep is faster).',
  );
  s.tables.push({
    headers: [
      'config', 'steps', 'sharpsweep s', 'NumPy s', 'speed-up',
      'outcome (ours / NumPy)', 'agreement',
    ],
    rows,
    numeric: [false, true, true, true, true, false, false],
  });
  addStartupNote(s, ctx);
  if (ctx.quick) {
    s.footnotes.push('Quick mode: depth 10, width 16 only, one run.');
  }
  s.footnotes.push(
    'NumPy peer: ' +
      (ctx.numpy
        ? `\`${peerCommand(ctx.numpy.exe, 'numpy_escape.py')} --input ` +
          'f.json` (eigh on the dense T up to d_L·d_0 = 4096; above that, ' +
          'as for the 128×128 target, SciPy eigsh on the matrix-free T, ' +
          'since a dense 16384² eigh would take minutes).'
        : 'skipped (NumPy not importable).'),
  );

  return s;
}

/** Startup alone, to read the table: CLI --version and `import numpy`. */
function addStartupNote(s: Section, ctx: BenchContext): void {
  const wall = (cmd: string, args: string[]) => {
    const t: number[] = [];
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      spawnSync(cmd, args, { encoding: 'utf8' });
      t.push(performance.now() - started);
    }

    return median(t);
  };
  const node = wall(process.execPath, [CLI, '--version']);
  const python = ctx.numpy
    ? wall('env', [...PEER_ENV, ctx.numpy.exe, '-c', 'import numpy'])
    : null;
  s.footnotes.push(
    `Startup alone (median of 3): \`sharpsweep --version\` ` +
      `${fmt(node)} ms, \`python3 -c "import numpy"\` ${fmt(python)} ms.`,
  );
}
