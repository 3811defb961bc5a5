import type { TrialSpec } from '../../escape/spec.js';
import { OptionError } from '../../errors.js';
import { GdWorkspace, type Chain } from '../../dmf/index.js';
import type { Mat } from '../../linalg/index.js';
import { buildMinimizer, buildTarget } from '../../minima/index.js';
import { describeTrial, loadSweepFile } from '../../plan/index.js';
import { defaultWorkerCount } from '../../run/local.js';
import {
  formatHelp,
  parseCommand,
  positiveInteger,
  workerCount,
  requirePositional,
  type CommandHelp,
} from '../args.js';
import { formatDuration } from '../format.js';
import type { Command } from './types.js';

const help: CommandHelp = {
  usage: 'sharpsweep plan <sweep.yaml> [--samples <n>] [--workers <n>]',
  summary:
    'Validates a sweep file and prints its trial count, a few sample ' +
    'trials and an estimated cost. Writes nothing.',
  options: [
    ['--samples <n>', 'sample trials to list (default 5)'],
    ['--workers <n>', 'worker count the time estimate assumes (default: cores)'],
    ['-h, --help', 'show this help'],
  ],
  examples: ['sharpsweep plan sweeps/default.yaml'],
};

export const planCommand: Command = {
  summary: 'validate a sweep file and estimate its size and cost',
  async run(argv) {
    const { values, positionals } = parseCommand('plan', argv, {
      samples: { type: 'string' },
      workers: { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(formatHelp(help));
      return 0;
    }

    const file = requirePositional(positionals, 0, 'sweep file', 'plan');
    if (positionals.length > 1) {
      throw new OptionError(`unexpected argument "${positionals[1]}"`, {
        location: 'sharpsweep plan',
        hint: 'Give one sweep file; run `sharpsweep plan --help` for usage.',
      });
    }
    const samples =
      positiveInteger(values.samples as string | undefined, '--samples') ?? 5;
    const workers =
      workerCount(values.workers as string | undefined) ??
      defaultWorkerCount();
    const plan = loadSweepFile(file);
    const estimate = plan.estimate();
    const sample = plan.sample(samples);

    const seconds = calibrate(sample.map((trial) => trial.spec), estimate);
    const lines = [
      `Sweep "${plan.name}" (${file})`,
      plan.description ? `  ${plan.description}` : undefined,
      `  trials: ${plan.count.toLocaleString('en-US')}`,
      `  GD steps (upper bound): ${estimate.gdSteps.toLocaleString('en-US')}`,
      `  estimated time on ${workers} worker(s): ` +
        (seconds === null
          ? 'unknown'
          : `up to ${formatDuration(seconds / workers)} ` +
            '(less with early stopping)'),
      '',
      'Sample trials:',
      ...sample.map((trial) => `  ${trial.key.slice(0, 12)}  ${describeTrial(trial.spec)}`),
    ];
    process.stdout.write(lines.filter((l) => l !== undefined).join('\n') + '\n');

    return 0;
  },
};

/** Time budget of the calibration: per sample trial and in all. */
const SECONDS_PER_SPEC = 0.25;
const SECONDS_TOTAL = 1;

/**
 * Times a few short gradient-descent runs to turn the plan's step count
 * into seconds on this machine: single-threaded, about a second at most.
 * LIMITATION: only the GD steps are timed, as only they are counted; the
 * eigen-solves at each trial's start and end are left out (README,
 * Limitations). Timing them here would make `plan` itself as slow as a
 * trial: on chains of thousands of factors they cost more than the steps.
 */
export function calibrate(
  specs: TrialSpec[],
  estimate: { gdSteps: number },
  now: () => number = () => performance.now(),
): number | null {
  let stepsTimed = 0;
  let secondsTimed = 0;
  let totalSeconds = 0;

  for (const spec of specs) {
    const limit = Math.min(spec.gd.maxSteps, 2_000);
    let chain: Chain;
    let target: Mat;
    try {
      target = buildTarget(spec.target, spec.dims, spec.seed);
      chain = buildMinimizer(spec.minimizer, target, spec.dims, spec.seed);
    } catch {
      continue;
    }
    const anchor = Float64Array.from(chain.params);
    const workspace = new GdWorkspace(chain, target);
    // Runs of 1, 2, 4, … steps until this spec has had its share of the
    // time budget: a run of a fixed length would take minutes on a chain
    // of 100,000 factors.
    let done = 0;
    let chunk = 1;
    let specSeconds = 0;
    let lastSteps = 0;
    let lastSeconds = 0;
    while (done < limit && specSeconds < SECONDS_PER_SPEC) {
      const steps = Math.min(chunk, limit - done);
      const started = now();
      // What each step of runGd does; η = 0 keeps the iterate at the
      // minimizer: the same work as a real step, without any chance of
      // diverging and stopping early.
      for (let k = 0; k < steps; k++) {
        workspace.lossAndGradient();
        workspace.descendFrom(0, anchor);
      }
      lastSeconds = (now() - started) / 1000;
      lastSteps = steps;
      specSeconds += lastSeconds;
      done += steps;
      chunk *= 2;
    }
    // The longest, last run only: the first steps also pay for compiling.
    secondsTimed += lastSeconds;
    stepsTimed += lastSteps;
    if ((totalSeconds += specSeconds) > SECONDS_TOTAL) {
      break;
    }
  }

  if (stepsTimed === 0 || estimate.gdSteps === 0) {
    return null;
  }

  return (secondsTimed / stepsTimed) * estimate.gdSteps;
}
