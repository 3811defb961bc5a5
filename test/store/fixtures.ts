/**
 * Shared test fixtures: temporary databases and trials built from the
 * reference escape cases (a copy kept beside the tests, see
 * reference-fixture.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  DirectionKind,
  Outcome,
  TrialResult,
  TrialSpec,
} from '../../src/escape/spec.js';
import type { StoredTrial } from '../../src/store/index.js';

export interface ReferenceEscape {
  dims: number[];
  sharpness: number;
  stepSize: number;
  stepRatio: number;
  radius: number;
  direction: DirectionKind;
  maxSteps: number;
  escapeDistance: number;
  outcome: Outcome;
  escapeStep: number | null;
  finalLoss: number;
  finalSharpness: number;
}

export const FIXTURE_FILE = new URL(
  './fixtures/reference-escapes.json',
  import.meta.url,
);

export const reference = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as {
  escapes: ReferenceEscape[];
  minimizerDims: number[][];
};

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-store-'));

  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function specFor(
  dims: number[],
  overrides: Partial<TrialSpec> = {},
): TrialSpec {
  return {
    dims,
    target: { kind: 'gaussian', scale: 1 },
    minimizer: { family: 'balanced' },
    radius: 1e-6,
    direction: 'top',
    step: { ratio: 1.2 },
    gd: {
      maxSteps: 20000,
      escapeDistance: 1e-3,
      convergedLoss: 1e-20,
      earlyStop: false,
    },
    seed: 7,
    trajectorySamples: 0,
    trajectorySharpness: false,
    ...overrides,
  };
}

/**
 * The trial a worker would report for a reference escape case. The
 * predicted escape step and landing ratio follow their closed forms
 * (DESIGN.md §1.3) with `|⟨d, v_1⟩| = 1` for the top direction.
 */
export function referenceTrial(
  sweepId: number,
  key: string,
  ref: ReferenceEscape,
): StoredTrial {
  const etaLambda = ref.stepSize * ref.sharpness;
  const predicted = ref.stepRatio > 1
    ? Math.log(ref.escapeDistance / ref.radius) /
      Math.log(Math.abs(1 - etaLambda))
    : null;
  const result: TrialResult = {
    outcome: ref.outcome,
    sharpness: ref.sharpness,
    stepSize: ref.stepSize,
    stepRatio: ref.stepRatio,
    escapeStep: ref.escapeStep,
    predictedEscapeStep: predicted,
    divergedStep: null,
    finalLoss: ref.finalLoss,
    finalDistance: null,
    finalSharpness: ref.finalSharpness,
    landingRatio: (ref.finalSharpness * ref.stepSize) / 2,
    steps: ref.maxSteps,
    topOverlap: 1,
    closedForms: {},
    trajectory: [
      { step: 0, loss: 0, distance: ref.radius, topComponent: ref.radius },
      { step: 10, loss: 1e-12, distance: 2e-6, topComponent: -2e-6 },
    ],
  };
  const spec = specFor(ref.dims, {
    radius: ref.radius,
    direction: ref.direction,
    step: { ratio: ref.stepRatio },
  });

  return { sweepId, key, spec, result, durationMs: 12.5 };
}

/** A trial whose worker threw. */
export function failedTrial(
  sweepId: number,
  key: string,
  step: TrialSpec['step'] = { ratio: 1.5 },
): StoredTrial {
  return {
    sweepId,
    key,
    spec: specFor([2, 3, 2], { step }),
    error: 'NumericError: Lanczos did not converge',
    durationMs: 3,
  };
}
