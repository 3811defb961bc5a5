/**
 * The chain shapes every GD benchmark uses, and the JSON inputs that both
 * sharpsweep and the Python peers read, so both sides start from exactly
 * the same numbers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Chain, cloneChain } from '../src/dmf/index.js';
import {
  type Mat,
  normalize,
  Rng,
  spectralNormSq,
  toRows,
} from '../src/linalg/index.js';
import { buildMinimizer, buildTarget } from '../src/minima/index.js';
import { chainGrams } from '../src/sharpness/index.js';

export interface BenchConfig {
  /** Short id used in file names and tables. */
  id: string;
  /** What the table shows. */
  label: string;
  dims: number[];
  /**
   * GD steps of the whole-trial benchmark: chosen so that the GD part of
   * one trial takes roughly 0.2–2 s on a 2-core machine. On the two
   * widest shapes the exact sharpness at start and end costs far more
   * than that in sharpsweep (see RESULTS.md, section 2).
   */
  escapeSteps: number;
}

/**
 * Step ratio ρ of the whole-trial benchmark: below 1, so every trial
 * reconverges (stays) and both sides end with the exact T sharpness.
 * Escapes (ρ > 1) of these seeded chains do not reconverge within the
 * step budgets, and an unconverged end point would need a full-Hessian
 * eigen-solve that the NumPy peer does not implement.
 */
export const ESCAPE_RATIO = 0.8;

const widths = (d: number, depth: number) =>
  Array.from({ length: depth + 1 }, () => d);

export const CONFIGS: BenchConfig[] = [
  {
    id: 'd6w4',
    label: 'depth 6, width 4, scalar ends [1,4,4,4,4,4,1]',
    dims: [1, 4, 4, 4, 4, 4, 1],
    escapeSteps: 20_000,
  },
  {
    id: 'd10w16',
    label: 'depth 10, width 16, 16×16 target',
    dims: widths(16, 10),
    escapeSteps: 2_000,
  },
  {
    id: 'd20w32',
    label: 'depth 20, width 32, 32×32 target',
    dims: widths(32, 20),
    escapeSteps: 200,
  },
  {
    id: 'd4w128',
    label: 'depth 4, width 128, 128×128 target',
    dims: widths(128, 4),
    escapeSteps: 50,
  },
];

/** Seed of every benchmark target (a fixed, explicit choice). */
export const BENCH_SEED = 7;

export interface PreparedConfig {
  config: BenchConfig;
  minimizer: Chain;
  target: Mat;
}

/** A balanced minimizer of a seeded Gaussian target of the shape. */
export function prepare(config: BenchConfig): PreparedConfig {
  const target = buildTarget(
    { kind: 'gaussian', scale: 1 },
    config.dims,
    BENCH_SEED,
  );
  const minimizer = buildMinimizer(
    { family: 'balanced' },
    target,
    config.dims,
    BENCH_SEED,
  );

  return { config, minimizer, target };
}

/**
 * The spectral-norm-sum upper bound `2 Σ ‖A_i‖₂² ‖B_i‖₂²` on the
 * sharpness (DESIGN.md §1.1). Cheap where the exact value is not: on the
 * widest shapes the exact T eigen-solve takes about a minute.
 */
export function sharpnessUpperBound(chain: Chain): number {
  const g = chainGrams(chain);
  let sum = 0;
  for (let i = 0; i < g.left.length; i++) {
    sum += spectralNormSq(g.left[i]) * spectralNormSq(g.right[i]);
  }

  return 2 * sum;
}

const factorRows = (chain: Chain) => chain.factors.map((w) => toRows(w));

/**
 * The GD-rate input: the minimizer pushed 1e-3 along a seeded random
 * direction, with η = 1 / (upper bound of λ_max), i.e. ρ ≤ 0.5, so the
 * iterates stay bounded however long the timing loop runs.
 */
export function stepsInput(p: PreparedConfig, dir: string): {
  file: string;
  start: Chain;
  eta: number;
} {
  const start = cloneChain(p.minimizer);
  const direction = new Rng(BENCH_SEED).fillGaussian(
    new Float64Array(start.params.length),
  );
  normalize(direction);
  for (let k = 0; k < start.params.length; k++) {
    start.params[k] += 1e-3 * direction[k];
  }
  const eta = 1 / sharpnessUpperBound(p.minimizer);
  const file = join(dir, `steps-${p.config.id}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      factors: factorRows(start),
      target: toRows(p.target),
      stepSize: eta,
    }),
  );

  return { file, start, eta };
}

/** The whole-trial input of `sharpsweep escape` and numpy_escape.py. */
export function escapeInput(p: PreparedConfig, dir: string): string {
  const file = join(dir, `escape-${p.config.id}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      factors: factorRows(p.minimizer),
      target: toRows(p.target),
      stepRatio: ESCAPE_RATIO,
      radius: 1e-6,
      direction: 'top',
      maxSteps: p.config.escapeSteps,
      escapeDistance: 1e-3,
    }),
  );

  return file;
}
