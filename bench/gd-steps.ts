/**
 * Figure 1: GD steps per second on one core (forward prefix products,
 * backward pass, update), sharpsweep's GdWorkspace in this thread against
 * the NumPy and PyTorch peers, plus NumPy's dgemm rate for scale.
 *
 * Rounds alternate ours / NumPy / PyTorch so that outside load (the
 * machine is shared) hits every side alike; each figure is the median
 * over rounds.
 */
import { GdWorkspace } from '../src/dmf/index.js';
import {
  type BenchConfig,
  CONFIGS,
  prepare,
  stepsInput,
} from './configs.js';
import type { BenchContext } from './context.js';
import { PeerSession, peerCommand, runPeer } from './python.js';
import { section, type Section } from './report.js';
import { fmt, fmtRatio, median, ratePerSecond, ratio } from './stats.js';

interface StepsAnswer {
  rate: number;
  loss: number;
}

/** Multiply-adds ×2 of one step: forward, gradients, back-propagation. */
export function flopsPerStep(dims: number[]): number {
  const d0 = dims[0];
  let sum = 0;
  for (let i = 2; i < dims.length; i++) sum += dims[i] * dims[i - 1];

  return 6 * d0 * sum;
}

async function peerRate(
  peer: PeerSession | null,
  input: string,
  seconds: number,
): Promise<number> {
  if (peer === null) return NaN;

  return (await peer.request<StepsAnswer>({ input, seconds })).rate;
}

/** Rounds per config and seconds per round. */
const timing = (ctx: BenchContext) =>
  ctx.quick ? { rounds: 3, seconds: 0.2 } : { rounds: 5, seconds: 0.5 };

export async function gdStepsSection(ctx: BenchContext): Promise<Section> {
  const s = section('1. GD steps per second (single core)');
  const { rounds, seconds } = timing(ctx);
  const rows: string[][] = [];
  const numpyPeer = ctx.numpy && new PeerSession(ctx.numpy.exe, 'numpy_gd.py');
  const torchPeer = ctx.torch && new PeerSession(ctx.torch.exe, 'torch_gd.py');

  try {
    for (const config of CONFIGS) {
      rows.push(await configRow(config, numpyPeer, torchPeer, ctx));
    }
  } finally {
    numpyPeer?.close();
    torchPeer?.close();
  }

  s.notes.push(
    `Median of ${rounds} rounds of ≥ ${seconds} s each; rounds alternate ` +
      'sharpsweep / NumPy / PyTorch. One step = forward prefix products, ' +
      'backward pass, update (`GdWorkspace.step`; float64 everywhere). ' +
      'Ratio > 1: sharpsweep is faster.',
  );
  s.tables.push({
    headers: [
      'config', 'sharpsweep steps/s', 'NumPy steps/s', 'ours/NumPy',
      'PyTorch steps/s', 'ours/PyTorch', 'sharpsweep GFLOP/s',
    ],
    rows,
    numeric: [false, true, true, true, true, true, true],
  });
  addDgemm(s, ctx);
  addPeerNotes(s, ctx);

  return s;
}

async function configRow(
  config: BenchConfig,
  numpyPeer: PeerSession | null,
  torchPeer: PeerSession | null,
  ctx: BenchContext,
): Promise<string[]> {
  const { rounds, seconds } = timing(ctx);
  const prepared = prepare(config);
  const { file, start, eta } = stepsInput(prepared, ctx.tmp);
  const ws = new GdWorkspace(start, prepared.target);
  const step = (count: number) => {
    for (let c = 0; c < count; c++) ws.step(eta);
  };
  ratePerSecond(step, 0.2); // JIT warm-up, untimed

  const ours: number[] = [];
  const numpy: number[] = [];
  const torch: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(ratePerSecond(step, seconds));
    numpy.push(await peerRate(numpyPeer, file, seconds));
    torch.push(await peerRate(torchPeer, file, seconds));
  }

  const o = median(ours);
  const n = ctx.numpy ? median(numpy) : null;
  const t = ctx.torch ? median(torch) : null;

  return [
    config.label,
    fmt(o),
    fmt(n),
    fmtRatio(ratio(o, n)),
    fmt(t),
    fmtRatio(ratio(o, t)),
    fmt((o * flopsPerStep(config.dims)) / 1e9),
  ];
}

function addDgemm(s: Section, ctx: BenchContext): void {
  if (ctx.numpy === null) {
    s.footnotes.push('dgemm: skipped (NumPy not importable).');
    return;
  }
  const answer = runPeer<Record<string, number>>(
    ctx.numpy.exe, 'numpy_gd.py',
    ['dgemm', '--sizes', '128,512', '--seconds', ctx.quick ? '0.3' : '1'],
  );
  s.tables.push({
    headers: ['NumPy matmul (dgemm), 1 thread', 'GFLOP/s'],
    rows: Object.entries(answer.value).map(([n, g]) => [
      `${n}×${n} @ ${n}×${n}`, fmt(g),
    ]),
    numeric: [false, true],
  });
}

function addPeerNotes(s: Section, ctx: BenchContext): void {
  s.footnotes.push(
    'Each peer runs as one process in `serve` mode for the whole ' +
      'section (a request per round, an untimed 0.1 s warm-up each), ' +
      'so interpreter start-up and imports are not timed.',
  );
  if (ctx.numpy) {
    s.footnotes.push(
      `NumPy peer: \`${peerCommand(ctx.numpy.exe, 'numpy_gd.py')} serve\`` +
        ` — ${ctx.blas}.`,
    );
  } else {
    s.footnotes.push('NumPy peer: skipped (`import numpy` failed).');
  }
  if (ctx.torch) {
    s.footnotes.push(
      `PyTorch peer: autograd, \`torch.set_num_threads(1)\`, ` +
        `\`${peerCommand(ctx.torch.exe, 'torch_gd.py')} serve\`.`,
    );
  } else {
    s.footnotes.push(`PyTorch peer: skipped (${ctx.torchNote}).`);
  }
}
