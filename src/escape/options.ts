/**
 * Options of one escape run (the `escape` command's input and what
 * `runTrial` derives from a TrialSpec), with defaults and the one place
 * they are validated.
 */
import type { Chain, MatrixInput } from '../dmf/index.js';
import { InputError } from '../errors.js';
import type { DirectionKind } from './spec.js';

export interface EscapeOptions {
  /** The minimizer w*: `[W_1, …, W_L]` or a chain (not modified). */
  factors: MatrixInput[] | Chain;
  /** `M`; default the product of the factors. */
  target?: MatrixInput;
  /** η directly … */
  stepSize?: number;
  /** … or as `ρ = η λ / 2` (exactly one of the two). */
  stepRatio?: number;
  /** Perturbation radius r ≥ 0. */
  radius: number;
  direction?: DirectionKind;
  /** Seeds the random direction (default 0). */
  seed?: number;
  maxSteps?: number;
  /** δ. */
  escapeDistance?: number;
  convergedLoss?: number;
  /** Default false: the reference protocol, always maxSteps steps. */
  earlyStop?: boolean;
  trajectorySamples?: number;
  trajectorySharpness?: boolean;
}

export const ESCAPE_DEFAULTS = {
  direction: 'top' as DirectionKind,
  seed: 0,
  maxSteps: 20000,
  escapeDistance: 1e-3,
  convergedLoss: 1e-20,
  earlyStop: false,
  trajectorySamples: 0,
  trajectorySharpness: false,
};

/** Loss above which (or non-finite) a run counts as diverged. */
export const DIVERGED_LOSS = 1e100;

export type ResolvedEscapeOptions = Required<
  Omit<EscapeOptions, 'target' | 'stepSize' | 'stepRatio'>
> &
  Pick<EscapeOptions, 'target' | 'stepSize' | 'stepRatio'>;

export function resolveEscapeOptions(o: EscapeOptions): ResolvedEscapeOptions {
  // Field by field (undefined means unset): a spread of the options over
  // the defaults costs microseconds per trial in V8, here a few ns.
  const d = ESCAPE_DEFAULTS;
  const r: ResolvedEscapeOptions = {
    factors: o.factors,
    target: o.target,
    stepSize: o.stepSize,
    stepRatio: o.stepRatio,
    radius: o.radius,
    direction: or(o.direction, d.direction),
    seed: or(o.seed, d.seed),
    maxSteps: or(o.maxSteps, d.maxSteps),
    escapeDistance: or(o.escapeDistance, d.escapeDistance),
    convergedLoss: or(o.convergedLoss, d.convergedLoss),
    earlyStop: or(o.earlyStop, d.earlyStop),
    trajectorySamples: or(o.trajectorySamples, d.trajectorySamples),
    trajectorySharpness: or(o.trajectorySharpness, d.trajectorySharpness),
  };

  const hasSize = o.stepSize !== undefined;
  const hasRatio = o.stepRatio !== undefined;
  if (hasSize === hasRatio) {
    throw new InputError(
      hasSize
        ? 'give stepSize or stepRatio, not both'
        : 'missing step: give stepSize (η) or stepRatio (ηλ/2)',
      { location: 'stepSize', hint: 'e.g. "stepRatio": 1.2' },
    );
  }
  if (hasSize) positive(o.stepSize!, 'stepSize');
  if (hasRatio) positive(o.stepRatio!, 'stepRatio');
  if (!(r.radius >= 0) || !Number.isFinite(r.radius)) {
    throw new InputError(`radius must be a number ≥ 0, got ${r.radius}`, {
      location: 'radius',
    });
  }
  if (!['top', 'random', 'flattest'].includes(r.direction)) {
    throw new InputError(
      `direction must be top, random or flattest, got ${r.direction}`,
      { location: 'direction' },
    );
  }
  if (!Number.isSafeInteger(r.seed)) {
    throw new InputError(`seed must be an integer, got ${r.seed}`, {
      location: 'seed',
    });
  }
  if (!Number.isInteger(r.maxSteps) || r.maxSteps < 0) {
    throw new InputError(
      `maxSteps must be a whole number ≥ 0, got ${r.maxSteps}`,
      { location: 'maxSteps' },
    );
  }
  positive(r.escapeDistance, 'escapeDistance');
  positive(r.convergedLoss, 'convergedLoss');
  if (!Number.isInteger(r.trajectorySamples) || r.trajectorySamples < 0) {
    throw new InputError(
      `trajectorySamples must be a whole number ≥ 0, got ` +
        `${r.trajectorySamples}`,
      { location: 'trajectorySamples' },
    );
  }

  return r;
}

/** The option when set (null too, so validation sees it), else the default. */
function or<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

function positive(x: number, location: string): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new InputError(`${location} must be a number > 0, got ${x}`, {
      location,
    });
  }
}
