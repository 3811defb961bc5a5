/**
 * Target matrices `M` (`d_L × d_0`) from their specs (escape/spec.ts),
 * seeded from the spec's own seed or the trial seed.
 */
import { InputError } from '../errors.js';
import type { TargetSpec } from '../escape/spec.js';
import {
  derive,
  type Mat,
  randomOrthogonal,
  Rng,
  zeros,
} from '../linalg/index.js';
import { STREAM } from './streams.js';

export function buildTarget(
  spec: TargetSpec,
  dims: number[],
  trialSeed: number,
): Mat {
  const rows = dims[dims.length - 1];
  const cols = dims[0];
  const m = zeros(rows, cols);

  switch (spec.kind) {
    case 'scalar': {
      requireFinite(spec.value, 'target.value');
      m.data.fill(spec.value);

      return m;
    }
    case 'gaussian': {
      requireFinite(spec.scale, 'target.scale');
      const rng = new Rng(derive(spec.seed ?? trialSeed, STREAM.target));
      rng.fillGaussian(m.data, spec.scale);

      return m;
    }
    case 'singular':
      return singularTarget(spec.values, rows, cols, spec.seed ?? trialSeed);
    default:
      throw new InputError(
        `target.kind must be scalar, gaussian or singular, got ` +
          `${(spec as { kind: unknown }).kind}`,
        { location: 'target.kind' },
      );
  }
}

/** `U diag(values) Vᵀ` with Haar-random orthogonal U (d_L) and V (d_0). */
function singularTarget(
  values: number[],
  rows: number,
  cols: number,
  seed: number,
): Mat {
  const r = Math.min(rows, cols);
  if (!Array.isArray(values)) {
    throw new InputError('target.values must be a list of numbers ≥ 0', {
      location: 'target.values',
    });
  }
  values.forEach((v, k) => {
    if (!Number.isFinite(v) || v < 0) {
      throw new InputError(
        `target.values[${k}] must be a finite number ≥ 0, got ${v}`,
        { location: `target.values[${k}]` },
      );
    }
  });
  // Trailing zeros are the padding the target has anyway.
  let used = values.length;
  while (used > 0 && values[used - 1] === 0) used -= 1;
  if (used > r) {
    throw new InputError(
      `target.values lists ${used} singular values up to the last nonzero ` +
        `one, but a ${rows}×${cols} target has at most ${r}`,
      { location: 'target.values', hint: `give at most ${r} nonzero values` },
    );
  }
  values = values.slice(0, used);
  const rng = new Rng(derive(seed, STREAM.target));
  const u = randomOrthogonal(rows, rng);
  const v = randomOrthogonal(cols, rng);
  const m = zeros(rows, cols);

  values.forEach((s, k) => {
    for (let i = 0; i < rows; i++) {
      const ui = s * u.data[i * rows + k];
      for (let j = 0; j < cols; j++) {
        m.data[i * cols + j] += ui * v.data[j * cols + k];
      }
    }
  });

  return m;
}

function requireFinite(x: number, location: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new InputError(`${location} must be a finite number, got ${x}`, {
      location,
    });
  }
}
